/**
 * IAM policy documents parsed and compiled once: lower-cased action patterns into sets and regular
 * expressions, resource patterns into globs, conditions into operator closures. Strings may still hold
 * Terraform symbols (`${aws_s3_bucket.state.arn}`); those are resolved per request through bindings.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import {
  TfIndeterminate,
  TfJson,
  TfSymbol,
  TfTemplate,
  type TfLocation,
  type TfValue,
} from "../terraform/model";
import { isObject } from "../terraform/read";
import { CompiledCondition, parseOperator } from "./conditions";
import { Glob, anchored, expandPattern } from "./glob";

export const POLICY_KINDS = ["identity", "boundary", "scp", "resource", "trust", "session"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** A string of the policy that may hold Terraform symbols. */
export type PolicyText = string | TfSymbol | TfTemplate;

/** Symbol key → concrete value. */
export type Bindings = ReadonlyMap<string, string>;

/** Resolves a policy string; a symbol without binding yields the symbol key in `missing`. */
export function resolveText(t: PolicyText, bindings: Bindings): { value: string } | { missing: string } {
  if (typeof t === "string") return { value: t };
  if (t instanceof TfSymbol) {
    const v = bindings.get(t.key);
    return v === undefined ? { missing: t.key } : { value: v };
  }
  let out = "";
  for (const p of t.parts) {
    if (typeof p === "string") out += p;
    else {
      const v = bindings.get(p.key);
      if (v === undefined) return { missing: p.key };
      out += v;
    }
  }
  return { value: out };
}

export function displayText(t: PolicyText): string {
  return typeof t === "string" ? t : t.toString();
}

export class PolicyError extends Error {}

export class ActionMatcher {
  private readonly any: boolean;
  private readonly exact: ReadonlySet<string>;
  /** Wildcard patterns by their literal service prefix (`iam:create*` under `iam`), so an action is tested only against its service's patterns. */
  private readonly byService: ReadonlyMap<string, readonly RegExp[]>;
  /** Patterns whose service part holds a wildcard. */
  private readonly anyService: readonly RegExp[];
  constructor(readonly raw: readonly string[]) {
    const exact = new Set<string>();
    const byService = new Map<string, RegExp[]>();
    const anyService: RegExp[] = [];
    let any = false;
    for (const a of raw) {
      const l = a.toLowerCase();
      if (l === "*") any = true;
      else if (l.includes("*") || l.includes("?")) {
        const re = anchored(expandPattern(l, null, true) as string, true);
        const colon = l.indexOf(":");
        const service = colon === -1 ? undefined : l.slice(0, colon);
        if (service === undefined || service.includes("*") || service.includes("?")) anyService.push(re);
        else {
          const list = byService.get(service);
          if (list) list.push(re);
          else byService.set(service, [re]);
        }
      } else exact.add(l);
    }
    this.any = any;
    this.exact = exact;
    this.byService = byService;
    this.anyService = anyService;
  }
  /** `action` must be lower-cased. Actions are case-insensitive: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html */
  matches(action: string): boolean {
    if (this.any || this.exact.has(action)) return true;
    if (this.byService.size) {
      const colon = action.indexOf(":");
      const patterns = this.byService.get(colon === -1 ? action : action.slice(0, colon));
      if (patterns) for (const p of patterns) if (p.test(action)) return true;
    }
    for (const p of this.anyService) if (p.test(action)) return true;
    return false;
  }
}

/** A Resource entry: a glob, compiled now when literal, or at request time when it holds a symbol. */
export interface ResourcePattern {
  readonly text: PolicyText;
  readonly glob: Glob | undefined;
}

export interface PrincipalSpec {
  /** `"*"` or `{"AWS": "*"}`. */
  readonly any: boolean;
  readonly aws: readonly PolicyText[];
  readonly federated: readonly PolicyText[];
  readonly service: readonly PolicyText[];
  readonly canonicalUser: readonly PolicyText[];
}

export interface CompiledStatement {
  readonly policyId: string;
  readonly kind: PolicyKind;
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: "Allow" | "Deny";
  readonly actions: ActionMatcher | undefined;
  readonly notAction: boolean;
  readonly resources: readonly ResourcePattern[] | undefined;
  readonly notResource: boolean;
  readonly principal: PrincipalSpec | undefined;
  readonly notPrincipal: boolean;
  readonly conditions: readonly CompiledCondition[];
  /** Set when a condition value could not be read (computed value): the statement is indeterminate when it would otherwise apply. */
  readonly problem: string | undefined;
}

