/**
 * The organisation's rules for Microsoft Entra ID Conditional Access, stated over one sign-in context and
 * its decision and parameterised by the baseline spec: who is break-glass, which directory roles are
 * administrators, what each tier needs, which networks are trusted, which countries are blocked, how the
 * org answers sign-in and user risk.
 *
 * Sources of the semantics these rely on (see also simulator/entra/evaluate.ts and
 * ../shared/reference/entra-conditional-access.md):
 * - Every applying enforced policy must be satisfied, block wins; report-only policies are never enforced:
 *   https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies (R18, R19),
 *   https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only (R3)
 * - Exclusion beats inclusion: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups (R7)
 * - Legacy clients cannot do MFA: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions (R10)
 * - Authentication strengths and their combinations: https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths (R22)
 * - Risk policies with sign-in frequency "every time":
 *   https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-risk (R13, R23)
 */
import type { BaselineSpec, EntraSpec } from "../../modules/spec";
import type { Outcome } from "../decision";
import type { EntraContext } from "../entra/context";
import { cidrRange, inRanges } from "../entra/space";
import { BUILT_IN_STRENGTH_IDS, BUILT_IN_STRENGTHS, LEGACY_CLIENT_APP_TYPES } from "../entra/vocabulary";
import type { DecisionFacts } from "../providers";
import type { TerraformModel } from "../terraform/model";
import type { Invariant, PointInvariant, RelationalInvariant } from "../verify/invariant";
import { orderIndependence } from "../verify/variants";
import { withExclusions, withoutReportOnlyPolicies } from "./entra-variants";

type Ctx = EntraContext;

// -- facts about a context --------------------------------------------------------------------------------

const combos = (id: string): readonly (readonly string[])[] =>
  BUILT_IN_STRENGTHS[id].combinations.map((c) => c.split(","));
const MFA = combos(BUILT_IN_STRENGTH_IDS.mfa);
const PHISHING_RESISTANT = combos(BUILT_IN_STRENGTH_IDS.phishingResistant);

function used(ctx: Ctx, strength: readonly (readonly string[])[]): boolean {
  const methods = ctx.satisfied.methods as readonly string[];
  return strength.some((c) => c.every((m) => methods.includes(m)));
}
/** The sign-in has completed MFA (a combination of the built-in MFA strength, R22). */
const mfaDone = (ctx: Ctx) => used(ctx, MFA);
const phishingResistantDone = (ctx: Ctx) => used(ctx, PHISHING_RESISTANT);

const requires = (facts: DecisionFacts, r: string): boolean =>
  (facts.verdict.requires ?? []).includes(r as never);
const everyTime = (facts: DecisionFacts): boolean => facts.session?.signInFrequency === "everyTime";

function notDenied(facts: DecisionFacts): string | undefined {
  return facts.verdict.outcome === "deny"
    ? undefined
    : `${facts.verdict.outcome}, not deny (${facts.verdict.summary})`;
}

function allowedWithoutMfa(ctx: Ctx, facts: DecisionFacts): string | undefined {
  return facts.verdict.outcome === "allow" && !mfaDone(ctx)
    ? `allowed without MFA (${facts.verdict.summary})`
    : undefined;
}

/** Allowed without having used phishing-resistant MFA, or asked only for something weaker. */
function withoutPhishingResistance(ctx: Ctx, facts: DecisionFacts): string | undefined {
  if (phishingResistantDone(ctx)) return undefined;
  const { outcome } = facts.verdict;
  if (outcome === "allow") return `allowed without phishing-resistant MFA (${facts.verdict.summary})`;
  if (outcome === "mfa" && !requires(facts, "phishing-resistant"))
    return `asks only for ${(facts.verdict.requires ?? []).join(", ")}, not phishing-resistant MFA (${facts.verdict.summary})`;
  return undefined;
}

/** MFA a risk policy asks for must be proven in this very sign-in: done now, and re-asked every time (R23). */
function riskMfaMissing(ctx: Ctx, facts: DecisionFacts): string | undefined {
  if (facts.verdict.outcome !== "allow") return undefined;
  if (!mfaDone(ctx)) return `allowed without MFA (${facts.verdict.summary})`;
  if (!everyTime(facts))
    return `allowed on MFA without sign-in frequency "every time", so an earlier session's MFA would do (${facts.verdict.summary})`;
  return undefined;
}

// -- the invariants ----------------------------------------------------------------------------------------

function point(
  inv: Omit<PointInvariant<Ctx>, "kind" | "provider" | "expected"> & { readonly expected: Outcome },
): PointInvariant<Ctx> {
  const { expected, ...rest } = inv;
  return { ...rest, kind: "point", provider: "entra", expected: () => expected };
}

