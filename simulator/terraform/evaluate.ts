/**
 * Evaluates parsed HCL expressions to resolved values. Unknown-until-apply values flow through as
 * symbols, templates and TfJson; anything the subset cannot evaluate becomes a located TfIndeterminate.
 * Function semantics: https://developer.hashicorp.com/terraform/language/functions
 */
import { terraformJsonEncode, compareCodePoints } from "./go-json";
import type { Expr } from "./hcl-ast";
import { TfIndeterminate, TfJson, TfSymbol, TfTemplate, type TfObject, type TfValue } from "./model";
import { isObject } from "./read";
import {
  canonicalKey,
  describeValue,
  findIndeterminate,
  isKnown,
  isList,
  joinParts,
  stringParts,
} from "./values";

export type Step = string | number;

export interface EvalScope {
  /** The value of a reference rooted at `root` (`var`, `local`, `data`, a resource type, ...) after `steps`. */
  reference(root: string, steps: readonly Step[], ctx: EvalContext): TfValue;
}

export interface EvalContext {
  readonly scope: EvalScope;
  /** A located indeterminate for this value (also recorded as a diagnostic). */
  fail(reason: string): TfIndeterminate;
}

export const SUPPORTED_FUNCTIONS = [
  "jsonencode",
  "jsondecode",
  "concat",
  "merge",
  "tolist",
  "toset",
  "join",
  "format",
  "lookup",
  "element",
  "flatten",
  "distinct",
  "compact",
  "length",
  "tostring",
  "lower",
  "upper",
  "keys",
  "values",
  "contains",
  "coalesce",
] as const;

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatStep(path: string, step: Step): string {
  if (typeof step === "number") return `${path}[${step}]`;
  if (!IDENT.test(step)) return `${path}[${JSON.stringify(step)}]`;
  return path === "" ? step : `${path}.${step}`;
}

/**
 * Traverses into a value. A missing object key becomes a symbol under `computed` (an attribute that is
 * only known after apply) when given, else indeterminate.
 */
export function traverse(
  value: TfValue,
  steps: readonly Step[],
  ctx: EvalContext,
  computed?: { address: string; path: string },
): TfValue {
  let v = value;
  let path = computed?.path ?? "";
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (v instanceof TfIndeterminate) return v;
    if (v instanceof TfSymbol) {
      let attr = v.attribute;
      for (const s of steps.slice(i)) attr = formatStep(attr, s);
      return new TfSymbol(v.address, attr);
    }
    if (isList(v)) {
      const n = typeof step === "number" ? step : /^\d+$/.test(step) ? Number(step) : NaN;
      if (!Number.isInteger(n)) return ctx.fail(`cannot use ${JSON.stringify(step)} as an index into a list`);
      if (n < 0 || n >= v.length) return ctx.fail(`index ${n} is out of range for a list of ${v.length}`);
      v = v[n];
    } else if (isObject(v)) {
      const key = String(step);
      if (!(key in v)) {
        if (computed)
          return new TfSymbol(
            computed.address,
            steps.slice(i).reduce<string>((p, s) => formatStep(p, s), path),
          );
        return ctx.fail(`there is no attribute ${JSON.stringify(key)} here`);
      }
      v = v[key];
    } else {
      return ctx.fail(`cannot read ${JSON.stringify(step)} from ${describeValue(v)}`);
    }
    path = formatStep(path, step);
  }
  return v;
}

export function evaluate(e: Expr, ctx: EvalContext): TfValue {
  switch (e.kind) {
    case "literal":
      return e.value;
    case "template":
      return evalTemplate(e, ctx);
    case "variable":
      return ctx.scope.reference(e.name, [], ctx);
    case "traverse":
      return evalTraverse(e, ctx);
    case "tuple":
      return e.items.map((x) => evaluate(x, ctx));
    case "object": {
      const out: Record<string, TfValue> = {};
      for (const item of e.items) {
        const k = evaluate(item.key, ctx);
        const key = typeof k === "number" || typeof k === "boolean" ? String(k) : k;
        if (typeof key !== "string")
          return key instanceof TfIndeterminate
            ? key
            : ctx.fail(`an object key must be a known string, got ${describeValue(key)}`);
        out[key] = evaluate(item.value, ctx);
      }
      return out;
    }
    case "call":
      return evalCall(e, ctx);
    case "unary": {
      const v = evaluate(e.operand, ctx);
      if (v instanceof TfIndeterminate) return v;
      if (e.op === "!")
        return typeof v === "boolean" ? !v : ctx.fail(`! needs a known bool, got ${describeValue(v)}`);
      const n = toNumber(v);
      return n === undefined ? ctx.fail(`unary - needs a known number, got ${describeValue(v)}`) : -n;
    }
    case "binary":
      return evalBinary(e.op, evaluate(e.left, ctx), () => evaluate(e.right, ctx), ctx);
    case "conditional": {
      const c = evaluate(e.cond, ctx);
      if (c instanceof TfIndeterminate) return c;
      const b = typeof c === "boolean" ? c : c === "true" ? true : c === "false" ? false : undefined;
      if (b === undefined)
        return ctx.fail(`the condition of ? : must be a known bool, got ${describeValue(c)}`);
      return evaluate(b ? e.then : e.otherwise, ctx);
    }
  }
}

