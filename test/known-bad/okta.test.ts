/**
 * Known-bad variants of the example organisation's Okta configuration, each made by editing the loaded
 * Terraform model the way a careless change would: the property suite and the exhaustive verification
 * must both refute the invariant the mistake breaks, with a counterexample that shows the mistake.
 * Semantics pinned here: first-match policy and rule order
 * (https://developer.okta.com/docs/concepts/policies/, "Policy evaluation"); ThreatInsight blocks
 * suspicious IPs before any policy unless they are in an excluded zone
 * (https://help.okta.com/en-us/content/topics/security/threat-insight/configure-threatinsight.htm).
 */
import fc from "fast-check";
import { parseBaselineSpec } from "../../modules/spec";
import { STACK_NAMES } from "../../stacks";
import { exampleOrg } from "../../stacks/example-org";
import { oktaAdapter } from "../../simulator/okta/adapter";
import { parseOktaContext, type OktaContext } from "../../simulator/okta/context";
import { inRanges, parseIp, parseIpRange } from "../../simulator/okta/ip";
import { oktaContextSpace } from "../../simulator/okta/space";
import { oktaInvariants } from "../../simulator/invariants/okta";
import { withoutResource, withResourceValues } from "../../simulator/invariants/okta-variants";
import { TfSymbol, type TerraformModel, type TfResource } from "../../simulator/terraform/model";
import { invariantProperty, verifyExhaustively, type Counterexample } from "../../simulator/verify/verify";
import { exampleSynth } from "../support/example-synth";

const STACK = STACK_NAMES.okta;
const spec = parseBaselineSpec(exampleOrg);
const good = exampleSynth().get(STACK) as TerraformModel;
const trusted = spec.networks.trusted.flatMap((n) => n.cidrs.map(parseIpRange));
const onTrustedNetwork = (c: OktaContext) => c.ip !== undefined && inRanges(parseIp(c.ip), trusted);

function named(type: string, name: string, policy?: string): TfResource {
  const hits = good
    .resourcesOfType(type)
    .filter(
      (r) =>
        r.values.name === name &&
        (policy === undefined || (r.values.policy_id as TfSymbol).address === policy),
    );
  if (hits.length !== 1) throw new Error(`expected one ${type} named "${name}", found ${hits.length}`);
  return hits[0];
}

const adminPolicy = named("okta_policy_signon", "MFA baseline: administrators session");
const workforcePolicy = named("okta_policy_signon", "MFA baseline: workforce session");
const everyonePolicy = named("okta_policy_signon", "MFA baseline: everyone else session");
const adminGroup = named("okta_group", "Example Corp Administrators").address;
const employeeGroup = named("okta_group", "Example Corp Employees").address;
const tierGroups = new Set(
  ["Administrators", "Employees", "Contractors"].map((t) => named("okta_group", `Example Corp ${t}`).address),
);
const inNoTierGroup = (c: OktaContext) =>
  !c.user.groups.some((g) => tierGroups.has(g)) && spec.okta?.breakGlassUserIds.includes(c.user.id) !== true;

interface Mistake {
  readonly name: string;
  readonly bad: () => TerraformModel;
  /** The invariant the mistake breaks. */
  readonly breaks: string;
  /** What a counterexample of it must show. */
  readonly shows: (c: OktaContext, message: string) => boolean;
}

