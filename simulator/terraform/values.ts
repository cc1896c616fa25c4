/** Helpers over resolved values: marker tests, string conversion, canonical keys. */
import { decimalNumber, terraformJsonEncode, type JsonData } from "./go-json";
import { TfIndeterminate, TfJson, TfSymbol, TfTemplate, type TfObject, type TfValue } from "./model";
import { isObject } from "./read";

export function isMarker(v: TfValue): v is TfSymbol | TfTemplate | TfJson | TfIndeterminate {
  return (
    v instanceof TfSymbol || v instanceof TfTemplate || v instanceof TfJson || v instanceof TfIndeterminate
  );
}

export function isList(v: TfValue | undefined): v is readonly TfValue[] {
  return Array.isArray(v);
}

/** The first indeterminate anywhere inside `v` (not inside TfJson, which cannot hold one). */
export function findIndeterminate(v: TfValue): TfIndeterminate | undefined {
  if (v instanceof TfIndeterminate) return v;
  if (isList(v)) {
    for (const x of v) {
      const found = findIndeterminate(x);
      if (found) return found;
    }
  } else if (isObject(v)) {
    for (const k in v) {
      const found = findIndeterminate(v[k]);
      if (found) return found;
    }
  }
  return undefined;
}

/** True when `v` is plain JSON data (no symbol, template, JSON-with-symbols or indeterminate). */
export function isKnown(v: TfValue): v is JsonData {
  if (v === null || typeof v !== "object") return true;
  if (isList(v)) return v.every(isKnown);
  if (isObject(v)) {
    for (const k in v) if (!isKnown(v[k])) return false;
    return true;
  }
  return false;
}

/** A key identifying a value for equality (distinct, toset, sid merging). */
export function canonicalKey(v: TfValue): string {
  if (v instanceof TfSymbol) return `\u0000sym:${v.key}`;
  if (v instanceof TfTemplate)
    return `\u0000tpl:${v.parts.map((p) => (typeof p === "string" ? JSON.stringify(p) : p.key)).join("+")}`;
  if (v instanceof TfJson) return `\u0000json:${canonicalKey(v.value)}`;
  if (v instanceof TfIndeterminate) return `\u0000ind:${v.toString()}`;
  if (isList(v)) return `[${v.map(canonicalKey).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalKey(v[k])}`)
      .join(",")}}`;
  return terraformJsonEncode(v);
}

/** Builds a string or template from parts, merging adjacent literals; a template needs at least one symbol. */
export function joinParts(parts: readonly (string | TfSymbol)[]): string | TfSymbol | TfTemplate {
  const merged: (string | TfSymbol)[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (typeof p === "string") {
      if (p === "") continue;
      if (typeof last === "string") merged[merged.length - 1] = last + p;
      else merged.push(p);
    } else merged.push(p);
  }
  if (merged.length === 0) return "";
  if (merged.length === 1) return merged[0];
  return new TfTemplate(merged);
}

/**
 * The string parts of a value used where Terraform needs a string (templates, join, format):
 * numbers and bools convert as Terraform converts them; anything else is a reason string.
 */
export function stringParts(v: TfValue): readonly (string | TfSymbol)[] | { readonly error: string } {
  if (typeof v === "string") return [v];
  if (typeof v === "number") return [decimalNumber(v)];
  if (typeof v === "boolean") return [v ? "true" : "false"];
  if (v instanceof TfSymbol) return [v];
  if (v instanceof TfTemplate) return v.parts;
  if (v === null) return { error: "a null value cannot be used as a string" };
  if (v instanceof TfJson)
    return { error: "a JSON document that still holds computed values cannot be spliced into a string" };
  if (isList(v)) return { error: "a list cannot be used as a string" };
  return { error: "an object cannot be used as a string" };
}

export function describeValue(v: TfValue): string {
  if (v === null) return "null";
  if (isList(v)) return "a list";
  if (v instanceof TfSymbol) return `the computed value ${v}`;
  if (v instanceof TfTemplate) return `the partly computed string "${v}"`;
  if (v instanceof TfJson) return "a JSON document with computed values";
  if (v instanceof TfIndeterminate) return "an indeterminate value";
  if (isObject(v)) return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Builds a TfObject from entries (keeps insertion order). */
export function objectOf(entries: Iterable<readonly [string, TfValue]>): TfObject {
  const o: Record<string, TfValue> = {};
  for (const [k, v] of entries) o[k] = v;
  return o;
}
