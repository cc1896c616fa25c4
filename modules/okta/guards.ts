/**
 * Okta lockout guards. They read the attributes each rule will synthesize (escape-hatch overrides
 * included), not the values the construct was built with.
 */
import { DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import type { GuardRule } from "../guards";
import type { OktaSpec } from "../spec";

/** Resource types whose `access = "DENY"` blocks a sign-in: global session rules and authentication policy rules. */
export const OKTA_DENY_RULE_TYPES = ["okta_policy_rule_signon", "okta_app_signon_policy_rule"] as const;

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The resolved Terraform attributes a resource will synthesize, overrides applied. */
export function synthesizedAttributes(resource: TerraformResource): Record<string, unknown> {
  const tf = Tokenization.resolve(resource.toTerraform(), {
    scope: TerraformStack.of(resource),
    resolver: RESOLVER,
    preparing: false,
  }) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  return tf.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId] ?? {};
}

/**
 * OKTA-BREAK-GLASS: every Okta deny rule excludes every break-glass user. A GSP deny leaves no session
 * at all, so every app is denied (developer.okta.com/docs/reference/api/policy/ §Global session policy);
 * `users_excluded` is the only exclusion either rule type has for individual users.
 */
export function oktaBreakGlassGuard(breakGlassUserIds: readonly string[]): GuardRule {
  return {
    id: "OKTA-BREAK-GLASS",
    check(node: IConstruct): readonly string[] {
      if (!TerraformResource.isTerraformResource(node)) return [];
      const type = node.terraformResourceType;
      if (!(OKTA_DENY_RULE_TYPES as readonly string[]).includes(type)) return [];
      const attrs = synthesizedAttributes(node);
      const label = `${type} "${describe(attrs.name)}"`;
      const access = attrs.access;
      if (access === undefined || access === "ALLOW" || access === "CHALLENGE") return [];
      if (access !== "DENY") {
        return [
          `${label}: access is ${describe(access)}, not a literal ALLOW or DENY, so the break-glass exclusion cannot be checked`,
        ];
      }
      const excluded = attrs.users_excluded;
      if (excluded !== undefined && !isStringList(excluded)) {
        return [
          `${label} denies access, but users_excluded is ${describe(excluded)}, not a literal list of user IDs; list the break-glass users ${breakGlassUserIds.join(", ")}`,
        ];
      }
      const present = new Set(excluded ?? []);
      const missing = breakGlassUserIds.filter((id) => !present.has(id));
      if (missing.length === 0) return [];
      return [
        `${label} denies access but does not exclude break-glass user(s) ${missing.join(", ")}; add them to users_excluded`,
      ];
    },
  };
}

/** The Okta guards for a spec's Okta section. */
export function oktaGuardRules(okta: OktaSpec): GuardRule[] {
  return [oktaBreakGlassGuard(okta.breakGlassUserIds)];
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function describe(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