function evalTemplate(e: Extract<Expr, { kind: "template" }>, ctx: EvalContext): TfValue {
  // A template that is a single interpolation yields the value itself, with its type.
  if (e.parts.length === 1 && e.parts[0].kind === "interp") return evaluate(e.parts[0].expr, ctx);
  const parts: (string | TfSymbol)[] = [];
  for (const p of e.parts) {
    if (p.kind === "literal") {
      parts.push(p.text);
      continue;
    }
    const v = evaluate(p.expr, ctx);
    if (v instanceof TfIndeterminate) return v;
    const sp = stringParts(v);
    if ("error" in sp) return ctx.fail(`in a string template: ${sp.error}`);
    parts.push(...sp);
  }
  return joinParts(parts);
}

function evalTraverse(e: Extract<Expr, { kind: "traverse" }>, ctx: EvalContext): TfValue {
  const steps: Step[] = [];
  for (const t of e.traversers) {
    if (t.kind === "splat") return ctx.fail(`splat expressions ([*], .*) are not supported`);
    if (t.kind === "attr") {
      steps.push(t.name);
      continue;
    }
    const k = evaluate(t.key, ctx);
    if (k instanceof TfIndeterminate) return k;
    if (typeof k !== "string" && typeof k !== "number")
      return ctx.fail(`an index must be a known string or number, got ${describeValue(k)}`);
    steps.push(k);
  }
  if (e.target.kind === "variable") return ctx.scope.reference(e.target.name, steps, ctx);
  return traverse(evaluate(e.target, ctx), steps, ctx);
}

