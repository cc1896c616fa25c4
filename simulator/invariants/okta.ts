/**
 * The organisation's rules for Okta, stated over one sign-in context and its decision and
 * parameterised by the baseline spec: who is break-glass, which group holds the administrators, which
 * apps are admin apps, what the tiers need, which countries and anonymisers are blocked, how the org
 * answers sign-in risk.
 *
 * Sources of the semantics these rely on (see also simulator/okta/evaluate.ts):
 * - Policy and rule order, first match wins: https://developer.okta.com/docs/concepts/policies/
 * - ThreatInsight blocks before any policy and excludes only network zones, not users:
 *   https://help.okta.com/en-us/content/topics/security/threat-insight/configure-threatinsight.htm
 * - Phishing-resistant authenticators and the 2FA factor types:
 *   https://help.okta.com/oie/en-us/Content/Topics/identity-engine/policies/add-app-sign-on-policy-rule.htm
 */
import type { BaselineSpec, OktaSpec } from "../../modules/spec";
import type { Outcome } from "../decision";
import { AUTHENTICATOR_TRAITS } from "../okta/authenticators";
import type { OktaContext } from "../okta/context";
import { inRanges, parseIp, parseIpRange } from "../okta/ip";
import { compileOkta } from "../okta/compile";
import { factorTypesWithin, usedAuthenticators } from "../okta/requirements";
import type { DecisionFacts } from "../providers";
import type { TerraformModel } from "../terraform/model";
import type { ExpectedResult, Invariant, PointInvariant, RelationalInvariant } from "../verify/invariant";
import { orderIndependence } from "../verify/variants";
import { mentionedPrincipals, withExclusions } from "./okta-variants";

type Ctx = OktaContext;

// -- facts about a context ------------------------------------------------------------------------------

/** Distinct factor types (knowledge, possession, inherence) used within `seconds`. */
function factorTypes(ctx: Ctx, seconds: number): number {
  return factorTypesWithin(usedAuthenticators(ctx.authenticators), seconds);
}

/** MFA completed during this very sign-in attempt. */
function mfaThisSignIn(ctx: Ctx): boolean {
  return factorTypes(ctx, 0) >= 2;
}

/** A phishing-resistant authenticator and two factor types, both within `seconds`. */
function phishingResistantWithin(ctx: Ctx, seconds: number): boolean {
  const fresh = ctx.authenticators.some(
    (a) => a.ageSeconds <= seconds && AUTHENTICATOR_TRAITS[a.authenticator].phishingResistant,
  );
  return fresh && factorTypes(ctx, seconds) >= 2;
}

/**
 * Whether a decision can let the user in without phishing-resistant MFA: allowed without having used
 * it within `seconds`, or asking only for something weaker than it.
 */
function withoutPhishingResistance(ctx: Ctx, facts: DecisionFacts, seconds: number): string | undefined {
  const { outcome } = facts.verdict;
  if (outcome === "allow" && !phishingResistantWithin(ctx, seconds))
    return `allowed without phishing-resistant MFA in the last ${seconds} s (${facts.verdict.summary})`;
  if (
    outcome === "mfa" &&
    !(facts.verdict.requires ?? []).includes("phishing-resistant") &&
    !phishingResistantWithin(ctx, seconds)
  )
    return `asks only for ${(facts.verdict.requires ?? []).join(", ")}, not phishing-resistant MFA (${facts.verdict.summary})`;
  return undefined;
}

function allowedWithoutFreshMfa(ctx: Ctx, facts: DecisionFacts): string | undefined {
  return facts.verdict.outcome === "allow" && !mfaThisSignIn(ctx)
    ? `allowed without MFA in this sign-in (${facts.verdict.summary})`
    : undefined;
}

function notDenied(facts: DecisionFacts): string | undefined {
  return facts.verdict.outcome === "deny"
    ? undefined
    : `${facts.verdict.outcome}, not deny (${facts.verdict.summary})`;
}

// -- who the spec names ----------------------------------------------------------------------------------

type Tier = keyof OktaSpec["groups"];

/**
 * The keys a context uses for a tier's group: its Okta ID, or (created by the configuration) the
 * address of the `okta_group` of that name, which only the loaded configuration can tell.
 */
function tierGroupKeys(okta: OktaSpec, tier: Tier, model: TerraformModel | undefined): ReadonlySet<string> {
  const group = okta.groups[tier];
  if ("id" in group) return new Set([group.id]);
  if (!model)
    throw new Error(
      `oktaInvariants: the ${tier} group "${group.create.name}" is created by the configuration, so its address is only known from it; pass the loaded TerraformModel`,
    );
  const hits = model.resourcesOfType("okta_group").filter((r) => r.values.name === group.create.name);
  if (hits.length === 0)
    throw new Error(
      `oktaInvariants: ${model.stack} has no okta_group named "${group.create.name}" (okta.groups.${tier}); known groups: ${
        model
          .resourcesOfType("okta_group")
          .map((r) => `${r.address} "${String(r.values.name)}"`)
          .join(", ") || "none"
      }`,
    );
  return new Set(hits.map((r) => r.address));
}