export interface CompiledPolicy {
  /** Terraform address (`aws_iam_policy.force_mfa`, `aws_iam_role.admin#inline:name`) or ARN. */
  readonly id: string;
  readonly kind: PolicyKind;
  readonly statements: readonly CompiledStatement[];
  /** The whole policy could not be read; evaluations that need it are indeterminate with this reason. */
  readonly problem: string | undefined;
  readonly location: TfLocation | undefined;
}

export function unreadablePolicy(
  id: string,
  kind: PolicyKind,
  problem: string,
  location?: TfLocation,
): CompiledPolicy {
  return { id, kind, statements: [], problem, location };
}

function where(loc: TfLocation | undefined, path: string): string {
  return loc ? `${loc.stack}: ${loc.address}${loc.path ? ` ${loc.path}` : ""} ${path}` : path;
}

function asList(v: TfValue | undefined): readonly TfValue[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v as TfValue];
}

function text(v: TfValue, path: string, loc: TfLocation | undefined): PolicyText {
  if (typeof v === "string" || v instanceof TfSymbol || v instanceof TfTemplate) return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof TfIndeterminate) throw new PolicyError(v.toString());
  throw new PolicyError(`${where(loc, path)}: expected a string`);
}

function literal(v: TfValue, path: string, loc: TfLocation | undefined): string {
  const t = text(v, path, loc);
  if (typeof t !== "string")
    throw new PolicyError(`${where(loc, path)}: ${t} is computed by Terraform and must be known here`);
  return t;
}

/** Keys of a policy document are case-sensitive per the grammar, but IAM accepts any case for element names; we accept the documented spelling only. */
function field(o: Readonly<Record<string, TfValue>>, name: string): TfValue | undefined {
  const v = o[name];
  return v === null ? undefined : v;
}

/** Reads a policy value as the loader gives it: a JSON string, or `TfJson` with symbols inside. */
export function documentValue(v: TfValue | undefined, loc: TfLocation | undefined): TfValue {
  if (v instanceof TfJson) return v.value;
  if (typeof v === "string") {
    try {
      return JSON.parse(v) as TfValue;
    } catch (e) {
      throw new PolicyError(`${where(loc, "")}: the policy is not valid JSON (${(e as Error).message})`);
    }
  }
  if (v instanceof TfIndeterminate) throw new PolicyError(v.toString());
  if (v instanceof TfSymbol || v instanceof TfTemplate)
    throw new PolicyError(
      `${where(loc, "")}: the policy document ${v} is computed by Terraform and could not be read`,
    );
  if (isObject(v)) return v;
  throw new PolicyError(`${where(loc, "")}: expected a policy document`);
}

function parsePrincipal(v: TfValue, path: string, loc: TfLocation | undefined): PrincipalSpec {
  if (v === "*") return { any: true, aws: [], federated: [], service: [], canonicalUser: [] };
  if (!isObject(v))
    throw new PolicyError(`${where(loc, path)}: expected "*" or an object of principal types`);
  const spec = {
    any: false,
    aws: [] as PolicyText[],
    federated: [] as PolicyText[],
    service: [] as PolicyText[],
    canonicalUser: [] as PolicyText[],
  };
  for (const [type, ids] of Object.entries(v)) {
    const list = asList(ids).map((id, i) => text(id, `${path}.${type}[${i}]`, loc));
    if (type === "AWS") {
      if (list.includes("*")) spec.any = true;
      spec.aws.push(...list.filter((x) => x !== "*"));
    } else if (type === "Federated") spec.federated.push(...list);
    else if (type === "Service") spec.service.push(...list);
    else if (type === "CanonicalUser") spec.canonicalUser.push(...list);
    else
      throw new PolicyError(
        `${where(loc, path)}: unknown principal type ${type} (allowed: AWS, Federated, Service, CanonicalUser)`,
      );
  }
  return spec;
}

