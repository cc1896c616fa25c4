/** Builds compiled Okta models from cdk.tf.json-shaped objects, for tests. */
import { loadTerraformJson } from "../terraform";
import { compileOkta } from "./compile";
import { parseOktaContext, type OktaContext, type OktaContextInput } from "./context";
import { evaluateOkta, type OktaDecision } from "./evaluate";
import type { OktaModel } from "./model";

export type Blocks = Record<string, Record<string, Record<string, unknown>>>;

export function oktaModel(resource: Blocks, data: Blocks = {}): OktaModel {
  return compileOkta(loadTerraformJson({ resource, data }, { stack: "okta-test" }));
}

export const ref = (address: string): string => `\${${address}.id}`;

export function ctx(input: Partial<OktaContextInput> = {}): OktaContext {
  return parseOktaContext({ user: { id: "okta_user.alice" }, ...input });
}

export function run(model: OktaModel, input: Partial<OktaContextInput> = {}): OktaDecision {
  return evaluateOkta(model, ctx(input), { trace: true });
}
