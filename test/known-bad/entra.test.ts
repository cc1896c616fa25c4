/**
 * Known-bad variants of the example organisation's Entra stack, each a mistake that has locked people out
 * or let them in elsewhere. The property suite and `verify` must both catch each one, and the
 * counterexample must point at the mistake. Variants edit the synthesized configuration (never the
 * constructs), so they test what Terraform would apply.
 */
import fc from "fast-check";
import { parse } from "yaml";
import { parseBaselineSpec } from "../../modules/spec";
import { STACK_NAMES } from "../../stacks";
import { exampleOrg } from "../../stacks/example-org";
import { entraAdapter } from "../../simulator/entra/adapter";
import { parseEntraContext, type EntraContext } from "../../simulator/entra/context";
import { entraContextSpace } from "../../simulator/entra/space";
import { LEGACY_CLIENT_APP_TYPES } from "../../simulator/entra/vocabulary";
import { entraInvariants } from "../../simulator/invariants/entra";
import { editBlock, editUsers, withResourceValues } from "../../simulator/invariants/entra-variants";
import type { TerraformModel, TfObject } from "../../simulator/terraform/model";
import { invariantProperty, verifyExhaustively, type InvariantResult } from "../../simulator/verify/verify";
import { exampleSynth } from "../support/example-synth";

const spec = parseBaselineSpec(exampleOrg);
const entra = spec.entra as NonNullable<typeof spec.entra>;
const STACK = STACK_NAMES.entra;
/** Enough random sign-ins that a one-in-a-few-hundred counterexample is all but certain to be met. */
const PROPERTY_RUNS = 10_000;
const POLICY = "azuread_conditional_access_policy";

let example: TerraformModel;
beforeAll(() => {
  const tf = exampleSynth().get(STACK);
  if (!tf) throw new Error(`the example organisation has no ${STACK} stack`);
  example = tf;
});

function invariant(id: string) {
  const found = entraInvariants(spec).find((i) => i.id === id);
  if (!found) throw new Error(`no invariant ${id}`);
  return found;
}

function verify(model: TerraformModel, ids: readonly string[]): InvariantResult[] {
  return verifyExhaustively({
    adapter: entraAdapter,
    model,
    stack: STACK,
    space: entraContextSpace(model, spec),
    invariants: ids.map(invariant),
  });
}

/** The shrunk counterexample fast-check finds, or undefined when the property held. */
function propertyCounterexample(
  model: TerraformModel,
  id: string,
): { context: EntraContext; message: string } | undefined {
  const space = entraContextSpace(model, spec, { granularity: "boundaries" });
  const details = fc.check(
    invariantProperty({ adapter: entraAdapter, model, stack: STACK, space }, invariant(id)),
    { numRuns: PROPERTY_RUNS },
  );
  if (!details.failed || !details.counterexample) return undefined;
  return { context: details.counterexample[0], message: String(details.errorInstance) };
}

/** The policy at `name` with its values edited. */
function editPolicy(name: string, edit: (values: TfObject) => TfObject): TerraformModel {
  return withResourceValues(example, `${POLICY}.${name}`, edit);
}

const isBreakGlass = (c: EntraContext) => entra.breakGlassUserIds.includes(c.user?.id ?? "");
const withoutBreakGlassExclusion = (values: TfObject): TfObject =>
  editUsers(values, (u) => {
    if (!Array.isArray(u.excluded_users) || u.excluded_users.length === 0)
      throw new Error("the policy has no excluded users: the example changed, update this variant");
    const { excluded_users: _dropped, ...rest } = u;
    return rest;
  });

/** The scenario case printed for a counterexample evaluates to the outcome reported. */
function expectPasteable(r: InvariantResult, model: TerraformModel): void {
  for (const c of r.counterexamples) {
    const [scenario] = parse(c.scenario) as [{ context: unknown; provider: string }];
    expect(scenario.provider).toBe("entra");
    expect(
      entraAdapter.evaluate(entraAdapter.compile(model), parseEntraContext(scenario.context)).verdict.outcome,
    ).toBe(c.actual);
  }
}

describe("a blocking policy missing the break-glass exclusion", () => {
  // Exclusion beats inclusion, so break-glass accounts stay out only while they are excluded (R7,
  // https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups).
  let bad: TerraformModel;
  beforeAll(() => {
    bad = editPolicy("block_countries", withoutBreakGlassExclusion);
  });

  test("verify refutes break-glass-never-blocked with a break-glass sign-in from a blocked country", () => {
    const [r] = verify(bad, ["entra-break-glass-never-blocked"]);
    expect(r.status).toBe("refuted");
    const [first] = r.counterexamples;
    const ctx = first.context as EntraContext;
    expect(isBreakGlass(ctx)).toBe(true);
    expect(spec.networks.blockedCountries).toContain(ctx.country);
    expect(first.message).toContain(`${POLICY}.block_countries`);
    expectPasteable(r, bad);
  });

  test("the property finds it too, and prints the case to paste", () => {
    const found = propertyCounterexample(bad, "entra-break-glass-never-blocked");
    expect(found).toBeDefined();
    expect(isBreakGlass(found?.context as EntraContext)).toBe(true);
    expect(spec.networks.blockedCountries).toContain(found?.context.country);
    expect(found?.message).toContain("Scenario case to paste:");
    expect(found?.message).toContain(`${POLICY}.block_countries`);
  });

  test("the example itself keeps break-glass out of every policy", () => {
    expect(verify(example, ["entra-break-glass-never-blocked"])[0].status).toBe("proved");
  });
});

