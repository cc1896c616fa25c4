/** The AWS evaluator as a provider adapter for scenarios, properties and the CLI. */
import type { TraceEntry } from "../decision";
import type { DecisionFacts, ProviderAdapter } from "../providers";
import { compileAws } from "./compile";
import { awsRequestSchema, type AwsRequest } from "./context";
import { evaluateAws } from "./evaluate";
import type { AwsModel } from "./model";

export const awsAdapter: ProviderAdapter<AwsModel, AwsRequest> = {
  provider: "aws",
  contextSchema: awsRequestSchema,
  // The CLI and the test suites compile through here; a folder of extra AWS managed policy documents
  // is named by the environment, as the adapter interface is provider-neutral.
  compile: (model) =>
    compileAws(model, { managedPolicyDir: process.env.MFA_BASELINE_AWS_MANAGED_POLICIES || undefined }),
  findings: (model) => model.problems.map((p) => `error: ${p}`),
  evaluate(model, context): DecisionFacts {
    const d = evaluateAws(model, context);
    // What decided and the explanation are built only when someone reads them (expectations, failures, `explain`);
    // evaluation is pure, so evaluating again with a trace gives the same decision.
    let decidedBy: readonly string[] | undefined;
    let trace: readonly TraceEntry[] | undefined;
    return {
      verdict: d.verdict,
      get decidedBy() {
        decidedBy ??= [...new Set(d.deciding.flatMap((s) => [s.policy, `${s.policy}#${s.sid ?? s.index}`]))];
        return decidedBy;
      },
      get trace() {
        trace ??= evaluateAws(model, context, { trace: true }).trace;
        return trace;
      },
    };
  },
};