const mistakes: readonly Mistake[] = [
  {
    name: "global session policy priorities swapped: the workforce policy now comes before the administrators' one",
    bad: () =>
      withResourceValues(
        withResourceValues(good, adminPolicy.address, (v) => ({ ...v, priority: 2 })),
        workforcePolicy.address,
        (v) => ({ ...v, priority: 1 }),
      ),
    breaks: "okta-admins-mfa-every-sign-in",
    // An administrator who is also an employee gets the workforce session rules.
    shows: (c, message) =>
      c.user.groups.includes(adminGroup) &&
      c.user.groups.includes(employeeGroup) &&
      message.includes("workforce"),
  },
  {
    name: "the trusted-network no-MFA rule moved into the administrators' policy, before their MFA rule",
    bad: () => {
      const trustedRule = named("okta_policy_rule_signon", "Trusted networks: no MFA prompt");
      const adminMfa = named("okta_policy_rule_signon", "Administrators: MFA every sign-in");
      return withResourceValues(
        withResourceValues(good, trustedRule.address, (v) => ({
          ...v,
          policy_id: new TfSymbol(adminPolicy.address, "id"),
          priority: 3,
        })),
        adminMfa.address,
        (v) => ({ ...v, priority: 4 }),
      );
    },
    breaks: "okta-admins-mfa-every-sign-in",
    shows: (c, message) =>
      c.user.groups.includes(adminGroup) && onTrustedNetwork(c) && message.includes("trusted"),
  },
  {
    name: "the administrators' blocked-countries deny rule lost its break-glass exclusion",
    bad: () => {
      const deny = named("okta_policy_rule_signon", "Deny blocked countries", adminPolicy.address);
      return withResourceValues(good, deny.address, (v) => ({ ...v, users_excluded: [] }));
    },
    breaks: "okta-break-glass-never-blocked",
    shows: (c, message) =>
      spec.okta?.breakGlassUserIds.includes(c.user.id) === true &&
      c.user.groups.includes(adminGroup) &&
      c.country === "KP" &&
      /blocked.countries/.test(message),
  },
  {
    // Users in no tier group then reach Okta's default global session policy, whose Default Rule allows.
    name: "the everyone-else session policy set INACTIVE",
    bad: () => withResourceValues(good, everyonePolicy.address, (v) => ({ ...v, status: "INACTIVE" })),
    breaks: "okta-blocked-countries-denied",
    shows: (c, message) =>
      inNoTierGroup(c) &&
      c.country !== undefined &&
      spec.networks.blockedCountries.includes(c.country) &&
      /Default Rule/.test(message),
  },
  {
    name: "the everyone-else policy's anonymiser deny rule removed from the configuration",
    bad: () => {
      const deny = named("okta_policy_rule_signon", "Deny anonymisers", everyonePolicy.address);
      return withoutResource(good, deny.address);
    },
    breaks: "okta-anonymisers",
    shows: (c, message) => inNoTierGroup(c) && c.anonymizer !== "none" && /everyone/.test(message),
  },
  {
    name: "ThreatInsight no longer excludes the trusted networks",
    bad: () => {
      const ti = good.resourcesOfType("okta_threat_insight_settings")[0];
      return withResourceValues(good, ti.address, (v) => ({ ...v, network_excludes: [] }));
    },
    breaks: "okta-break-glass-never-blocked",
    shows: (c) =>
      spec.okta?.breakGlassUserIds.includes(c.user.id) === true && c.threatSuspected && onTrustedNetwork(c),
  },
  {
    name: "the general apps' risk rule covers only HIGH where the spec asks for MFA on MEDIUM",
    bad: () => {
      const generalPolicy = named("okta_app_signon_policy", "MFA baseline: general apps").address;
      const medium = named("okta_app_signon_policy_rule", "Medium risk: MFA every sign-in", generalPolicy);
      return withResourceValues(good, medium.address, (v) => ({ ...v, risk_score: "HIGH" }));
    },
    breaks: "okta-medium-risk-fresh-mfa",
    shows: (c, message) =>
      c.risk === "MEDIUM" &&
      spec.okta?.generalApps.includes(c.app ?? "") === true &&
      /allowed by/.test(message),
  },
];

describe.each(mistakes.map((m) => [m.name, m] as const))("%s", (_name, mistake) => {
  const model = mistake.bad();
  const invariant = oktaInvariants(spec, model).find((i) => i.id === mistake.breaks);
  if (!invariant) throw new Error(`no invariant ${mistake.breaks}`);

  test(`exhaustive verification refutes ${mistake.breaks}, and every counterexample shows the mistake`, () => {
    const [result] = verifyExhaustively({
      adapter: oktaAdapter,
      model,
      stack: STACK,
      space: oktaContextSpace(model, spec),
      invariants: [invariant],
      keep: 20,
    });
    expect(result.status).toBe("refuted");
    const shown = (c: Counterexample) => mistake.shows(c.context as OktaContext, c.message);
    expect(result.counterexamples.filter((c) => !shown(c)).map((c) => c.scenario)).toEqual([]);
    expect(result.counterexamples[0].scenario).toContain(`${mistake.breaks}: counterexample`);
  });

  test(`the property suite finds it: ${mistake.breaks} fails with a shrunk sign-in that shows the mistake`, () => {
    const space = oktaContextSpace(model, spec, { granularity: "boundaries" });
    const run = fc.check(invariantProperty({ adapter: oktaAdapter, model, stack: STACK, space }, invariant), {
      numRuns: 20_000,
    });
    expect(run.failed).toBe(true);
    const [shrunk] = run.counterexample ?? [];
    const message = String(run.errorInstance);
    expect(message).toContain("Scenario case to paste:");
    expect(shrunk !== undefined && mistake.shows(shrunk, message)).toBe(true);
  });
});

test("the example configuration itself keeps every rule these mistakes break", () => {
  const ids = new Set(mistakes.map((m) => m.breaks));
  const results = verifyExhaustively({
    adapter: oktaAdapter,
    model: good,
    stack: STACK,
    space: oktaContextSpace(good, spec),
    invariants: oktaInvariants(spec, good).filter((i) => ids.has(i.id)),
  });
  expect(Object.fromEntries(results.map((r) => [r.id, r.status]))).toEqual(
    Object.fromEntries([...ids].map((id) => [id, "proved"])),
  );
});

test("with the policy priorities swapped, an administrator off the trusted networks is let in on an MFA from an hour ago", () => {
  const offNetwork = parseOktaContext({
    user: { id: "00uAdaAdmin000000000", groups: [adminGroup, employeeGroup] },
    ip: "192.0.2.10",
    authenticators: [
      { authenticator: "password", ageSeconds: 3600 },
      { authenticator: "okta_verify_push", ageSeconds: 3600 },
    ],
  });
  const verdict = (m: TerraformModel) =>
    oktaAdapter.evaluate(oktaAdapter.compile(m), offNetwork).verdict.outcome;
  expect(verdict(good)).toBe("mfa");
  expect(verdict(mistakes[0].bad())).toBe("allow");
});
