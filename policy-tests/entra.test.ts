/**
 * The example organisation's Entra property suite: every Entra invariant over sign-ins drawn from the
 * space derived from the synthesized entra-baseline stack at its finest granularity (every named
 * location's CIDR edges and the addresses just outside, every country, role, guest kind, platform, risk
 * level and method combination the configuration or the spec names). On failure fast-check prints the
 * seed and the shrunk sign-in; the message adds the same sign-in as a scenario case to paste.
 * MFA_BASELINE_DEEP=1 runs 20 times more cases.
 */
import fc from "fast-check";
import { parseBaselineSpec } from "../modules/spec";
import { STACK_NAMES } from "../stacks";
import { exampleOrg } from "../stacks/example-org";
import { entraAdapter } from "../simulator/entra/adapter";
import type { EntraContext } from "../simulator/entra/context";
import { entraContextSpace } from "../simulator/entra/space";
import { entraInvariants } from "../simulator/invariants/entra";
import type { TerraformModel } from "../simulator/terraform/model";
import type { ContextSpace } from "../simulator/verify/space";
import { invariantProperty } from "../simulator/verify/verify";
import { exampleSynth } from "../test/support/example-synth";

const NUM_RUNS = 1_000 * (process.env.MFA_BASELINE_DEEP === "1" ? 20 : 1);
const STACK = STACK_NAMES.entra;
const spec = parseBaselineSpec(exampleOrg);
const invariants = entraInvariants(spec);

let model: TerraformModel;
let space: ContextSpace<EntraContext>;
beforeAll(() => {
  const tf = exampleSynth().get(STACK);
  if (!tf) throw new Error(`the example organisation has no ${STACK} stack`);
  model = tf;
  space = entraContextSpace(model, spec, { granularity: "boundaries" });
});

test("the example organisation states its Entra rules as invariants", () => {
  expect(invariants.map((i) => i.id)).toEqual([
    "entra-break-glass-never-blocked",
    "entra-apps-need-mfa",
    "entra-admins-phishing-resistant",
    "entra-admin-untrusted-network-phishing-resistant",
    "entra-legacy-auth-blocked",
    "entra-high-sign-in-risk",
    "entra-medium-sign-in-risk-mfa",
    "entra-high-user-risk-password-change",
    "entra-blocked-countries-denied",
    "entra-report-only-never-enforces",
    "entra-order-independent",
    "entra-exclusion-never-stricter",
  ]);
});

describe.each(invariants.map((i) => [i.id, i] as const))("%s", (_id, invariant) => {
  test(`${invariant.title} (${NUM_RUNS} sign-ins)`, () => {
    fc.assert(invariantProperty({ adapter: entraAdapter, model, stack: STACK, space }, invariant), {
      numRuns: NUM_RUNS,
    });
  });
});
