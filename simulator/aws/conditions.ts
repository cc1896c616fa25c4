/**
 * Condition operators, compiled once per condition.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import ipaddr from "ipaddr.js";
import { Glob, UNRESOLVED, expandPattern, type VariableLookup } from "./glob";

export const BASE_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
] as const;
export type BaseOperator = (typeof BASE_OPERATORS)[number];

const BY_LOWER = new Map<string, BaseOperator>(BASE_OPERATORS.map((o) => [o.toLowerCase(), o]));

/**
 * Negated operators: "If the key that you specify in a policy condition is not present in the request
 * context, the values do not match and the condition is false. If the policy condition requires that
 * the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the
 * condition is true." (condition_operators page). With several values they match none of them.
 */
const NEGATED: ReadonlySet<BaseOperator> = new Set([
  "StringNotEquals",
  "StringNotEqualsIgnoreCase",
  "StringNotLike",
  "NumericNotEquals",
  "DateNotEquals",
  "NotIpAddress",
  "ArnNotEquals",
  "ArnNotLike",
]);

export type SetOperator = "ForAllValues" | "ForAnyValue";

export interface ParsedOperator {
  readonly base: BaseOperator | "Null";
  readonly ifExists: boolean;
  readonly set: SetOperator | undefined;
}

/** Parses `ForAnyValue:StringLikeIfExists` and friends; `undefined` for an operator IAM does not have. */
export function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name;
  let set: SetOperator | undefined;
  const colon = rest.indexOf(":");
  if (colon !== -1) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === "forallvalues") set = "ForAllValues";
    else if (prefix === "foranyvalue") set = "ForAnyValue";
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  if (rest.toLowerCase() === "null") return { base: "Null", ifExists: false, set };
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists")) {
    ifExists = true;
    rest = rest.slice(0, -"ifexists".length);
  }
  const base = BY_LOWER.get(rest.toLowerCase());
  return base ? { base, ifExists, set } : undefined;
}

/** One value's comparison: matched, did not match, or could not be compared (bad value, unresolved variable). */
const MATCH = 1;
const NOMATCH = 0;
const ERROR = -1;
type ValueResult = typeof MATCH | typeof NOMATCH | typeof ERROR;

type ValueTest = (requestValue: string, lookup: VariableLookup) => ValueResult;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
function parseNumber(s: string): number | undefined {
  return NUMBER.test(s.trim()) ? Number(s) : undefined;
}

/** Dates: ISO 8601 (W3C profile) or epoch seconds. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date */
export function parseDate(s: string): number | undefined {
  if (/^-?\d+$/.test(s)) return Number(s) * 1000;
  if (!/^\d{4}-\d{2}(-\d{2})?/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function parseBool(s: string): boolean | undefined {
  const l = s.toLowerCase();
  return l === "true" ? true : l === "false" ? false : undefined;
}

function parseCidr(s: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  try {
    if (s.includes("/")) return ipaddr.parseCIDR(s);
    const a = ipaddr.parse(s);
    return [a, a.kind() === "ipv4" ? 32 : 128];
  } catch {
    return undefined;
  }
}

function parseIp(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    return ipaddr.parse(s);
  } catch {
    return undefined;
  }
}

/** The last ARN split: a condition compares one request value with each of its policy values in turn. */
let lastArn: string | undefined;
let lastParts: string[] | undefined;

function arnParts(s: string): string[] | undefined {
  if (s === lastArn) return lastParts;
  lastArn = s;
  lastParts = splitArn(s);
  return lastParts;
}

function splitArn(s: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const c = s.indexOf(":", start);
    if (c === -1) return undefined;
    parts.push(s.slice(start, c));
    start = c + 1;
  }
  parts.push(s.slice(start));
  return parts[0] === "arn" ? parts : undefined;
}

