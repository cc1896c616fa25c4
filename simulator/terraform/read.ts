/**
 * Typed, located reads of resolved attributes, shared by the provider compilers. A value of the wrong
 * type, or one the loader could not interpret, throws `IndeterminateError` naming the resource address
 * and attribute path; compilers catch it per resource and mark that resource indeterminate.
 */
import {
  TfIndeterminate,
  TfJson,
  TfSymbol,
  TfTemplate,
  type TfLocation,
  type TfObject,
  type TfResource,
  type TfValue,
} from "./model";

export class IndeterminateError extends Error {
  constructor(readonly indeterminate: TfIndeterminate) {
    super(indeterminate.toString());
    this.name = "IndeterminateError";
  }
}

export function isObject(v: TfValue | undefined): v is TfObject {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof TfSymbol) &&
    !(v instanceof TfTemplate) &&
    !(v instanceof TfJson) &&
    !(v instanceof TfIndeterminate)
  );
}

/**
 * The identity of an ID-like value: a literal ID as itself, a symbol as its resource address
 * (`${azuread_group.admins.object_id}` → `azuread_group.admins`), which is how contexts name objects.
 */
export function refKey(v: string | TfSymbol): string {
  return typeof v === "string" ? v : v.address;
}

function describe(v: TfValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (v instanceof TfSymbol) return `the computed value ${v}`;
  if (v instanceof TfTemplate) return `the partly computed string "${v}"`;
  if (v instanceof TfJson) return "a JSON document with computed values";
  if (isObject(v)) return "an object";
  return JSON.stringify(v);
}

export class Reader {
  constructor(
    readonly value: TfObject,
    readonly location: TfLocation,
  ) {}

  static of(resource: TfResource): Reader {
    return new Reader(resource.values, { ...resource.location, path: undefined });
  }

  /** The location of `key` below this reader. */
  at(key: string | number): TfLocation {
    const base = this.location.path ?? "";
    const path = typeof key === "number" ? `${base}[${key}]` : base === "" ? key : `${base}.${key}`;
    return { ...this.location, path };
  }

  fail(key: string | number, reason: string): never {
    throw new IndeterminateError(new TfIndeterminate(this.at(key), reason));
  }

  /** The raw value, unless the loader marked it indeterminate. `undefined` and `null` both mean "not set". */
  raw(key: string): TfValue | undefined {
    const v = this.value[key];
    if (v instanceof TfIndeterminate) throw new IndeterminateError(v);
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** A single nested block: an object, or a list of at most one object (cdk.tf.json and plan JSON differ). */
  block(key: string): Reader | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (isObject(v)) return new Reader(v, this.at(key));
    if (Array.isArray(v)) {
      if (v.length === 0) return undefined;
      if (v.length === 1 && isObject(v[0])) return new Reader(v[0], this.at(`${key}[0]`));
      this.fail(key, `expected one ${key} block, got a list of ${v.length}`);
    }
    this.fail(key, `expected a ${key} block, got ${describe(v)}`);
  }

  /** A repeated nested block: a list of objects, or a single object. */
  blocks(key: string): Reader[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (isObject(v)) return [new Reader(v, this.at(key))];
    if (!Array.isArray(v)) this.fail(key, `expected ${key} blocks, got ${describe(v)}`);
    return (v as readonly TfValue[]).map((item, i) => {
      if (item instanceof TfIndeterminate) throw new IndeterminateError(item);
      if (!isObject(item))
        this.fail(`${key}[${i}]` as string, `expected a ${key} block, got ${describe(item)}`);
      return new Reader(item as TfObject, this.at(`${key}[${i}]`));
    });
  }

  /** A literal string; a computed value here cannot be compared, so it is indeterminate. */
  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined || typeof v === "string") return v;
    this.fail(key, `expected a string, got ${describe(v)}`);
  }

  /** A literal string or a symbol (IDs, ARNs of resources in this configuration). */
  stringOrSymbol(key: string): string | TfSymbol | TfTemplate | undefined {
    const v = this.raw(key);
    if (v === undefined || typeof v === "string" || v instanceof TfSymbol || v instanceof TfTemplate)
      return v;
    this.fail(key, `expected a string, got ${describe(v)}`);
  }

  /** An ID-like value as its identity key (see `refKey`). */
  ref(key: string): string | undefined {
    const v = this.stringOrSymbol(key);
    if (v instanceof TfTemplate) this.fail(key, `expected an ID, got ${describe(v)}`);
    return v === undefined ? undefined : refKey(v);
  }

  /** A list (or set) of ID-like values as identity keys. */
  refs(key: string): string[] {
    return this.list(key).map((item, i) => {
      if (typeof item === "string" || item instanceof TfSymbol) return refKey(item);
      return this.fail(`${key}[${i}]` as string, `expected an ID, got ${describe(item)}`);
    });
  }

  /** A list of literal strings. */
  strings(key: string): string[] {
    return this.list(key).map((item, i) => {
      if (typeof item === "string") return item;
      return this.fail(`${key}[${i}]` as string, `expected a string, got ${describe(item)}`);
    });
  }

  number(key: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined || typeof v === "number") return v;
    // Terraform converts numeric strings to numbers for number attributes.
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    this.fail(key, `expected a number, got ${describe(v)}`);
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || typeof v === "boolean") return v;
    // Terraform converts "true"/"false" strings to booleans for bool attributes.
    if (v === "true" || v === "false") return v === "true";
    this.fail(key, `expected a boolean, got ${describe(v)}`);
  }

  private list(key: string): readonly TfValue[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(key, `expected a list, got ${describe(v)}`);
    const items = v as readonly TfValue[];
    for (const item of items) if (item instanceof TfIndeterminate) throw new IndeterminateError(item);
    return items;
  }
}
