/**
 * Authentication policies (type ACCESS_POLICY, Identity Engine only) for the admin apps and for the
 * general apps, each assigned to its apps. An app has exactly one authentication policy
 * (developer.okta.com/docs/guides/configure-signon-policy/main). Rules are evaluated from priority 0
 * and the first match wins; the system catch-all (priority 99) is never reached because every policy
 * here ends in an unconditional rule of its own.
 *
 * Constraints: within one constraint object every property must hold; "phishing-resistant" possession
 * implies device-bound (help.okta.com …/add-app-sign-on-policy-rule.htm; developer.okta.com/docs/reference/api/policy/ §Constraints).
 */
import { AppAccessPolicyAssignment } from "@cdktf/provider-okta/lib/app-access-policy-assignment";
import { AppSignonPolicy } from "@cdktf/provider-okta/lib/app-signon-policy";
import {
  AppSignonPolicyRule,
  type AppSignonPolicyRuleConfig,
} from "@cdktf/provider-okta/lib/app-signon-policy-rule";
import { Construct } from "constructs";
import type { BaselineSpec, MfaClass, OktaSpec } from "../spec";
import type { OktaTierGroupIds } from "./groups";
import { slug } from "./names";

/** Re-authenticate on every sign-in attempt. */
export const EVERY_SIGN_IN = "PT0S";
export const PHISHING_RESISTANT_CONSTRAINT = {
  possession: { phishingResistant: "REQUIRED", deviceBound: "REQUIRED" },
} as const;

export function hoursAsDuration(hours: number): string {
  return `PT${hours}H`;
}

type RuleSettings = Omit<AppSignonPolicyRuleConfig, "policyId" | "priority" | "status">;

export interface OktaAppPolicy {
  readonly policy: AppSignonPolicy;
  /** Rules in priority order (index 0 has priority 0). */
  readonly rules: readonly AppSignonPolicyRule[];
  readonly assignments: readonly AppAccessPolicyAssignment[];
}

export class OktaAppPolicies extends Construct {
  /** Absent when the spec lists no admin apps. */
  readonly adminApps?: OktaAppPolicy;
  /** Absent when the spec lists no general apps. */
  readonly generalApps?: OktaAppPolicy;

  constructor(
    scope: Construct,
    id: string,
    spec: BaselineSpec,
    groups: OktaTierGroupIds,
    breakGlassUserIds: readonly string[],
  ) {
    super(scope, id);
    const okta = spec.okta;
    if (!okta) throw new Error("OktaAppPolicies: spec.okta is missing");
    const problem = appListProblem(okta);
    if (problem) throw new Error(problem);
    const bg = [...breakGlassUserIds];
    const { sessions, tiers } = spec;
    const adminReauth = hoursAsDuration(sessions.adminSignInFrequencyHours);
    const userReauth = hoursAsDuration(sessions.userSessionHours);

    if (okta.adminApps.length > 0) {
      const strength = strengthRule(tiers.administrators.mfa);
      this.adminApps = this.policy(
        "admin-apps",
        "MFA baseline: admin apps",
        "Admin console and admin apps",
        okta.adminApps,
        [
          ...riskRules(spec, strength, bg),
          ...(tiers.administrators.mfa === "phishing-resistant"
            ? [
                {
                  name: "Phishing-resistant MFA",
                  ...strength,
                  reAuthenticationFrequency: adminReauth,
                  usersExcluded: bg,
                },
              ]
            : []),
          {
            name: "Break-glass and fallback: 2FA",
            access: "ALLOW",
            factorMode: "2FA",
            reAuthenticationFrequency: adminReauth,
          },
        ],
      );
    }

    if (okta.generalApps.length > 0) {
      // Tiers that need phishing-resistant MFA keep it in every rule that can match them, risk step-ups
      // included: the first matching rule wins, so a generic "any MFA" risk rule placed before their own
      // rule would otherwise let them in with weaker MFA at higher risk.
      const strict: StrictTier[] = [];
      if (tiers.administrators.mfa === "phishing-resistant") {
        strict.push({ label: "Administrators", groups: [groups.administrators], reauth: adminReauth });
      }
      const strictTiers = (["employees", "contractors"] as const).filter(
        (t) => tiers[t].mfa === "phishing-resistant",
      );
      if (strictTiers.length > 0) {
        strict.push({
          label: strictTiers.map(capitalise).join(" and "),
          groups: strictTiers.map((t) => groups[t]),
          reauth: userReauth,
        });
      }
      const rules: RuleSettings[] = [...riskRules(spec, strengthRule("any-mfa"), bg, strict)];
      for (const t of strict) {
        rules.push({
          name: `${t.label}: phishing-resistant MFA`,
          ...strengthRule("phishing-resistant"),
          groupsIncluded: [...t.groups],
          reAuthenticationFrequency: t.reauth,
          usersExcluded: bg,
        });
      }
      rules.push({
        name: "Everyone: 2FA",
        access: "ALLOW",
        factorMode: "2FA",
        reAuthenticationFrequency: userReauth,
      });
      this.generalApps = this.policy(
        "general-apps",
        "MFA baseline: general apps",
        "Workforce apps",
        okta.generalApps,
        rules,
      );
    }
  }