/** Group keys of the spec's tiers: object IDs, or the addresses of the groups the configuration creates. */
function tierGroupKeys(entra: EntraSpec, model: TerraformModel): string[] {
  return Object.values(entra.groups).flatMap((g) =>
    "objectId" in g
      ? [g.objectId]
      : model
          .resourcesOfType("azuread_group")
          .filter((r) => r.values.display_name === g.create.displayName)
          .map((r) => r.address),
  );
}

/** Every group and role the configuration's policies name, read from the raw values. */
function mentionedGroupsAndRoles(model: TerraformModel): { groups: string[]; roles: string[] } {
  const groups = new Set<string>();
  const roles = new Set<string>();
  const keyOf = (v: unknown): string | undefined =>
    typeof v === "string"
      ? v
      : typeof v === "object" && v !== null && "address" in v
        ? String((v as { address: string }).address)
        : undefined;
  const visit = (v: unknown, key: string) => {
    if (Array.isArray(v)) {
      if (/_groups$/.test(key))
        v.forEach((x) => {
          const k = keyOf(x);
          if (k) groups.add(k);
        });
      else if (/_roles$/.test(key))
        v.forEach((x) => {
          const k = keyOf(x);
          if (k) roles.add(k);
        });
      else v.forEach((x) => visit(x, key));
    } else if (typeof v === "object" && v !== null && v.constructor === Object)
      for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  for (const r of model.resourcesOfType("azuread_conditional_access_policy")) visit(r.values, "");
  return { groups: [...groups], roles: [...roles] };
}

/** The Entra invariants of the baseline. */
export function entraInvariants(spec: BaselineSpec): Invariant<Ctx>[] {
  const entra = spec.entra;
  if (!entra) throw new Error("entraInvariants: the spec has no entra section");
  const breakGlass = new Set(entra.breakGlassUserIds);
  const adminRoles = new Set(entra.adminRoleTemplateIds);
  const trusted = spec.networks.trusted.flatMap((n) => n.cidrs.map(cidrRange));
  const adminsPhishingResistant = spec.tiers.administrators.mfa === "phishing-resistant";

  const human = (c: Ctx) => c.user !== undefined && !breakGlass.has(c.user.id);
  /** A resource sign-in, as opposed to a user action such as registering security information. */
  const app = (c: Ctx) => c.application !== undefined;
  const isAdmin = (c: Ctx) => (c.user?.roles ?? []).some((r) => adminRoles.has(r));
  const onTrustedNetwork = (c: Ctx) => inRanges(c.ip, trusted);

  const invariants: Invariant<Ctx>[] = [
    point({
      id: "entra-break-glass-never-blocked",
      title:
        "Break-glass accounts are never blocked, whatever the app, client, platform, network, risk or device",
      applies: (c) => c.user !== undefined && breakGlass.has(c.user.id),
      violation: (c, f) =>
        f.verdict.outcome === "deny" ? `break-glass ${c.user?.id} blocked: ${f.verdict.summary}` : undefined,
      expected: "allow",
    }),
    point({
      id: "entra-apps-need-mfa",
      title: "No one but break-glass reaches an app without MFA",
      applies: (c) => human(c) && app(c),
      violation: allowedWithoutMfa,
      expected: "mfa",
    }),
    point({
      id: "entra-admins-phishing-resistant",
      title: adminsPhishingResistant
        ? `Holders of an administrator role (${adminRoles.size} role templates) reach any app only with phishing-resistant MFA`
        : `Holders of an administrator role (${adminRoles.size} role templates) reach any app only with MFA`,
      applies: (c) => human(c) && app(c) && isAdmin(c),
      violation: (c, f) =>
        adminsPhishingResistant ? withoutPhishingResistance(c, f) : allowedWithoutMfa(c, f),
      expected: "mfa",
    }),
    // Cross-provider rule, Entra half. Conditional Access has no anonymiser condition: Entra ID Protection
    // raises anonymous IP addresses as sign-in risk, so an anonymiser is a risky sign-in here.
    point({
      id: "entra-admin-untrusted-network-phishing-resistant",
      title: adminsPhishingResistant
        ? "An administrator signing in to an app from an untrusted network or with sign-in risk (an anonymiser) is never let in without phishing-resistant MFA"
        : "An administrator signing in to an app from an untrusted network or with sign-in risk (an anonymiser) is never let in without MFA",
      applies: (c) =>
        human(c) &&
        app(c) &&
        isAdmin(c) &&
        (!onTrustedNetwork(c) || c.signInRisk === "medium" || c.signInRisk === "high"),
      violation: (c, f) =>
        adminsPhishingResistant ? withoutPhishingResistance(c, f) : allowedWithoutMfa(c, f),
      expected: "mfa",
    }),
    point({
      id: "entra-legacy-auth-blocked",
      title:
        "Legacy authentication (Exchange ActiveSync, other clients) to any app is blocked by an enforced block policy, not merely failed by a grant it cannot meet",
      applies: (c) => human(c) && app(c) && LEGACY_CLIENT_APP_TYPES.has(c.clientApp),
      violation: (_c, f) =>
        f.verdict.outcome !== "deny"
          ? `${f.verdict.outcome}, not deny (${f.verdict.summary})`
          : /^blocked by /.test(f.verdict.summary)
            ? undefined
            : `denied only because a grant cannot be met, not by a block policy (${f.verdict.summary})`,
      expected: "deny",
    }),
  ];

  const { high, medium } = spec.risk.signIn;
  invariants.push(
    point({
      id: "entra-high-sign-in-risk",
      title:
        high === "block"
          ? "A high-risk sign-in to an app is blocked (break-glass aside)"
          : "A high-risk sign-in to an app is never allowed without MFA proven in that sign-in (break-glass aside)",
      applies: (c) => human(c) && app(c) && c.signInRisk === "high",
      violation: (c, f) => (high === "block" ? notDenied(f) : riskMfaMissing(c, f)),
      expected: high === "block" ? "deny" : "mfa",
    }),
  );
  if (medium === "mfa")
    invariants.push(
      point({
        id: "entra-medium-sign-in-risk-mfa",
        title:
          "A medium-risk sign-in to an app is never allowed without MFA proven in that sign-in (break-glass aside)",
        applies: (c) => human(c) && app(c) && c.signInRisk === "medium",
        violation: riskMfaMissing,
        expected: "mfa",
      }),
    );
  invariants.push(
    point({
      id: "entra-high-user-risk-password-change",
      title:
        "A user at high user risk reaches an app only after MFA and a secure password change in that sign-in, or is blocked (break-glass aside)",
      applies: (c) => human(c) && app(c) && c.userRisk === "high",
      violation: (c, f) => {
        if (f.verdict.outcome !== "allow") return undefined;
        if (!c.satisfied.passwordChanged) return `allowed without a password change (${f.verdict.summary})`;
        return riskMfaMissing(c, f);
      },
      expected: "mfa",
    }),
  );
  if (spec.networks.blockedCountries.length) {
    const blocked = new Set(spec.networks.blockedCountries);
    invariants.push(
      point({
        id: "entra-blocked-countries-denied",
        title: `Sign-ins to apps from ${[...blocked].join(", ")} are blocked (break-glass aside)`,
        applies: (c) => human(c) && app(c) && c.country !== undefined && blocked.has(c.country),
        violation: (_c, f) => notDenied(f),
        expected: "deny",
      }),
    );
  }

  const reportOnly: RelationalInvariant<Ctx> = {
    kind: "relational",
    id: "entra-report-only-never-enforces",
    title:
      "Report-only policies never change an outcome: removing them all decides every sign-in the same way",
    provider: "entra",
    relation: "equal",
    applies: () => true,
    variants: (m) => [{ label: "report-only policies removed", model: withoutReportOnlyPolicies(m) }],
  };
  const orderIndependent = orderIndependence<Ctx>({
    provider: "entra",
    id: "entra-order-independent",
    title: "Outcomes never depend on the order the policies are declared in",
  });
  /**
   * Every applying policy must be satisfied (R18), so leaving a policy can only remove requirements. One
   * variant excludes, from every policy at once, every group and role the policies or the spec name and
   * every guest kind: a sign-in meets the exclusions of its own groups, roles and guest kind. Users are
   * left out (excluding every user would make every outcome `allow` and test nothing).
   */
  const exclusionMonotonic: RelationalInvariant<Ctx> = {
    kind: "relational",
    id: "entra-exclusion-never-stricter",
    title: "Excluding groups, roles or guests from policies never makes an outcome stricter",
    provider: "entra",
    relation: "not-stricter",
    applies: (c) =>
      c.user !== undefined &&
      (c.user.groups.length > 0 ||
        c.user.roles.length > 0 ||
        c.user.type === "guest" ||
        c.user.guestKind !== undefined),
    variants: (m) => {
      const named = mentionedGroupsAndRoles(m);
      const groups = [...new Set([...named.groups, ...tierGroupKeys(entra, m)])];
      const roles = [...new Set([...named.roles, ...adminRoles])];
      return [
        {
          label: "every named group and role and every guest kind excluded from every policy",
          model: withExclusions(m, { groups, roles, allGuests: true }),
        },
      ];
    },
  };
  invariants.push(reportOnly, orderIndependent, exclusionMonotonic);
  return invariants;
}
