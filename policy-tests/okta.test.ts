/**
 * The example organisation's Okta property suite: every Okta invariant over sign-ins drawn from the
 * space derived from the synthesized okta-baseline stack at its finest granularity (every CIDR's edges
 * and the addresses just outside, authenticator ages at and just past every re-authentication window,
 * every group and country the configuration names). On failure fast-check prints the seed and the
 * shrunk sign-in; the message adds the same sign-in as a scenario case to paste.
 * MFA_BASELINE_DEEP=1 runs 20 times more cases.
 */
import fc from "fast-check";
import { parseBaselineSpec } from "../modules/spec";
import { STACK_NAMES } from "../stacks";
import { exampleOrg } from "../stacks/example-org";
import { oktaAdapter } from "../simulator/okta/adapter";
import type { OktaContext } from "../simulator/okta/context";
import { oktaContextSpace } from "../simulator/okta/space";
import { oktaInvariants } from "../simulator/invariants/okta";
import type { TerraformModel } from "../simulator/terraform/model";
import type { ContextSpace } from "../simulator/verify/space";
import { invariantProperty } from "../simulator/verify/verify";
import { exampleSynth } from "../test/support/example-synth";

const NUM_RUNS = 1_000 * (process.env.MFA_BASELINE_DEEP === "1" ? 20 : 1);
const STACK = STACK_NAMES.okta;
const spec = parseBaselineSpec(exampleOrg);
const model = exampleSynth().get(STACK) as TerraformModel;
const invariants = oktaInvariants(spec, model);

let space: ContextSpace<OktaContext>;
beforeAll(() => {
  space = oktaContextSpace(model, spec, { granularity: "boundaries" });
});

test("the example organisation states its Okta rules as invariants", () => {
  expect(invariants.map((i) => i.id)).toEqual([
    "okta-break-glass-never-blocked",
    "okta-apps-need-two-factors",
    "okta-admins-mfa-every-sign-in",
    "okta-admins-phishing-resistant",
    "okta-admin-apps-phishing-resistant",
    "okta-admin-untrusted-network-phishing-resistant",
    "okta-high-risk-blocked",
    "okta-medium-risk-fresh-mfa",
    "okta-blocked-countries-denied",
    "okta-anonymisers",
    "okta-order-independent",
    "okta-exclusion-never-stricter",
  ]);
});

describe.each(invariants.map((i) => [i.id, i] as const))("%s", (_id, invariant) => {
  test(`${invariant.title} (${NUM_RUNS} sign-ins)`, () => {
    fc.assert(invariantProperty({ adapter: oktaAdapter, model, stack: STACK, space }, invariant), {
      numRuns: NUM_RUNS,
    });
  });
});