  private policy(
    id: string,
    name: string,
    description: string,
    appIds: readonly string[],
    rules: readonly RuleSettings[],
  ): OktaAppPolicy {
    const scope = new Construct(this, id);
    const policy = new AppSignonPolicy(scope, "policy", { name, description });
    return {
      policy,
      rules: rules.map(
        (settings, priority) =>
          new AppSignonPolicyRule(scope, slug(settings.name), {
            ...settings,
            policyId: policy.id,
            priority,
            status: "ACTIVE",
          }),
      ),
      assignments: [...new Set(appIds)].map(
        (appId) => new AppAccessPolicyAssignment(scope, `assign-${appId}`, { appId, policyId: policy.id }),
      ),
    };
  }
}

/** An app in both lists: an Okta app has exactly one authentication policy. */
export function appListProblem(okta: OktaSpec): string | undefined {
  const both = okta.adminApps.filter((app) => okta.generalApps.includes(app));
  return both.length > 0
    ? `okta.adminApps and okta.generalApps both list ${both.join(", ")}; an Okta app has exactly one authentication policy, so list each app once`
    : undefined;
}

function strengthRule(mfa: MfaClass): Pick<RuleSettings, "access" | "factorMode" | "constraints"> {
  return mfa === "phishing-resistant"
    ? { access: "ALLOW", factorMode: "2FA", constraints: [JSON.stringify(PHISHING_RESISTANT_CONSTRAINT)] }
    : { access: "ALLOW", factorMode: "2FA" };
}

/** A tier group that needs phishing-resistant MFA in a policy whose default strength is weaker. */
interface StrictTier {
  readonly label: string;
  readonly groups: readonly string[];
  readonly reauth: string;
}

/**
 * Sign-in risk responses from the spec: high → deny (or step-up), medium → step-up, where a step-up is
 * the policy's own strength (phishing-resistant for `strict` tiers, in a rule of their own placed first)
 * with re-authentication on every attempt. A rule's risk level "limits the rule to only the specified
 * risk level" (help.okta.com …/add-app-sign-on-policy-rule.htm), so each level gets its own rules.
 */
function riskRules(
  spec: BaselineSpec,
  strength: Pick<RuleSettings, "access" | "factorMode" | "constraints">,
  bg: string[],
  strict: readonly StrictTier[] = [],
): RuleSettings[] {
  const rules: RuleSettings[] = [];
  const stepUps: { readonly level: "HIGH" | "MEDIUM"; readonly label: string }[] = [];
  if (spec.risk.signIn.high === "block") {
    rules.push({ name: "High risk: deny", riskScore: "HIGH", access: "DENY", usersExcluded: bg });
  } else {
    stepUps.push({ level: "HIGH", label: "High risk" });
  }
  stepUps.push({ level: "MEDIUM", label: "Medium risk" });
  for (const { level, label } of stepUps) {
    for (const t of strict) {
      rules.push({
        name: `${t.label}: ${label.toLowerCase()}, phishing-resistant MFA every sign-in`,
        riskScore: level,
        ...strengthRule("phishing-resistant"),
        groupsIncluded: [...t.groups],
        reAuthenticationFrequency: EVERY_SIGN_IN,
        usersExcluded: bg,
      });
    }
    rules.push({
      name: `${label}: MFA every sign-in`,
      riskScore: level,
      ...strength,
      reAuthenticationFrequency: EVERY_SIGN_IN,
      usersExcluded: bg,
    });
  }
  return rules;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
