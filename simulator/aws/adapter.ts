/** The AWS evaluator as a provider adapter for scenarios, properties and the CLI. */
import type { DecisionFacts, ProviderAdapter } from "../providers";
import { compileAws } from "./compile";
import { awsRequestSchema, type AwsRequest } from "./context";
import { evaluateAws } from "./evaluate";
import type { AwsModel } from "./model";

export const awsAdapter: ProviderAdapter<AwsModel, AwsRequest> = {
  provider: "aws",
  contextSchema: awsRequestSchema,
  compile: (model) => compileAws(model),
  evaluate(model, context): DecisionFacts {
    const d = evaluateAws(model, context, { trace: true });
    const decidedBy = [...new Set(d.deciding.flatMap((s) => [s.policy, `${s.policy}#${s.sid ?? s.index}`]))];
    return { verdict: d.verdict, decidedBy, trace: d.trace };
  },
};
