/**
 * `verify` for the example organisation's AWS stack: every request of the derived space, every AWS
 * invariant. Each must be proved over points it speaks about (checked > 0: a vacuous invariant means
 * the space misses what the rule is about).
 */
import { parseBaselineSpec } from "../modules/spec";
import { exampleOrg } from "../stacks/example-org";
import { awsAdapter } from "../simulator/aws/adapter";
import { awsContextSpace } from "../simulator/aws/space";
import { awsInvariants } from "../simulator/invariants/aws";
import { spaceSize } from "../simulator/verify/space";
import { verifyExhaustively, type InvariantResult } from "../simulator/verify/verify";
import { exampleSynth } from "../test/support/example-synth";

const spec = parseBaselineSpec(exampleOrg);
let results: InvariantResult[];
let size: number;

beforeAll(() => {
  const model = exampleSynth().get("aws-baseline");
  if (!model) throw new Error("the example organisation has no aws-baseline stack");
  const space = awsContextSpace(model, spec);
  size = spaceSize(space);
  results = verifyExhaustively({
    adapter: awsAdapter,
    model,
    stack: "aws-baseline",
    space,
    invariants: awsInvariants(spec),
  });
});

test("the space is finite and covers the configuration", () => {
  expect(size).toBeGreaterThan(1_000);
  expect(size).toBeLessThan(100_000);
});

test.each(awsInvariants(spec).map((i) => i.id))("%s is proved over every request it speaks about", (id) => {
  const r = results.find((x) => x.id === id);
  expect(r).toBeDefined();
  expect(r?.checked).toBeGreaterThan(0);
  // On failure the first counterexample is shown as a scenario case ready to paste.
  expect({ status: r?.status, counterexample: r?.counterexamples[0]?.scenario }).toEqual({
    status: "proved",
    counterexample: undefined,
  });
});
