/**
 * The filter-for-devices rule language (the dynamic-membership syntax restricted to device properties):
 * `device.<property> -<operator> <value>` joined with `-and` / `-or`, parentheses and `-not`.
 * Source: https://learn.microsoft.com/entra/identity/conditional-access/concept-condition-filters-for-devices (R15)
 * and https://learn.microsoft.com/entra/identity/users/groups-dynamic-membership (syntax; string comparisons
 * are case-insensitive).
 */

export const DEVICE_FILTER_OPERATORS = [
  "eq",
  "ne",
  "startsWith",
  "notStartsWith",
  "endsWith",
  "notEndsWith",
  "contains",
  "notContains",
  "in",
  "notIn",
] as const;
export type DeviceFilterOperator = (typeof DEVICE_FILTER_OPERATORS)[number];

const NEGATIVE: ReadonlySet<DeviceFilterOperator> = new Set([
  "ne",
  "notStartsWith",
  "notEndsWith",
  "notContains",
  "notIn",
]);

const STRING_PROPERTIES = [
  "deviceId",
  "displayName",
  "deviceOwnership",
  "enrollmentProfileName",
  "isCompliant",
  "manufacturer",
  "mdmAppId",
  "model",
  "operatingSystem",
  "operatingSystemVersion",
  "profileType",
  "trustType",
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
] as const;
const COLLECTION_PROPERTIES = ["physicalIds", "systemLabels"] as const;
export type DeviceProperty = (typeof STRING_PROPERTIES)[number] | (typeof COLLECTION_PROPERTIES)[number];

const PROPERTY_BY_LOWER = new Map<string, DeviceProperty>([
  ...[...STRING_PROPERTIES, ...COLLECTION_PROPERTIES].map(
    (p) => [p.toLowerCase(), p] as [string, DeviceProperty],
  ),
  ["devicephysicalids", "physicalIds"],
]);
const COLLECTIONS: ReadonlySet<DeviceProperty> = new Set(COLLECTION_PROPERTIES);
const OPERATOR_BY_LOWER = new Map<string, DeviceFilterOperator>(
  DEVICE_FILTER_OPERATORS.map((o) => [o.toLowerCase(), o]),
);

export type DeviceFilterExpr =
  | { readonly kind: "and" | "or"; readonly left: DeviceFilterExpr; readonly right: DeviceFilterExpr }
  | { readonly kind: "not"; readonly operand: DeviceFilterExpr }
  | {
      readonly kind: "compare";
      readonly property: DeviceProperty;
      readonly operator: DeviceFilterOperator;
      /** Lower-cased; `null` for the literal `null`. */
      readonly values: readonly (string | null)[];
    };