function trustedRanges(spec: BaselineSpec) {
  return spec.networks.trusted.flatMap((n) => n.cidrs.map(parseIpRange));
}

// -- the invariants --------------------------------------------------------------------------------------

function point(
  inv: Omit<PointInvariant<Ctx>, "kind" | "provider" | "expected"> & {
    readonly expected: Outcome | ExpectedResult;
  },
): PointInvariant<Ctx> {
  const { expected, ...rest } = inv;
  return { ...rest, kind: "point", provider: "okta", expected: () => expected };
}

/**
 * The Okta invariants of the baseline. `model` resolves groups the configuration creates (their
 * address is only known from it); it is required when the spec creates any of the tier groups.
 */
export function oktaInvariants(spec: BaselineSpec, model?: TerraformModel): Invariant<Ctx>[] {
  const okta = spec.okta;
  if (!okta) throw new Error("oktaInvariants: the spec has no okta section");
  const breakGlass = new Set(okta.breakGlassUserIds);
  const admins = tierGroupKeys(okta, "administrators", model);
  const adminApps = new Set(okta.adminApps);
  const trusted = trustedRanges(spec);
  const adminWindow = spec.sessions.adminSignInFrequencyHours * 3600;
  const adminsPhishingResistant = spec.tiers.administrators.mfa === "phishing-resistant";

  const isBreakGlass = (c: Ctx) => breakGlass.has(c.user.id);
  const isAdmin = (c: Ctx) => c.user.groups.some((g) => admins.has(g));
  const hops = (c: Ctx) => [...c.forwardedFor, ...(c.ip ? [c.ip] : [])];
  /** Every address of the request is on a trusted network of the spec. */
  const onTrustedNetwork = (c: Ctx) =>
    hops(c).length > 0 && hops(c).every((ip) => inRanges(parseIp(ip), trusted));
  const anonymised = (c: Ctx) => c.anonymizer !== "none";

  const invariants: Invariant<Ctx>[] = [
    point({
      id: "okta-break-glass-never-blocked",
      title:
        "Break-glass accounts are never denied — unless Okta ThreatInsight (action block) flags their IP outside the trusted networks: ThreatInsight runs before every policy and can exclude only network zones, not users",
      applies: (c) => isBreakGlass(c) && !(c.threatSuspected && !onTrustedNetwork(c)),
      violation: (c, f) =>
        f.verdict.outcome === "deny" ? `break-glass ${c.user.id} denied: ${f.verdict.summary}` : undefined,
      expected: "mfa",
    }),
    point({
      id: "okta-apps-need-two-factors",
      title: "No one, break-glass included, reaches an app having used fewer than two factor types",
      applies: (c) => c.app !== undefined,
      violation: (c, f) =>
        f.verdict.outcome === "allow" && factorTypes(c, Number.POSITIVE_INFINITY) < 2
          ? `allowed into ${c.app} with one factor type (${f.verdict.summary})`
          : undefined,
      expected: "mfa",
    }),
    point({
      id: "okta-admins-mfa-every-sign-in",
      title:
        "An administrator never gets an Okta session without MFA in that very sign-in, on the trusted networks too",
      applies: (c) => isAdmin(c) && !isBreakGlass(c),
      violation: (c, f) => allowedWithoutFreshMfa(c, f),
      expected: "mfa",
    }),
  ];

  if (adminsPhishingResistant) {
    invariants.push(
      point({
        id: "okta-admins-phishing-resistant",
        title: `Administrators reach any app only with phishing-resistant MFA used within ${spec.sessions.adminSignInFrequencyHours} h`,
        applies: (c) => isAdmin(c) && !isBreakGlass(c) && c.app !== undefined,
        violation: (c, f) => withoutPhishingResistance(c, f, adminWindow),
        expected: { outcome: "mfa", requires: ["phishing-resistant"] },
      }),
      point({
        id: "okta-admin-apps-phishing-resistant",
        title: `Admin apps (${[...adminApps].join(", ") || "none"}) are reached by anyone but break-glass only with phishing-resistant MFA used within ${spec.sessions.adminSignInFrequencyHours} h`,
        applies: (c) => c.app !== undefined && adminApps.has(c.app) && !isBreakGlass(c),
        violation: (c, f) => withoutPhishingResistance(c, f, adminWindow),
        expected: { outcome: "mfa", requires: ["phishing-resistant"] },
      }),
    );
  }

  // Cross-provider rule, Okta half: an administrator on an anonymiser or an untrusted network.
  invariants.push(
    point({
      id: "okta-admin-untrusted-network-phishing-resistant",
      title:
        spec.networks.anonymisers === "block"
          ? "An administrator signing in to an app from an anonymiser is denied, and from any other untrusted network is never let in without phishing-resistant MFA"
          : "An administrator signing in to an app from an anonymiser or an untrusted network is never let in without phishing-resistant MFA",
      applies: (c) =>
        isAdmin(c) && !isBreakGlass(c) && c.app !== undefined && (anonymised(c) || !onTrustedNetwork(c)),
      violation: (c, f) => {
        if (anonymised(c) && spec.networks.anonymisers === "block") return notDenied(f);
        return adminsPhishingResistant
          ? withoutPhishingResistance(c, f, adminWindow)
          : f.verdict.outcome === "allow" && factorTypes(c, adminWindow) < 2
            ? `allowed without MFA (${f.verdict.summary})`
            : undefined;
      },
      expected: spec.networks.anonymisers === "block" ? "deny" : "mfa",
    }),
  );

  const { high, medium } = spec.risk.signIn;
  invariants.push(
    point({
      id: "okta-high-risk-blocked",
      title:
        high === "block"
          ? "A HIGH-risk sign-in to an app is denied (break-glass aside, whom risk rules exclude by design)"
          : "A HIGH-risk sign-in to an app is never allowed without MFA in that sign-in (break-glass aside)",
      applies: (c) => c.app !== undefined && c.risk === "HIGH" && !isBreakGlass(c),
      violation: (c, f) => (high === "block" ? notDenied(f) : allowedWithoutFreshMfa(c, f)),
      expected: high === "block" ? "deny" : "mfa",
    }),
  );
  if (medium === "mfa")
    invariants.push(
      point({
        id: "okta-medium-risk-fresh-mfa",
        title:
          "A MEDIUM-risk sign-in to an app is never allowed without MFA in that sign-in (break-glass aside)",
        applies: (c) => c.app !== undefined && c.risk === "MEDIUM" && !isBreakGlass(c),
        violation: (c, f) => allowedWithoutFreshMfa(c, f),
        expected: "mfa",
      }),
    );

  if (spec.networks.blockedCountries.length) {
    const blocked = new Set(spec.networks.blockedCountries);
    invariants.push(
      point({
        id: "okta-blocked-countries-denied",
        title: `Everyone signing in from ${[...blocked].join(", ")} is denied, in a tier group or not (break-glass aside)`,
        applies: (c) => c.country !== undefined && blocked.has(c.country) && !isBreakGlass(c),
        violation: (_c, f) => notDenied(f),
        expected: "deny",
      }),
    );
  }
  if (spec.networks.anonymisers !== "ignore") {
    const block = spec.networks.anonymisers === "block";
    invariants.push(
      point({
        id: "okta-anonymisers",
        title: block
          ? "Everyone signing in through Tor or an anonymising proxy is denied, in a tier group or not (break-glass aside)"
          : "Everyone signing in through Tor or an anonymising proxy is never allowed without MFA in that sign-in, in a tier group or not (break-glass aside)",
        applies: (c) => anonymised(c) && !isBreakGlass(c),
        violation: (c, f) => (block ? notDenied(f) : allowedWithoutFreshMfa(c, f)),
        expected: block ? "deny" : "mfa",
      }),
    );
  }

  const orderIndependent = orderIndependence<Ctx>({
    provider: "okta",
    id: "okta-order-independent",
    title: "Outcomes depend on policy and rule priorities, never on the order the resources are declared in",
  });
  /**
   * Under first-match rules, excluding someone from a rule is not monotonic in general: from a lenient
   * rule placed before a deny it sends them to the deny. The variant therefore adds exclusions only to
   * rules none of whose successors (later rules of the policy and, for the global session policy,
   * every later policy) can ask for more; there an exclusion must never make an outcome stricter.
   */
  const exclusionMonotonic: RelationalInvariant<Ctx> = {
    kind: "relational",
    id: "okta-exclusion-never-stricter",
    title:
      "Excluding a user or group from a rule that no stricter rule follows never makes an outcome stricter",
    provider: "okta",
    relation: "not-stricter",
    applies: () => true,
    variants: (m) => {
      // One variant for every principal at once: a sign-in has one user, so it meets exactly its own
      // exclusion and those of its groups.
      const principals = mentionedPrincipals(compileOkta(m), spec);
      return [
        {
          label: "every named user and group excluded from every rule no stricter rule follows",
          model: withExclusions(m, principals),
        },
      ];
    },
  };
  invariants.push(orderIndependent, exclusionMonotonic);
  return invariants;
}