function stringTest(policyValue: string, kind: "equals" | "ignorecase" | "like" | "binary"): ValueTest {
  if (kind === "like") {
    const glob = new Glob(policyValue, false);
    return (v, lookup) => {
      const r = glob.test(v, lookup);
      return r === UNRESOLVED ? ERROR : r ? MATCH : NOMATCH;
    };
  }
  const dynamic = kind !== "binary" && policyValue.includes("${");
  const fixed = kind === "ignorecase" ? policyValue.toLowerCase() : policyValue;
  return (v, lookup) => {
    let expected = fixed;
    if (dynamic) {
      const e = expandPattern(policyValue, lookup, false);
      if (e === UNRESOLVED) return ERROR;
      expected = kind === "ignorecase" ? e.toLowerCase() : e;
    }
    return (kind === "ignorecase" ? v.toLowerCase() : v) === expected ? MATCH : NOMATCH;
  };
}

function numericTest(policyValue: string, cmp: (request: number, policy: number) => boolean): ValueTest {
  const p = parseNumber(policyValue);
  return (v) => {
    const r = parseNumber(v);
    if (p === undefined || r === undefined) return ERROR;
    return cmp(r, p) ? MATCH : NOMATCH;
  };
}

function dateTest(policyValue: string, cmp: (request: number, policy: number) => boolean): ValueTest {
  const p = parseDate(policyValue);
  return (v) => {
    const r = parseDate(v);
    if (p === undefined || r === undefined) return ERROR;
    return cmp(r, p) ? MATCH : NOMATCH;
  };
}

function boolTest(policyValue: string): ValueTest {
  const dynamic = policyValue.includes("${");
  return (v, lookup) => {
    const resolved = dynamic ? expandPattern(policyValue, lookup, false) : policyValue;
    if (resolved === UNRESOLVED) return ERROR;
    const p = parseBool(resolved);
    const r = parseBool(v);
    if (p === undefined || r === undefined) return ERROR;
    return p === r ? MATCH : NOMATCH;
  };
}

function ipTest(policyValue: string): ValueTest {
  const cidr = parseCidr(policyValue);
  return (v) => {
    const ip = parseIp(v);
    if (!cidr || !ip) return ERROR;
    if (ip.kind() !== cidr[0].kind()) return NOMATCH;
    return ip.match(cidr) ? MATCH : NOMATCH;
  };
}

/** ArnEquals and ArnLike: "Each of the six colon-delimited components of the ARN is checked separately and each can include multi-character match wildcards (*) or single-character match wildcards (?)." */
function arnTest(policyValue: string): ValueTest {
  const parts = arnParts(policyValue);
  const globs = parts?.map((p) => new Glob(p, false));
  return (v, lookup) => {
    const request = arnParts(v);
    if (!globs || !request) return ERROR;
    for (let i = 0; i < 6; i++) {
      const r = globs[i].test(request[i], lookup);
      if (r === UNRESOLVED) return ERROR;
      if (!r) return NOMATCH;
    }
    return MATCH;
  };
}

function valueTest(base: BaseOperator, policyValue: string): ValueTest {
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return stringTest(policyValue, "equals");
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return stringTest(policyValue, "ignorecase");
    case "StringLike":
    case "StringNotLike":
      return stringTest(policyValue, "like");
    case "BinaryEquals":
      return stringTest(policyValue, "binary");
    case "NumericEquals":
    case "NumericNotEquals":
      return numericTest(policyValue, (r, p) => r === p);
    case "NumericLessThan":
      return numericTest(policyValue, (r, p) => r < p);
    case "NumericLessThanEquals":
      return numericTest(policyValue, (r, p) => r <= p);
    case "NumericGreaterThan":
      return numericTest(policyValue, (r, p) => r > p);
    case "NumericGreaterThanEquals":
      return numericTest(policyValue, (r, p) => r >= p);
    case "DateEquals":
    case "DateNotEquals":
      return dateTest(policyValue, (r, p) => r === p);
    case "DateLessThan":
      return dateTest(policyValue, (r, p) => r < p);
    case "DateLessThanEquals":
      return dateTest(policyValue, (r, p) => r <= p);
    case "DateGreaterThan":
      return dateTest(policyValue, (r, p) => r > p);
    case "DateGreaterThanEquals":
      return dateTest(policyValue, (r, p) => r >= p);
    case "Bool":
      return boolTest(policyValue);
    case "IpAddress":
    case "NotIpAddress":
      return ipTest(policyValue);
    case "ArnEquals":
    case "ArnLike":
    case "ArnNotEquals":
    case "ArnNotLike":
      return arnTest(policyValue);
  }
}