export class DeviceFilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at character ${position + 1}`);
    this.name = "DeviceFilterSyntaxError";
  }
}

type Token =
  | { readonly t: "word"; readonly v: string; readonly at: number }
  | { readonly t: "string"; readonly v: string; readonly at: number }
  | { readonly t: "(" | ")" | "[" | "]" | "," | "end"; readonly at: number };

function tokenize(rule: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === "[" || c === "]" || c === ",") {
      out.push({ t: c, at: i });
      i++;
    } else if (c === '"' || c === "'") {
      const start = i++;
      let v = "";
      for (;;) {
        if (i >= rule.length) throw new DeviceFilterSyntaxError("unterminated string", start);
        const d = rule[i];
        if (d === "\\" && i + 1 < rule.length) {
          v += rule[i + 1];
          i += 2;
        } else if (d === c && rule[i + 1] === c) {
          v += c;
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: "string", v, at: start });
    } else {
      const start = i;
      while (i < rule.length && !/[\s()[\],"']/.test(rule[i])) i++;
      out.push({ t: "word", v: rule.slice(start, i), at: start });
    }
  }
  out.push({ t: "end", at: rule.length });
  return out;
}

/** Parses a rule; throws DeviceFilterSyntaxError for anything outside the documented language. */
export function parseDeviceFilter(rule: string): DeviceFilterExpr {
  const tokens = tokenize(rule);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (tok: Token, w: string) => tok.t === "word" && tok.v.toLowerCase() === w;

  function or(): DeviceFilterExpr {
    let left = and();
    while (isWord(peek(), "-or")) {
      pos++;
      left = { kind: "or", left, right: and() };
    }
    return left;
  }
  function and(): DeviceFilterExpr {
    let left = unary();
    while (isWord(peek(), "-and")) {
      pos++;
      left = { kind: "and", left, right: unary() };
    }
    return left;
  }
  function unary(): DeviceFilterExpr {
    const tok = peek();
    if (isWord(tok, "-not")) {
      pos++;
      return { kind: "not", operand: unary() };
    }
    if (tok.t === "(") {
      pos++;
      const inner = or();
      if (peek().t !== ")") throw new DeviceFilterSyntaxError("expected )", peek().at);
      pos++;
      return inner;
    }
    return compare();
  }
  function compare(): DeviceFilterExpr {
    const propTok = peek();
    if (propTok.t !== "word" || !/^device\./i.test(propTok.v)) {
      throw new DeviceFilterSyntaxError("expected a device property such as device.trustType", propTok.at);
    }
    const property = PROPERTY_BY_LOWER.get(propTok.v.slice("device.".length).toLowerCase());
    if (!property) throw new DeviceFilterSyntaxError(`unsupported device property ${propTok.v}`, propTok.at);
    pos++;
    const opTok = peek();
    const operator =
      opTok.t === "word" && opTok.v.startsWith("-")
        ? OPERATOR_BY_LOWER.get(opTok.v.slice(1).toLowerCase())
        : undefined;
    if (!operator) {
      throw new DeviceFilterSyntaxError(
        `expected one of ${DEVICE_FILTER_OPERATORS.map((o) => `-${o}`).join(", ")}`,
        opTok.at,
      );
    }
    if (COLLECTIONS.has(property) && operator !== "contains" && operator !== "notContains") {
      throw new DeviceFilterSyntaxError(`${property} supports only -contains and -notContains`, opTok.at);
    }
    pos++;
    const values = value(operator === "in" || operator === "notIn");
    return { kind: "compare", property, operator, values };
  }
  function scalar(): string | null {
    const tok = peek();
    pos++;
    if (tok.t === "string") return tok.v.toLowerCase();
    if (tok.t === "word" && /^(true|false)$/i.test(tok.v)) return tok.v.toLowerCase();
    if (tok.t === "word" && tok.v.toLowerCase() === "null") return null;
    throw new DeviceFilterSyntaxError("expected a quoted value, True, False or null", tok.at);
  }
  function value(list: boolean): (string | null)[] {
    if (peek().t === "[") {
      if (!list) throw new DeviceFilterSyntaxError("a list is only allowed after -in or -notIn", peek().at);
      pos++;
      const items: (string | null)[] = [];
      while (peek().t !== "]") {
        items.push(scalar());
        if (peek().t === ",") pos++;
        else if (peek().t !== "]") throw new DeviceFilterSyntaxError("expected , or ]", peek().at);
      }
      pos++;
      return items;
    }
    const v = scalar();
    // The documented example `device.trustType -notIn 'ServerAD, Workplace'` gives the list as one string.
    if (list && v !== null) return v.split(",").map((s) => s.trim());
    return [v];
  }

  const expr = or();
  if (peek().t !== "end") throw new DeviceFilterSyntaxError("unexpected text", peek().at);
  return expr;
}

/** Property values of the signing-in device, lower-cased; `null` when the device is unregistered or lacks it. */
export type DeviceFacts = (property: DeviceProperty) => string | readonly string[] | null;

/**
 * Whether the filter matches. Unregistered devices have null properties: positive operators are false and
 * negative operators true on null, which reproduces the documented behaviour table (positive → filter not
 * applied, negative → applied).
 */
export function matchDeviceFilter(expr: DeviceFilterExpr, facts: DeviceFacts): boolean {
  switch (expr.kind) {
    case "and":
      return matchDeviceFilter(expr.left, facts) && matchDeviceFilter(expr.right, facts);
    case "or":
      return matchDeviceFilter(expr.left, facts) || matchDeviceFilter(expr.right, facts);
    case "not":
      return !matchDeviceFilter(expr.operand, facts);
    case "compare":
      return compareValue(expr.operator, facts(expr.property), expr.values);
  }
}

function compareValue(
  op: DeviceFilterOperator,
  actual: string | readonly string[] | null,
  values: readonly (string | null)[],
): boolean {
  const negative = NEGATIVE.has(op);
  if (actual === null) {
    if (values[0] === null && (op === "eq" || op === "ne")) return op === "eq";
    return negative;
  }
  const want = values[0];
  if (want === null && (op === "eq" || op === "ne")) return op === "ne";
  if (typeof actual !== "string") {
    // Collections: -contains tests whole elements.
    const has = actual.includes(want ?? "");
    return op === "contains" ? has : !has;
  }
  switch (op) {
    case "eq":
      return actual === want;
    case "ne":
      return actual !== want;
    case "startsWith":
      return want !== null && actual.startsWith(want);
    case "notStartsWith":
      return want === null || !actual.startsWith(want);
    case "endsWith":
      return want !== null && actual.endsWith(want);
    case "notEndsWith":
      return want === null || !actual.endsWith(want);
    case "contains":
      return want !== null && actual.includes(want);
    case "notContains":
      return want === null || !actual.includes(want);
    case "in":
      return values.includes(actual);
    case "notIn":
      return !values.includes(actual);
  }
}