function parseConditions(
  v: TfValue | undefined,
  path: string,
  loc: TfLocation | undefined,
): CompiledCondition[] {
  if (v === undefined) return [];
  if (!isObject(v)) throw new PolicyError(`${where(loc, path)}: expected an object of operators`);
  const out: CompiledCondition[] = [];
  for (const [opName, block] of Object.entries(v)) {
    const op = parseOperator(opName);
    if (!op)
      throw new PolicyError(`${where(loc, `${path}.${opName}`)}: unsupported condition operator ${opName}`);
    if (op.base === "Null" && opName.toLowerCase().endsWith("ifexists"))
      throw new PolicyError(`${where(loc, `${path}.${opName}`)}: Null cannot take IfExists`);
    if (!isObject(block))
      throw new PolicyError(`${where(loc, `${path}.${opName}`)}: expected an object of condition keys`);
    for (const [key, values] of Object.entries(block)) {
      const vals = asList(values).map((x, i) => literal(x, `${path}.${opName}.${key}[${i}]`, loc));
      out.push(new CompiledCondition(opName, op, key, vals));
    }
  }
  return out;
}

function pair(
  o: Readonly<Record<string, TfValue>>,
  a: string,
  b: string,
  path: string,
  loc: TfLocation | undefined,
): [TfValue | undefined, boolean] {
  const va = field(o, a);
  const vb = field(o, b);
  if (va !== undefined && vb !== undefined) throw new PolicyError(`${where(loc, path)}: both ${a} and ${b}`);
  return va !== undefined ? [va, false] : [vb, vb !== undefined];
}

/** Compiles one document; a malformed document throws PolicyError naming the location and path. */
export function compilePolicy(id: string, kind: PolicyKind, doc: TfValue, loc?: TfLocation): CompiledPolicy {
  if (!isObject(doc)) throw new PolicyError(`${where(loc, "")}: a policy document must be an object`);
  const raw = field(doc, "Statement");
  if (raw === undefined) throw new PolicyError(`${where(loc, "Statement")}: missing`);
  const statements = asList(raw).map((s, index) => compileStatement(id, kind, s, index, loc));
  return { id, kind, statements, problem: undefined, location: loc };
}

function compileStatement(
  id: string,
  kind: PolicyKind,
  s: TfValue,
  index: number,
  loc: TfLocation | undefined,
): CompiledStatement {
  const path = `Statement[${index}]`;
  if (!isObject(s)) throw new PolicyError(`${where(loc, path)}: expected an object`);
  const effect = field(s, "Effect");
  if (effect !== "Allow" && effect !== "Deny")
    throw new PolicyError(`${where(loc, `${path}.Effect`)}: must be "Allow" or "Deny"`);
  const sidValue = field(s, "Sid");
  const sid = sidValue === undefined ? undefined : literal(sidValue, `${path}.Sid`, loc);

  const [actionValue, notAction] = pair(s, "Action", "NotAction", path, loc);
  if (actionValue === undefined) throw new PolicyError(`${where(loc, path)}: needs Action or NotAction`);
  const actions = new ActionMatcher(
    asList(actionValue).map((a, i) => literal(a, `${path}.${notAction ? "NotAction" : "Action"}[${i}]`, loc)),
  );

  const [resourceValue, notResource] = pair(s, "Resource", "NotResource", path, loc);
  let resources: ResourcePattern[] | undefined;
  if (resourceValue !== undefined) {
    resources = asList(resourceValue).map((r, i) => {
      const t = text(r, `${path}.${notResource ? "NotResource" : "Resource"}[${i}]`, loc);
      return { text: t, glob: typeof t === "string" ? new Glob(t, false) : undefined };
    });
  } else if (kind !== "trust") throw new PolicyError(`${where(loc, path)}: needs Resource or NotResource`);

  const [principalValue, notPrincipal] = pair(s, "Principal", "NotPrincipal", path, loc);
  const principalBased = kind === "resource" || kind === "trust";
  if (principalBased && principalValue === undefined)
    throw new PolicyError(`${where(loc, path)}: a ${kind} policy statement needs Principal or NotPrincipal`);
  if (!principalBased && principalValue !== undefined)
    throw new PolicyError(`${where(loc, path)}: a ${kind} policy cannot name a Principal`);
  const principal =
    principalValue === undefined
      ? undefined
      : parsePrincipal(principalValue, `${path}.${notPrincipal ? "NotPrincipal" : "Principal"}`, loc);

  let conditions: CompiledCondition[] = [];
  let problem: string | undefined;
  try {
    conditions = parseConditions(field(s, "Condition"), `${path}.Condition`, loc);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    problem = e.message;
  }
  return {
    policyId: id,
    kind,
    index,
    sid,
    effect,
    actions,
    notAction,
    resources,
    notResource,
    principal,
    notPrincipal,
    conditions,
    problem,
  };
}
