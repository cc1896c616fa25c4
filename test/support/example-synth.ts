/**
 * The example organisation's real synth output, synthesized once per process and loaded with the
 * simulator's loader (the same path as `mfa-baseline test`); evaluator tests use it for baseline cases.
 */
import { synthAndLoad } from "../../cli/synth";
import { parseBaselineSpec } from "../../modules/spec";
import { exampleOrg } from "../../stacks/example-org";
import type { TerraformModel } from "../../simulator/terraform";

let cached: { outdir: string; models: Map<string, TerraformModel> } | undefined;

function synthesized(): { outdir: string; models: Map<string, TerraformModel> } {
  cached ??= synthAndLoad(parseBaselineSpec(exampleOrg));
  return cached;
}

/** Synthesizes the example organisation into a fresh temporary cdktf.out (once per process). */
export function synthExampleOrg(): string {
  return synthesized().outdir;
}

/** The loaded models of the example organisation's stacks, by stack name (`aws-baseline`, ...). */
export function exampleSynth(): Map<string, TerraformModel> {
  return synthesized().models;
}