describe("a report-only block policy flipped to enforced without its exclusions", () => {
  // Report-only policies are evaluated but never enforced (R3,
  // https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only);
  // enforced, the unknown-platform block meets break-glass accounts on a platform Entra does not know (R11).
  let bad: TerraformModel;
  beforeAll(() => {
    bad = editPolicy("block_unknown_platforms", (v) => {
      if (v.state !== "enabledForReportingButNotEnforced")
        throw new Error("block_unknown_platforms is no longer report-only: update this variant");
      return { ...withoutBreakGlassExclusion(v), state: "enabled" };
    });
  });

  test("verify refutes break-glass-never-blocked on an unknown platform", () => {
    const [r] = verify(bad, ["entra-break-glass-never-blocked"]);
    expect(r.status).toBe("refuted");
    for (const c of r.counterexamples) {
      const ctx = c.context as EntraContext;
      expect(isBreakGlass(ctx)).toBe(true);
      expect(["unknown", "windowsPhone"]).toContain(ctx.platform);
      expect(c.message).toContain(`${POLICY}.block_unknown_platforms`);
    }
    expectPasteable(r, bad);
  });

  test("the property finds it too", () => {
    const found = propertyCounterexample(bad, "entra-break-glass-never-blocked");
    expect(found).toBeDefined();
    expect(["unknown", "windowsPhone"]).toContain(found?.context.platform);
    expect(found?.message).toContain(`${POLICY}.block_unknown_platforms`);
  });
});

describe("a sign-in risk policy covering only high where the spec asks MFA at medium", () => {
  // Risk levels are exact sets: ["high"] does not apply to a medium-risk sign-in (R13,
  // https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-risk).
  let bad: TerraformModel;
  beforeAll(() => {
    bad = editPolicy("sign_in_risk_mfa", (v) =>
      editBlock(v, "conditions", (c) => ({ ...c, sign_in_risk_levels: ["high"] })),
    );
  });

  test("verify refutes medium-sign-in-risk-mfa with a medium-risk sign-in let in on earlier MFA", () => {
    const [r] = verify(bad, ["entra-medium-sign-in-risk-mfa"]);
    expect(r.status).toBe("refuted");
    for (const c of r.counterexamples) {
      expect((c.context as EntraContext).signInRisk).toBe("medium");
      expect(c.actual).toBe("allow");
      expect(c.message).toContain("every time");
    }
    expectPasteable(r, bad);
  });

  test("the property finds it too", () => {
    const found = propertyCounterexample(bad, "entra-medium-sign-in-risk-mfa");
    expect(found?.context.signInRisk).toBe("medium");
  });

  test("high risk is still blocked, so only the medium-risk rule catches it", () => {
    expect(verify(bad, ["entra-high-sign-in-risk"])[0].status).toBe("proved");
  });
});

describe("the legacy-authentication block switched to report-only", () => {
  // Legacy clients cannot do MFA, so the MFA policies still fail them (R10,
  // https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions); the
  // rule asks for the explicit block, which report-only no longer enforces (R3).
  let bad: TerraformModel;
  beforeAll(() => {
    bad = editPolicy("block_legacy_auth", (v) => ({ ...v, state: "enabledForReportingButNotEnforced" }));
  });

  test("verify refutes legacy-auth-blocked with a legacy client", () => {
    const [r, reportOnly] = verify(bad, ["entra-legacy-auth-blocked", "entra-report-only-never-enforces"]);
    expect(r.status).toBe("refuted");
    for (const c of r.counterexamples) {
      expect(LEGACY_CLIENT_APP_TYPES.has((c.context as EntraContext).clientApp)).toBe(true);
      expect(c.message).toContain("not by a block policy");
    }
    expectPasteable(r, bad);
    // Report-only as it should be: the switch changes no outcome.
    expect(reportOnly.status).toBe("proved");
  });

  test("the property finds it too", () => {
    const found = propertyCounterexample(bad, "entra-legacy-auth-blocked");
    expect(LEGACY_CLIENT_APP_TYPES.has(found?.context.clientApp ?? "browser")).toBe(true);
    expect(found?.message).toContain("not by a block policy");
  });
});
