/**
 * The example organisation's AWS property suite: every AWS invariant over requests drawn from the space
 * derived from the synthesized aws-baseline stack (principals, actions partitioned by the statements
 * that mention them, MFA ages around the window, TLS, account kind). On failure fast-check prints the
 * seed and the shrunk request; the message adds the same request as a scenario case to paste.
 * MFA_BASELINE_DEEP=1 runs 20 times more cases.
 */
import fc from "fast-check";
import { parseBaselineSpec } from "../modules/spec";
import { exampleOrg } from "../stacks/example-org";
import { awsAdapter } from "../simulator/aws/adapter";
import type { AwsRequest } from "../simulator/aws/context";
import { awsContextSpace } from "../simulator/aws/space";
import { awsInvariants } from "../simulator/invariants/aws";
import type { TerraformModel } from "../simulator/terraform/model";
import type { ContextSpace } from "../simulator/verify/space";
import { invariantProperty } from "../simulator/verify/verify";
import { exampleSynth } from "../test/support/example-synth";

const NUM_RUNS = 1_000 * (process.env.MFA_BASELINE_DEEP === "1" ? 20 : 1);
const spec = parseBaselineSpec(exampleOrg);
const invariants = awsInvariants(spec);

let model: TerraformModel;
let space: ContextSpace<AwsRequest>;
beforeAll(() => {
  const tf = exampleSynth().get("aws-baseline");
  if (!tf) throw new Error("the example organisation has no aws-baseline stack");
  model = tf;
  space = awsContextSpace(model, spec);
});

test("the example organisation states its AWS rules as invariants", () => {
  expect(invariants.map((i) => i.id)).toEqual([
    "aws-break-glass-never-blocked",
    "aws-humans-need-mfa",
    "aws-mfa-enrolment-always-possible",
    "aws-sensitive-actions-need-fresh-mfa",
    "aws-admin-role-needs-fresh-mfa",
    "aws-admin-role-session-can-do-sensitive-actions",
    "aws-ci-role-only-from-its-repository",
    "aws-state-deletion-needs-mfa",
    "aws-admin-never-without-fresh-mfa",
    "aws-declaration-order-irrelevant",
    "aws-exclusion-never-stricter",
  ]);
});

test("administrator-role sessions last at most sessions.adminRoleSessionHours", () => {
  // The role's max_session_duration bounds every AssumeRole session; with the trust's fresh-MFA condition, a session
  // never outlives the MFA it started with by more than that.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html#stsapi_comparison
  const aws = spec.aws;
  const role = model.resourcesOfType("aws_iam_role").find((r) => r.values.name === aws?.adminRole.name);
  expect(role?.values.max_session_duration).toBe(spec.sessions.adminRoleSessionHours * 3600);
});

describe.each(invariants.map((i) => [i.id, i] as const))("%s", (_id, invariant) => {
  test(`${invariant.title} (${NUM_RUNS} requests)`, () => {
    fc.assert(invariantProperty({ adapter: awsAdapter, model, stack: "aws-baseline", space }, invariant), {
      numRuns: NUM_RUNS,
    });
  });
});
