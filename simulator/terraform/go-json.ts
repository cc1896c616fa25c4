/**
 * JSON text exactly as Terraform and the AWS provider write it (both use Go's encoding/json):
 * - strings escape `<`, `>`, `&`, U+2028 and U+2029 as \u003c, \u003e, \u0026, \u2028, \u2029
 *   (https://pkg.go.dev/encoding/json#Marshal, https://developer.hashicorp.com/terraform/language/functions/jsonencode);
 * - Terraform objects are maps with keys in lexical (byte) order; numbers are written in plain decimal;
 * - `MarshalIndent(v, "", "  ")` for the `json` attribute of `aws_iam_policy_document`.
 */

const GO_EXTRA_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

export function goJsonString(s: string): string {
  // JSON.stringify escapes control characters as Go does (\b \f \n \r \t, others \u00xx) and lone
  // surrogates as \udxxx where Go writes U+FFFD; neither reaches here from valid JSON/HCL input.
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_EXTRA_ESCAPES[c]);
}

/** Byte-wise UTF-8 order, which is code point order (Go's string comparison, cty's key order). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** A number in plain decimal notation, the way cty formats numbers (`big.Float.Text('f', -1)`). */
export function decimalNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`${n} is not a JSON number`);
  if (Object.is(n, -0)) return "0";
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = "", expText] = m;
  const exp = Number(expText);
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Plain JSON data (no markers). */
export type JsonData =
  null | boolean | number | string | readonly JsonData[] | { readonly [k: string]: JsonData };

/** `jsonencode` output: compact, object keys sorted. */
export function terraformJsonEncode(v: JsonData): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return decimalNumber(v);
  if (typeof v === "string") return goJsonString(v);
  if (Array.isArray(v)) return `[${(v as readonly JsonData[]).map(terraformJsonEncode).join(",")}]`;
  const o = v as { readonly [k: string]: JsonData };
  const keys = Object.keys(o).sort(compareCodePoints);
  return `{${keys.map((k) => `${goJsonString(k)}:${terraformJsonEncode(o[k])}`).join(",")}}`;
}

/**
 * An ordered JSON value for Go struct/map marshalling: objects are written in the given entry order
 * (Go structs keep field order; callers sort map keys themselves).
 */
export type OrderedJson = null | boolean | number | string | readonly OrderedJson[] | OrderedObject;
export interface OrderedObject {
  readonly entries: readonly (readonly [string, OrderedJson])[];
}

/** Go's encoding of a float64, which matches JavaScript's shortest round-trip form. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`${n} is not a JSON number`);
  return Object.is(n, -0) ? "-0" : String(n);
}

export function goMarshal(v: OrderedJson, indent: string | undefined, prefix = ""): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "string") return goJsonString(v);
  const inner = indent === undefined ? "" : prefix + indent;
  const nl = indent === undefined ? "" : "\n";
  const sep = indent === undefined ? ":" : ": ";
  if (Array.isArray(v)) {
    const items = v as readonly OrderedJson[];
    if (items.length === 0) return "[]";
    return `[${nl}${items.map((x) => inner + goMarshal(x, indent, inner)).join(`,${nl}`)}${nl}${indent === undefined ? "" : prefix}]`;
  }
  const entries = (v as OrderedObject).entries;
  if (entries.length === 0) return "{}";
  return `{${nl}${entries.map(([k, x]) => `${inner}${goJsonString(k)}${sep}${goMarshal(x, indent, inner)}`).join(`,${nl}`)}${nl}${indent === undefined ? "" : prefix}}`;
}