export type ContextValue = string | readonly string[];

/** Why a condition came out as it did, for explanations. */
export type ConditionOutcome =
  | "matched"
  | "not matched"
  | "key absent: false"
  | "key absent: true (negated operator)"
  | "key absent: true (IfExists)"
  | "key absent: true (ForAllValues)"
  | "key absent: false (ForAnyValue)"
  | "multi-valued key without set operator: false"
  | "value could not be compared: false";

export interface ConditionResult {
  readonly matched: boolean;
  readonly outcome: ConditionOutcome;
}

const R = (matched: boolean, outcome: ConditionOutcome): ConditionResult => ({ matched, outcome });
const MATCHED = R(true, "matched");
const NOT_MATCHED = R(false, "not matched");

/** One operator applied to one key with its values, compiled. */
export class CompiledCondition {
  readonly key: string;
  private readonly negated: boolean;
  private readonly tests: readonly ValueTest[];
  private readonly nullExpect: readonly (boolean | undefined)[];

  constructor(
    readonly operatorName: string,
    readonly op: ParsedOperator,
    readonly keyName: string,
    readonly values: readonly string[],
  ) {
    this.key = keyName.toLowerCase();
    this.negated = op.base !== "Null" && NEGATED.has(op.base);
    this.tests = op.base === "Null" ? [] : values.map((v) => valueTest(op.base as BaseOperator, v));
    this.nullExpect = op.base === "Null" ? values.map(parseBool) : [];
  }

  /** The request value of one key against all policy values: OR across values, or for negated operators none may match. */
  private single(v: string, lookup: VariableLookup): boolean {
    if (this.negated) {
      for (const t of this.tests) if (t(v, lookup) !== NOMATCH) return false;
      return true;
    }
    for (const t of this.tests) if (t(v, lookup) === MATCH) return true;
    return false;
  }

  evaluate(value: ContextValue | undefined, lookup: VariableLookup): ConditionResult {
    const { op } = this;
    if (op.base === "Null") {
      // "true" means the key is absent; "false" means it is present. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
      const absent = value === undefined;
      return this.nullExpect.some((e) => e === absent) ? MATCHED : NOT_MATCHED;
    }
    if (op.set === "ForAllValues") {
      // ForAllValues is true when the key is absent (or empty): every value of the empty set matches.
      if (value === undefined) return R(true, "key absent: true (ForAllValues)");
      const values = typeof value === "string" ? [value] : value;
      for (const v of values) if (!this.single(v, lookup)) return NOT_MATCHED;
      return MATCHED;
    }
    if (op.set === "ForAnyValue") {
      if (value === undefined)
        return R(
          op.ifExists,
          op.ifExists ? "key absent: true (IfExists)" : "key absent: false (ForAnyValue)",
        );
      const values = typeof value === "string" ? [value] : value;
      for (const v of values) if (this.single(v, lookup)) return MATCHED;
      return NOT_MATCHED;
    }
    if (value === undefined) {
      if (op.ifExists) return R(true, "key absent: true (IfExists)");
      if (this.negated) return R(true, "key absent: true (negated operator)");
      return R(false, "key absent: false");
    }
    // A single-valued operator on a multi-valued key does not match; use a set operator.
    if (typeof value !== "string") return R(false, "multi-valued key without set operator: false");
    return this.single(value, lookup) ? MATCHED : NOT_MATCHED;
  }
}
