/**
 * Loading from disk: a synth output directory (`cdktf.out`) or a single `cdk.tf.json` / plan JSON file.
 * Synth layout (cdktf lib/manifest.ts): `manifest.json` lists stacks with `synthesizedStackPath`;
 * without a manifest, every `stacks/<name>/cdk.tf.json` is a stack.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { LoadError, parseJsonText } from "./errors";
import { isTerraformConfigJson, loadTerraformJson } from "./load-config";
import { isPlanJson, loadPlanJson } from "./load-plan";
import type { TerraformModel } from "./model";

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new LoadError(
      `${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Stack name → path of its cdk.tf.json. */
function stacksIn(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const manifestPath = join(dir, "manifest.json");
  if (existsSync(manifestPath)) {
    const manifest = parseJsonText(readText(manifestPath), manifestPath);
    if (!isRecord(manifest) || !isRecord(manifest.stacks))
      throw new LoadError(
        `${manifestPath}: not a cdktf manifest: expected {"version", "stacks": {<name>: {...}}}`,
      );
    for (const [name, s] of Object.entries(manifest.stacks)) {
      if (!isRecord(s) || typeof s.synthesizedStackPath !== "string")
        throw new LoadError(`${manifestPath}: stacks.${name}: "synthesizedStackPath" must be a string`);
      found.set(name, resolve(dir, s.synthesizedStackPath));
    }
    return found;
  }
  const stacksDir = join(dir, "stacks");
  if (!existsSync(stacksDir) || !statSync(stacksDir).isDirectory()) {
    throw new LoadError(
      `${dir}: not a synth output directory: it has neither manifest.json nor stacks/<name>/cdk.tf.json`,
    );
  }
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, "cdk.tf.json");
    if (existsSync(file)) found.set(name, file);
  }
  if (found.size === 0) throw new LoadError(`${dir}: no stacks/<name>/cdk.tf.json found`);
  return found;
}

/** Loads all stacks of a synth output directory, or the named ones. */
export function loadSynthDir(dir: string, stacks?: readonly string[]): Map<string, TerraformModel> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LoadError(`${dir}: not a directory`);
  const available = stacksIn(dir);
  const names = stacks ?? [...available.keys()];
  const unknown = names.filter((n) => !available.has(n));
  if (unknown.length > 0) {
    throw new LoadError(
      `${dir}: no stack named ${unknown.map((n) => JSON.stringify(n)).join(", ")}; available: ${[...available.keys()].join(", ")}`,
    );
  }
  const out = new Map<string, TerraformModel>();
  for (const name of names) {
    const file = available.get(name) as string;
    if (file.endsWith(".tf"))
      throw new LoadError(
        `${file}: HCL output (cdk.tf) is not supported; synthesize JSON (the default, without --hcl)`,
      );
    out.set(name, loadTerraformJson(parseJsonText(readText(file), file), { stack: name, file }));
  }
  return out;
}

/** Loads one cdk.tf.json or `terraform show -json` plan file; the stack is named after its folder (cdk.tf.json) or file. */
export function loadFile(path: string): Map<string, TerraformModel> {
  const json = parseJsonText(readText(path), path);
  if (isPlanJson(json)) {
    const stack = basename(path).replace(/\.json$/, "");
    return new Map([[stack, loadPlanJson(json, { stack, file: path })]]);
  }
  if (isTerraformConfigJson(json)) {
    const stack =
      basename(path) === "cdk.tf.json"
        ? basename(dirname(resolve(path)))
        : basename(path).replace(/(\.tf)?\.json$/, "");
    return new Map([[stack, loadTerraformJson(json, { stack, file: path })]]);
  }
  throw new LoadError(
    `${path}: neither Terraform JSON configuration (top-level keys such as "resource", "data", "terraform") nor plan JSON from \`terraform show -json\` ("format_version" with "planned_values")`,
  );
}