function toNumber(v: TfValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function evalBinary(op: string, left: TfValue, rightThunk: () => TfValue, ctx: EvalContext): TfValue {
  if (left instanceof TfIndeterminate) return left;
  if (op === "&&" || op === "||") {
    if (typeof left !== "boolean") return ctx.fail(`${op} needs known bools, got ${describeValue(left)}`);
    const right = rightThunk();
    if (right instanceof TfIndeterminate) return right;
    if (typeof right !== "boolean") return ctx.fail(`${op} needs known bools, got ${describeValue(right)}`);
    return op === "&&" ? left && right : left || right;
  }
  const right = rightThunk();
  if (right instanceof TfIndeterminate) return right;
  if (op === "==" || op === "!=") {
    if (!isKnown(left) || !isKnown(right))
      return ctx.fail(
        `cannot compare values that are only known after apply (${describeValue(left)} ${op} ${describeValue(right)})`,
      );
    const eq = canonicalKey(left) === canonicalKey(right);
    return op === "==" ? eq : !eq;
  }
  const a = toNumber(left);
  const b = toNumber(right);
  if (a === undefined || b === undefined)
    return ctx.fail(`${op} needs known numbers, got ${describeValue(a === undefined ? left : right)}`);
  switch (op) {
    case "<":
      return a < b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    case ">=":
      return a >= b;
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? ctx.fail("division by zero") : a / b;
    default:
      return b === 0 ? ctx.fail("modulo by zero") : a % b;
  }
}

function evalCall(e: Extract<Expr, { kind: "call" }>, ctx: EvalContext): TfValue {
  const fn = FUNCTIONS[e.name];
  if (!fn)
    return ctx.fail(
      `the function ${e.name}() is not supported; supported functions: ${SUPPORTED_FUNCTIONS.join(", ")}`,
    );
  let args = e.args.map((a) => evaluate(a, ctx));
  if (e.expandFinal) {
    const last = args[args.length - 1];
    if (last instanceof TfIndeterminate) return last;
    if (!isList(last))
      return ctx.fail(`${e.name}(...): the ... expansion needs a list, got ${describeValue(last)}`);
    args = [...args.slice(0, -1), ...last];
  }
  // jsonencode keeps indeterminates nested in place; every other function needs its arguments whole.
  if (e.name !== "jsonencode") {
    for (const a of args) {
      const bad = findIndeterminate(a);
      if (bad) return bad;
    }
  }
  return fn(args, (reason) => ctx.fail(`${e.name}(): ${reason}`));
}

type Fn = (args: readonly TfValue[], fail: (reason: string) => TfIndeterminate) => TfValue;

function arity(
  n: number,
  args: readonly TfValue[],
  fail: (r: string) => TfIndeterminate,
): TfIndeterminate | undefined {
  return args.length === n
    ? undefined
    : fail(`expects ${n} argument${n === 1 ? "" : "s"}, got ${args.length}`);
}

function listArg(
  v: TfValue,
  fail: (r: string) => TfIndeterminate,
  what = "a list",
): readonly TfValue[] | TfIndeterminate {
  return isList(v) ? v : fail(`expects ${what}, got ${describeValue(v)}`);
}

function stringArg(v: TfValue, fail: (r: string) => TfIndeterminate, what: string): string | TfIndeterminate {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return fail(`expects ${what} to be a known string, got ${describeValue(v)}`);
}

function dedupe(items: readonly TfValue[]): TfValue[] {
  const seen = new Set<string>();
  const out: TfValue[] = [];
  for (const x of items) {
    const k = canonicalKey(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out;
}

function flattenDeep(items: readonly TfValue[], out: TfValue[]): void {
  for (const x of items)
    if (isList(x)) flattenDeep(x, out);
    else out.push(x);
}

function toJsonDoc(v: TfValue): TfValue {
  if (isKnown(v)) return terraformJsonEncode(v);
  return findIndeterminate(v) ?? new TfJson(v);
}

function jsonDecode(text: string, fail: (r: string) => TfIndeterminate): TfValue {
  try {
    return JSON.parse(text) as TfValue;
  } catch (err) {
    return fail(`the string is not valid JSON (${(err as Error).message})`);
  }
}

const FUNCTIONS: Record<string, Fn> = {
  jsonencode: (args, fail) => arity(1, args, fail) ?? toJsonDoc(args[0]),
  jsondecode: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const v = args[0];
    if (typeof v === "string") return jsonDecode(v, fail);
    if (v instanceof TfJson) return v.value;
    return fail(`expects a known JSON string, got ${describeValue(v)}`);
  },
  concat: (args, fail) => {
    const out: TfValue[] = [];
    for (const a of args) {
      const l = listArg(a, fail, "lists");
      if (l instanceof TfIndeterminate) return l;
      out.push(...l);
    }
    return out;
  },
  merge: (args, fail) => {
    const out: Record<string, TfValue> = {};
    for (const a of args) {
      if (a === null) continue;
      if (!isObject(a)) return fail(`expects maps or objects, got ${describeValue(a)}`);
      Object.assign(out, a);
    }
    return out;
  },
  tolist: (args, fail) => arity(1, args, fail) ?? listArg(args[0], fail),
  toset: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const l = listArg(args[0], fail);
    if (l instanceof TfIndeterminate) return l;
    const items = dedupe(l);
    // Terraform orders a set of strings lexically; other element types have no order we rely on.
    if (items.every((x) => typeof x === "string")) return (items as string[]).sort(compareCodePoints);
    return items;
  },
  join: (args, fail) => {
    if (args.length < 2)
      return fail(`expects a separator and at least one list, got ${args.length} argument(s)`);
    const sep = stringArg(args[0], fail, "the separator");
    if (sep instanceof TfIndeterminate) return sep;
    const parts: (string | TfSymbol)[] = [];
    let first = true;
    for (const a of args.slice(1)) {
      const l = listArg(a, fail, "lists of strings");
      if (l instanceof TfIndeterminate) return l;
      for (const item of l) {
        const sp = stringParts(item);
        if ("error" in sp) return fail(sp.error);
        if (!first) parts.push(sep);
        first = false;
        parts.push(...sp);
      }
    }
    return joinParts(parts);
  },
  format: (args, fail) => {
    if (args.length < 1) return fail("expects a format string");
    const spec = stringArg(args[0], fail, "the format string");
    if (spec instanceof TfIndeterminate) return spec;
    const parts: (string | TfSymbol)[] = [];
    let argi = 1;
    let i = 0;
    while (i < spec.length) {
      const pct = spec.indexOf("%", i);
      if (pct < 0) {
        parts.push(spec.slice(i));
        break;
      }
      parts.push(spec.slice(i, pct));
      const verb = spec[pct + 1];
      i = pct + 2;
      if (verb === "%") {
        parts.push("%");
        continue;
      }
      if (verb !== "s" && verb !== "d" && verb !== "v")
        return fail(`only the verbs %s, %d, %v and %% are supported, got %${verb ?? ""}`);
      if (argi >= args.length)
        return fail(`not enough arguments for the format string ${JSON.stringify(spec)}`);
      const a = args[argi++];
      if (verb === "d" && typeof a !== "number" && !(typeof a === "string" && /^-?\d+$/.test(a)))
        return fail(`%d needs a known whole number, got ${describeValue(a)}`);
      const sp = stringParts(a);
      if ("error" in sp) return fail(sp.error);
      parts.push(...sp);
    }
    if (argi < args.length) return fail(`too many arguments for the format string ${JSON.stringify(spec)}`);
    return joinParts(parts);
  },
  lookup: (args, fail) => {
    if (args.length !== 2 && args.length !== 3)
      return fail(`expects a map, a key and an optional default, got ${args.length} argument(s)`);
    const [m, k] = args;
    if (!isObject(m)) return fail(`expects a known map, got ${describeValue(m)}`);
    const key = stringArg(k, fail, "the key");
    if (key instanceof TfIndeterminate) return key;
    if (key in m) return m[key];
    return args.length === 3
      ? args[2]
      : fail(`the key ${JSON.stringify(key)} is not in the map and no default was given`);
  },
  element: (args, fail) => {
    const bad = arity(2, args, fail);
    if (bad) return bad;
    const l = listArg(args[0], fail);
    if (l instanceof TfIndeterminate) return l;
    const n = toNumber(args[1]);
    if (n === undefined || !Number.isInteger(n) || n < 0)
      return fail(`expects a known non-negative whole index, got ${describeValue(args[1])}`);
    if (l.length === 0) return fail("cannot use element() on an empty list");
    return l[n % l.length];
  },
  flatten: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const l = listArg(args[0], fail);
    if (l instanceof TfIndeterminate) return l;
    const out: TfValue[] = [];
    flattenDeep(l, out);
    return out;
  },
  distinct: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const l = listArg(args[0], fail);
    return l instanceof TfIndeterminate ? l : dedupe(l);
  },
  compact: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const l = listArg(args[0], fail);
    if (l instanceof TfIndeterminate) return l;
    return l.filter((x) => x !== null && x !== "");
  },
  length: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const v = args[0];
    if (isList(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    if (typeof v === "string") return [...v].length;
    return fail(`expects a known list, map or string, got ${describeValue(v)}`);
  },
  tostring: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const v = args[0];
    if (v === null || typeof v === "string" || v instanceof TfSymbol || v instanceof TfTemplate) return v;
    if (typeof v === "number" || typeof v === "boolean") {
      const sp = stringParts(v);
      return "error" in sp ? fail(sp.error) : joinParts(sp);
    }
    return fail(`cannot convert ${describeValue(v)} to a string`);
  },
  lower: (args, fail) => {
    const s = arity(1, args, fail) ?? stringArg(args[0], fail, "its argument");
    return s instanceof TfIndeterminate ? s : s.toLowerCase();
  },
  upper: (args, fail) => {
    const s = arity(1, args, fail) ?? stringArg(args[0], fail, "its argument");
    return s instanceof TfIndeterminate ? s : s.toUpperCase();
  },
  keys: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const m = args[0];
    return isObject(m)
      ? Object.keys(m).sort(compareCodePoints)
      : fail(`expects a known map, got ${describeValue(m)}`);
  },
  values: (args, fail) => {
    const bad = arity(1, args, fail);
    if (bad) return bad;
    const m: TfValue = args[0];
    if (!isObject(m)) return fail(`expects a known map, got ${describeValue(m)}`);
    const o: TfObject = m;
    return Object.keys(o)
      .sort(compareCodePoints)
      .map((k) => o[k]);
  },
  contains: (args, fail) => {
    const bad = arity(2, args, fail);
    if (bad) return bad;
    const l = listArg(args[0], fail);
    if (l instanceof TfIndeterminate) return l;
    if (!isKnown(args[1]) || !l.every(isKnown))
      return fail("cannot decide membership of values only known after apply");
    const k = canonicalKey(args[1]);
    return l.some((x) => canonicalKey(x) === k);
  },
  coalesce: (args, fail) => {
    for (const a of args) {
      if (a instanceof TfSymbol || a instanceof TfTemplate)
        return fail("cannot decide whether a value only known after apply is empty");
      if (a !== null && a !== "") return a;
    }
    return fail("no non-null, non-empty argument");
  },
};
