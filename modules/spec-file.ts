import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { exampleOrg } from "../stacks/example-org";
import { parseBaselineSpec, SpecError, type BaselineSpec } from "./spec";

/** The spec from a YAML/JSON file, or the embedded example organisation when no file is given. */
export function loadBaselineSpec(file: string | undefined): BaselineSpec {
  if (!file) return parseBaselineSpec(exampleOrg);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new SpecError([
      `${file}: cannot read the spec file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    ]);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new SpecError([`${file}: not valid YAML/JSON: ${(e as Error).message}`]);
  }
  try {
    return parseBaselineSpec(raw);
  } catch (e) {
    if (e instanceof SpecError) throw new SpecError(e.problems.map((p) => `${file}: ${p}`));
    throw e;
  }
}
