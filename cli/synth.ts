/** Synthesizes the baseline stacks with cdktf and loads the result through the simulator's loader. */
import { App } from "cdktf";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BaselineSpec } from "../modules/spec";
import { loadSynthDir, type TerraformModel } from "../simulator/terraform";
import { InputError } from "../simulator/scenarios/yaml-source";
import { addBaselineStacks } from "../stacks";

/** Synthesizes into `outdir` (a fresh temporary folder when omitted) and loads every stack. */
export function synthAndLoad(
  spec: BaselineSpec,
  outdir?: string,
): { outdir: string; models: Map<string, TerraformModel> } {
  const dir = outdir ?? mkdtempSync(join(tmpdir(), "mfa-baseline-synth-"));
  const app = new App({ outdir: dir });
  addBaselineStacks(app, spec);
  try {
    app.synth();
  } catch (e) {
    // Lockout guards fail synth with error annotations; that is a problem in the spec, not a crash.
    const message = (e as Error).message;
    if (/Encountered Annotations/.test(message))
      throw new InputError([`synth refused by the lockout guards:\n${message}`]);
    throw e;
  }
  return { outdir: dir, models: loadSynthDir(dir) };
}
