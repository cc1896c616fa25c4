/**
 * Turns zod issues into one line each: the field path, what is wrong, the value given and what is
 * allowed. Shared by the baseline spec and the scenario files.
 */
import type { z } from "zod";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** Formats every issue; give the schema so that unknown keys can be answered with the allowed ones. */
export function formatIssues(
  issues: readonly Issue[],
  input: unknown,
  schema?: z.ZodType,
  base: Path = [],
): string[] {
  return issues.flatMap((issue) => formatIssue(issue, input, schema, base));
}

/** `a.b[2].c`, or `(root)` for the top level. */
export function formatPath(path: Path): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

export function valueAt(input: unknown, path: Path): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function formatIssue(issue: Issue, input: unknown, schema: z.ZodType | undefined, base: Path): string[] {
  const path = [...base, ...issue.path];
  const where = formatPath(path);
  const given = valueAt(input, path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const known = schema && objectKeysAt(schema, path);
        return `${formatPath([...path, key])}: unknown key${known ? `; allowed keys here: ${known.join(", ")}` : ""}`;
      });
    case "invalid_value":
      return [
        `${where}: ${show(given)} is not allowed; allowed: ${issue.values.map((v) => show(v)).join(", ")}`,
      ];
    case "invalid_type":
      return [
        given === undefined
          ? `${where}: required (${issue.expected}) but missing`
          : `${where}: expected ${issue.expected}, got ${show(given)}`,
      ];
    case "invalid_union": {
      const branches = issue.errors;
      if (branches.length === 0) return [`${where}: ${issue.message}; got ${show(given)}`];
      // Report the branch that got furthest: the fewest problems, i.e. the one the author most likely meant.
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      const shapes = describeBranches(branches);
      const inner = formatIssues(best, input, schema, path);
      return shapes
        ? [`${where}: ${show(given)} matches none of the allowed forms (${shapes})`, ...inner]
        : inner;
    }
    default:
      return [`${where}: ${issue.message}; got ${show(given)}`];
  }
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The keys an object schema allows at `path`, looking through optional/default wrappers, arrays and unions. */
export function objectKeysAt(schema: z.ZodType, path: Path): string[] | undefined {
  const def = defOf(schema);
  if (def.innerType) return objectKeysAt(def.innerType, path);
  if (def.type === "pipe" && def.in) return objectKeysAt(def.in, path);
  if (def.type === "union" && def.options) {
    const keys = def.options.map((o) => objectKeysAt(o, path)).filter((k): k is string[] => k !== undefined);
    return keys.length > 0 ? [...new Set(keys.flat())] : undefined;
  }
  if (path.length === 0) return def.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
  const [head, ...rest] = path;
  if (def.type === "object" && def.shape && typeof head === "string" && def.shape[head]) {
    return objectKeysAt(def.shape[head], rest);
  }
  if (def.type === "array" && def.element && typeof head === "number") return objectKeysAt(def.element, rest);
  if (def.type === "record" && def.valueType) return objectKeysAt(def.valueType, rest);
  return undefined;
}

/** For unions of objects told apart by their keys or a literal `mode`, name each form. */
function describeBranches(branches: readonly (readonly Issue[])[]): string | undefined {
  const forms = branches.map((issues) => {
    const literal = issues.find((i) => i.code === "invalid_value" && i.path.length === 1);
    if (literal && literal.code === "invalid_value")
      return `${String(literal.path[0])}: ${literal.values.map((v) => show(v)).join(" | ")}`;
    const missing = issues.find((i) => i.code === "invalid_type" && i.path.length === 1);
    if (missing) return `{ ${String(missing.path[0])}: ... }`;
    return undefined;
  });
  return forms.every((f) => f !== undefined) ? forms.join(" or ") : undefined;
}
