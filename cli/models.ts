/** Where the Terraform comes from: a fresh synth of the spec, a cdktf.out folder, or plan JSON files. */
import { basename } from "node:path";
import { loadBaselineSpec } from "../modules/spec-file";
import { PROVIDERS, type Provider } from "../simulator/providers";
import { InputError } from "../simulator/scenarios/yaml-source";
import { loadFile, loadSynthDir, type TerraformModel } from "../simulator/terraform";
import { STACK_NAMES } from "../stacks";
import { synthAndLoad } from "./synth";

export interface SourceOptions {
  /** A YAML/JSON baseline spec; default: MFA_BASELINE_SPEC, else the example organisation. */
  spec?: string;
  synthDir?: string;
  /** `file` or `stack=file`. */
  plan?: string[];
  /** Where synth writes (default: a temporary folder). */
  outdir?: string;
  /** `provider=stack` overrides of the stack a provider's cases use by default. */
  defaultStack?: string[];
}

export function loadModels(opts: SourceOptions): Map<string, TerraformModel> {
  if (opts.synthDir && opts.plan?.length)
    throw new InputError(["--synth-dir and --plan cannot be combined; choose one source"]);
  if (opts.synthDir) return loadSynthDir(opts.synthDir);
  if (opts.plan?.length) {
    const models = new Map<string, TerraformModel>();
    for (const arg of opts.plan) {
      const eq = arg.indexOf("=");
      const [name, file] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [undefined, arg];
      for (const [stack, model] of loadFile(file)) {
        // Cases name stacks by this key; the model keeps its own name for messages.
        models.set(name ?? (stack || basename(file).replace(/\.json$/, "")), model);
      }
    }
    return models;
  }
  return synthAndLoad(loadBaselineSpec(opts.spec ?? process.env.MFA_BASELINE_SPEC), opts.outdir).models;
}

export function defaultStacks(overrides: readonly string[] = []): Record<Provider, string> {
  const stacks: Record<Provider, string> = { ...STACK_NAMES };
  for (const o of overrides) {
    const [provider, stack] = o.split("=");
    if (!(PROVIDERS as readonly string[]).includes(provider) || !stack) {
      throw new InputError([
        `--default-stack ${o}: expected provider=stack with provider one of ${PROVIDERS.join(", ")}`,
      ]);
    }
    stacks[provider as Provider] = stack;
  }
  return stacks;
}
