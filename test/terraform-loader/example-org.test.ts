/**
 * The loader on the real synth output of the example organisation (synthesized in this run).
 * Every stack must load without an error diagnostic, every policy must resolve to a parseable IAM
 * document, and every reference must resolve to a value or a symbol of a declared resource.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { STACK_NAMES } from "../../stacks";
import {
  TfIndeterminate,
  TfJson,
  TfSymbol,
  TfTemplate,
  isObject,
  type TerraformModel,
  type TfValue,
} from "../../simulator/terraform";
import { exampleSynth, synthExampleOrg } from "../support/example-synth";

function walk(v: TfValue, visit: (v: TfValue) => void): void {
  visit(v);
  if (Array.isArray(v)) (v as readonly TfValue[]).forEach((x) => walk(x, visit));
  else if (v instanceof TfJson) walk(v.value, visit);
  else if (v instanceof TfTemplate) v.parts.forEach((p) => typeof p !== "string" && walk(p, visit));
  else if (isObject(v)) Object.values(v).forEach((x) => walk(x, visit));
}

function allValues(m: TerraformModel): TfValue[] {
  const out: TfValue[] = [];
  for (const r of m.resources.values()) walk(r.values, (v) => out.push(v));
  for (const v of m.outputs.values()) walk(v, (x) => out.push(x));
  return out;
}

describe("example organisation synth output", () => {
  const models = exampleSynth();

  it("loads every stack that manifest.json lists", () => {
    const manifest = JSON.parse(readFileSync(join(synthExampleOrg(), "manifest.json"), "utf8")) as {
      stacks: Record<string, unknown>;
    };
    expect([...models.keys()].sort()).toEqual(Object.keys(manifest.stacks).sort());
    expect([...models.keys()].sort()).toEqual(Object.values(STACK_NAMES).sort());
  });

  it.each(Object.values(STACK_NAMES))("%s: no error diagnostics and nothing indeterminate", (stack) => {
    const m = models.get(stack) as TerraformModel;
    expect(m.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
    expect(
      allValues(m)
        .filter((v) => v instanceof TfIndeterminate)
        .map(String),
    ).toEqual([]);
    expect(m.resources.size).toBeGreaterThan(0);
  });

  it.each(Object.values(STACK_NAMES))(
    "%s: every symbol names a declared resource, data source, variable or module",
    (stack) => {
      const m = models.get(stack) as TerraformModel;
      const dangling = allValues(m)
        .filter((v): v is TfSymbol => v instanceof TfSymbol)
        .filter(
          (s) => !m.resources.has(s.address) && s.address !== "var" && !s.address.startsWith("module."),
        );
      expect(dangling.map(String)).toEqual([]);
    },
  );

  it("every AWS policy attribute is an IAM document with a Statement (string or TfJson)", () => {
    const m = models.get(STACK_NAMES.aws) as TerraformModel;
    const policies = [...m.resources.values()].flatMap((r) =>
      ["policy", "content", "assume_role_policy"]
        .filter((k) => k in r.values)
        .map((k) => ({ at: `${r.address}.${k}`, v: r.values[k] })),
    );
    expect(policies.length).toBeGreaterThan(0);
    for (const { at, v } of policies) {
      const doc =
        typeof v === "string" ? (JSON.parse(v) as TfValue) : v instanceof TfJson ? v.value : undefined;
      expect({ at, ok: isObject(doc) && (doc.Statement !== undefined || doc.Version !== undefined) }).toEqual(
        { at, ok: true },
      );
    }
  });
});
