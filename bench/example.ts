/** The example organisation synthesized once per benchmark process, through the same path as the CLI. */
import { synthAndLoad } from "../cli/synth";
import { parseBaselineSpec } from "../modules/spec";
import { exampleOrg } from "../stacks/example-org";
import type { TerraformModel } from "../simulator/terraform";

let cached: { outdir: string; models: Map<string, TerraformModel> } | undefined;

function synthesized(): { outdir: string; models: Map<string, TerraformModel> } {
  cached ??= synthAndLoad(parseBaselineSpec(exampleOrg));
  return cached;
}

/** The cdktf.out folder of the example organisation. */
export const exampleOutdir = (): string => synthesized().outdir;

/** One loaded stack of the example organisation. */
export function exampleStack(stack: string): TerraformModel {
  const model = synthesized().models.get(stack);
  if (!model) throw new Error(`the example organisation has no ${stack} stack`);
  return model;
}
