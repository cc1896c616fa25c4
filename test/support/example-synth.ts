/**
 * The example organisation's real synth output, synthesized once per process and loaded with the
 * simulator's loader; provider evaluator tests use it for their baseline cases.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parseBaselineSpec } from "../../modules/spec";
import { addBaselineStacks } from "../../stacks";
import { exampleOrg } from "../../stacks/example-org";
import { loadSynthDir, type TerraformModel } from "../../simulator/terraform";

let cached: { outdir: string; models: Map<string, TerraformModel> } | undefined;

/** Synthesizes the example organisation into a fresh temporary cdktf.out (once per process). */
export function synthExampleOrg(): string {
  if (!cached) {
    const outdir = mkdtempSync(join(tmpdir(), "example-org-"));
    const app = new App({ outdir });
    addBaselineStacks(app, parseBaselineSpec(exampleOrg));
    app.synth();
    cached = { outdir, models: loadSynthDir(outdir) };
  }
  return cached.outdir;
}

/** The loaded models of the example organisation's stacks, by stack name (`aws-baseline`, ...). */
export function exampleSynth(): Map<string, TerraformModel> {
  synthExampleOrg();
  return (cached as { models: Map<string, TerraformModel> }).models;
}
