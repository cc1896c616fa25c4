/**
 * The documented IAM policy evaluation logic.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 *
 * Normalised outcome: `allow` when allowed; otherwise the request is evaluated again with MFA present
 * and fresh (aws:MultiFactorAuthAge 0) — if that allows, the outcome is `mfa`, requiring `mfa` when an
 * old MFA (129600 s, the longest GetSessionToken session) would also do and `fresh-mfa` otherwise.
 * A caller that cannot present MFA (web identity) gets `deny`.
 */
import type { Requirement, TraceEntry, Verdict } from "../decision";
import type { ContextValue } from "./conditions";
import type { AwsRequest } from "./context";
import type { AwsModel } from "./model";
import { Glob, type VariableLookup } from "./glob";
import { resolveText, type CompiledPolicy, type CompiledStatement, type PolicyKind } from "./policy";
import { prepareRequest, type PreparedRequest } from "./request";

export type AwsDecisionKind = "allow" | "explicitDeny" | "implicitDeny";

export interface StatementRef {
  /** Terraform address or ARN of the policy. */
  readonly policy: string;
  readonly kind: PolicyKind;
  readonly sid: string | undefined;
  readonly index: number;
  readonly effect: "Allow" | "Deny";
}

export interface StatementExplanation extends StatementRef {
  readonly applies: "yes" | "no" | "unknown";
  /** Which element decided, with the resolved values. */
  readonly detail: string;
}

export interface AwsDecision {
  readonly decision: AwsDecisionKind;
  /** The statements that decided: the explicit denies, or the allows that granted; empty for an implicit deny. */
  readonly deciding: readonly StatementRef[];
  /** Why, in one line (which policy layer allowed or failed to). */
  readonly reason: string;
  readonly verdict: Verdict;
  /** Every statement considered, when `trace` was asked for. */
  readonly statements: readonly StatementExplanation[];
  readonly trace: readonly TraceEntry[];
  /** The request context the policies saw (sugar applied), for reports and cross-checks. */
  readonly context: Readonly<Record<string, ContextValue>>;
}

export interface EvaluateAwsOptions {
  readonly trace?: boolean;
}

const NO = 0;
const YES = 1;
const UNK = 2;
type Tri = typeof NO | typeof YES | typeof UNK;

type PrincipalMatch = "Match" | "SessionRoleMatch" | "AccountLevelMatch" | "NoMatch";

interface Env {
  readonly p: PreparedRequest;
  /** Unknowns of the statement being evaluated; they count only if the rest of the statement matches. */
  pending: string[];
  readonly lookup: VariableLookup;
  readonly unknowns: string[];
  readonly explain: StatementExplanation[] | undefined;
}

const globCache = new Map<string, Glob>();
function dynamicGlob(pattern: string): Glob {
  let g = globCache.get(pattern);
  if (!g) {
    if (globCache.size > 20_000) globCache.clear();
    g = new Glob(pattern, false);
    globCache.set(pattern, g);
  }
  return g;
}

function ref(s: CompiledStatement): StatementRef {
  return { policy: s.policyId, kind: s.kind, sid: s.sid, index: s.index, effect: s.effect };
}

function label(s: CompiledStatement): string {
  return `${s.policyId}#${s.sid ?? s.index}`;
}

function note(env: Env, s: CompiledStatement, applies: Tri, detail: string): void {
  env.explain?.push({ ...ref(s), applies: applies === YES ? "yes" : applies === NO ? "no" : "unknown", detail });
}

function matchResources(s: CompiledStatement, env: Env): Tri {
  if (!s.resources) return YES;
  const resource = env.p.resource;
  let hit = false;
  let unknown: string | undefined;
  for (const r of s.resources) {
    let glob = r.glob;
    if (!glob) {
      const t = resolveText(r.text, env.p.bindings);
      if ("missing" in t) {
        unknown = t.missing;
        continue;
      }
      glob = dynamicGlob(t.value);
    }
    if (glob.test(resource, env.lookup) === true) {
      hit = true;
      break;
    }
  }
  if (hit) return s.notResource ? NO : YES;
  if (unknown !== undefined) {
    env.pending.push(`${label(s)}: ${s.notResource ? "NotResource" : "Resource"} uses ${unknown}, computed by Terraform; bind it to compare with ${resource}`);
    return UNK;
  }
  return s.notResource ? YES : NO;
}

function matchPrincipal(s: CompiledStatement, env: Env): PrincipalMatch | typeof UNK {
  const spec = s.principal;
  if (!spec) return "Match";
  const { caller } = env.p;
  // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a permissions
  // boundary policy attached." https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
  if (s.notPrincipal && s.effect === "Deny" && caller.boundary) return "Match";
  let best: PrincipalMatch = spec.any ? "Match" : "NoMatch";
  let unknown: string | undefined;
  const rank = { Match: 3, SessionRoleMatch: 2, AccountLevelMatch: 1, NoMatch: 0 } as const;
  const consider = (m: PrincipalMatch) => {
    if (rank[m] > rank[best]) best = m;
  };
  if (caller.kind !== "federated") {
    for (const t of spec.aws) {
      const r = resolveText(t, env.p.bindings);
      if ("missing" in r) {
        unknown = r.missing;
        continue;
      }
      const v = r.value;
      if (v === caller.arn) consider("Match");
      else if (caller.roleArn !== undefined && v === caller.roleArn) consider("SessionRoleMatch");
      else if (v === caller.account || v === `arn:aws:iam::${caller.account}:root`) consider("AccountLevelMatch");
    }
  } else {
    for (const t of spec.federated) {
      const r = resolveText(t, env.p.bindings);
      if ("missing" in r) unknown = r.missing;
      else if (r.value === caller.arn) consider("Match");
    }
  }
  if (best === "NoMatch" && unknown !== undefined) {
    env.pending.push(`${label(s)}: ${s.notPrincipal ? "NotPrincipal" : "Principal"} uses ${unknown}, computed by Terraform; bind it to compare with ${caller.arn}`);
    return UNK;
  }
  if (s.notPrincipal) return best === "NoMatch" ? "Match" : "NoMatch";
  return best;
}

interface StatementOutcome {
  readonly applies: Tri;
  readonly principal: PrincipalMatch;
}

const NOT_APPLIES: StatementOutcome = { applies: NO, principal: "NoMatch" };

function evaluateStatement(s: CompiledStatement, env: Env): StatementOutcome {
  const explain = env.explain !== undefined;
  env.pending.length = 0;
  const actionHit = s.actions ? s.actions.matches(env.p.action) !== s.notAction : true;
  if (!actionHit) {
    if (explain) note(env, s, NO, `${s.notAction ? "NotAction lists" : "Action does not match"} ${env.p.request.action}`);
    return NOT_APPLIES;
  }
  const res = matchResources(s, env);
  if (res === NO) {
    if (explain) note(env, s, NO, `${s.notResource ? "NotResource lists" : "Resource does not match"} ${env.p.resource}`);
    return NOT_APPLIES;
  }
  const principal = matchPrincipal(s, env);
  if (principal === "NoMatch") {
    if (explain) note(env, s, NO, `${s.notPrincipal ? "NotPrincipal names" : "Principal does not name"} ${env.p.caller.arn}`);
    return NOT_APPLIES;
  }
  const details: string[] = [];
  for (const c of s.conditions) {
    const value = env.p.context.get(c.key);
    const r = c.evaluate(value, env.lookup);
    if (explain) details.push(`${c.operatorName} ${c.keyName} ${JSON.stringify(c.values)} vs ${value === undefined ? "(absent)" : JSON.stringify(value)}: ${r.outcome}`);
    if (!r.matched) {
      if (explain) note(env, s, NO, `condition failed: ${details[details.length - 1]}`);
      return NOT_APPLIES;
    }
  }
  if (s.problem) {
    env.unknowns.push(s.problem);
    if (explain) note(env, s, UNK, s.problem);
    return { applies: UNK, principal: "NoMatch" };
  }
  const applies: Tri = res === UNK || principal === UNK ? UNK : YES;
  if (applies === UNK) env.unknowns.push(...env.pending);
  const p: PrincipalMatch = principal === UNK ? "NoMatch" : principal;
  if (explain) note(env, s, applies, details.length ? `matched; ${details.join("; ")}` : "matched");
  return { applies, principal: p };
}

interface LayerResult {
  readonly allows: CompiledStatement[];
  readonly denies: CompiledStatement[];
  readonly allowPrincipal: Map<CompiledStatement, PrincipalMatch>;
}

function evaluateLayer(policies: readonly CompiledPolicy[], env: Env): LayerResult {
  const out: LayerResult = { allows: [], denies: [], allowPrincipal: new Map() };
  for (const policy of policies) {
    if (policy.problem) {
      env.unknowns.push(policy.problem);
      continue;
    }
    for (const s of policy.statements) {
      const r = evaluateStatement(s, env);
      if (r.applies !== YES) continue;
      if (s.effect === "Deny") out.denies.push(s);
      else {
        out.allows.push(s);
        out.allowPrincipal.set(s, r.principal);
      }
    }
  }
  return out;
}

/**
 * "No permissions are required for a user to get a session token" and sts:GetCallerIdentity "can still
 * be performed" when denied.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
const UNDENIABLE = new Set(["sts:getsessiontoken", "sts:getcalleridentity"]);

interface Core {
  readonly decision: AwsDecisionKind;
  readonly deciding: readonly CompiledStatement[];
  readonly reason: string;
  readonly trace: TraceEntry[];
}

function decide(p: PreparedRequest, env: Env, trace: boolean): Core {
  const { caller } = p;
  const traceOut: TraceEntry[] = [];
  const layer = (name: string, policies: readonly CompiledPolicy[]): LayerResult => {
    const before = env.explain?.length ?? 0;
    const r = evaluateLayer(policies, env);
    if (trace) {
      const children = (env.explain ?? []).slice(before).map((e) => ({ subject: `${e.policy}#${e.sid ?? e.index}`, result: e.applies === "yes" ? `applies (${e.effect})` : e.applies === "no" ? "does not apply" : "unknown", detail: e.detail }));
      const result = r.denies.length ? "explicit deny" : r.allows.length ? "allows" : policies.length ? "no statement applies" : "no policies";
      traceOut.push({ subject: name, result, children });
    }
    return r;
  };

  if (UNDENIABLE.has(p.action) && caller.kind !== "federated") {
    return { decision: "allow", deciding: [], reason: `${p.request.action} needs no permission and cannot be denied by policy`, trace: traceOut };
  }

  const identity = layer("identity policies", caller.kind === "root" ? [] : caller.policies);
  const boundary = caller.boundary ? layer("permissions boundary", [caller.boundary]) : undefined;
  const session = caller.sessionPolicy ? layer("session policy", [caller.sessionPolicy]) : undefined;
  const resource = p.resourcePolicy ? layer(p.resourcePolicy.kind === "trust" ? "role trust policy" : "resource policy", [p.resourcePolicy]) : undefined;
  const scps = p.scpLevels?.map((level) => ({ level, result: layer(`SCPs at ${level.target}`, level.policies) }));

  // 1. Explicit deny anywhere wins.
  const denies = [
    ...(scps?.flatMap((s) => s.result.denies) ?? []),
    ...(resource?.denies ?? []),
    ...identity.denies,
    ...(boundary?.denies ?? []),
    ...(session?.denies ?? []),
  ];
  if (denies.length) return { decision: "explicitDeny", deciding: denies, reason: `explicitly denied by ${denies.map(label).join(", ")}`, trace: traceOut };

  // 2. SCPs: every level from the root to the account must allow.
  if (scps) {
    const missing = scps.find((s) => s.result.allows.length === 0);
    if (missing) return { decision: "implicitDeny", deciding: [], reason: `no SCP attached at ${missing.level.target} allows ${p.request.action}`, trace: traceOut };
  }

  const identityAllows = caller.kind === "root" ? [] : identity.allows;
  const identityAllowed = caller.kind === "root" || identityAllows.length > 0;
  const boundaryAllowed = !boundary || boundary.allows.length > 0;
  const sessionAllowed = !session || session.allows.length > 0;
  const resourceAllows = resource?.allows ?? [];
  const byPrincipal = (m: PrincipalMatch) => resourceAllows.filter((s) => resource?.allowPrincipal.get(s) === m);
  const exact = byPrincipal("Match");
  const roleMatch = byPrincipal("SessionRoleMatch");
  const accountLevel = byPrincipal("AccountLevelMatch");
  const sameAccount = caller.account === p.resourceAccount;
  const allow = (deciding: CompiledStatement[], reason: string): Core => ({ decision: "allow", deciding, reason, trace: traceOut });
  const implicit = (reason: string): Core => ({ decision: "implicitDeny", deciding: [], reason, trace: traceOut });

  if (caller.kind === "federated") {
    if (exact.length) return allow(exact, "the role trust policy allows the federated principal");
    return implicit(`no trust policy statement allows ${caller.arn}`);
  }

  if (!sameAccount) {
    // Cross-account: the principal's side and the resource's side must both allow.
    const resourceSide = [...exact, ...roleMatch, ...accountLevel];
    if (!identityAllowed) return implicit(`cross-account: no identity policy of ${caller.arn} allows ${p.request.action}`);
    if (!boundaryAllowed) return implicit(`cross-account: the permissions boundary does not allow ${p.request.action}`);
    if (!sessionAllowed) return implicit(`cross-account: the session policy does not allow ${p.request.action}`);
    if (!resourceSide.length) return implicit(`cross-account: no resource policy of ${p.resource} allows ${caller.arn}`);
    return allow([...identityAllows, ...resourceSide], "allowed by both accounts");
  }

  // Same account. A resource policy naming the principal can grant on its own, within the limits the
  // evaluation-logic page gives by principal type; an account-level grant delegates to identity policies.
  // For role trust policies (sts:AssumeRole…) the trust policy must allow the principal or its account.
  const trustDelegates = !(p.resourcePolicy && p.resourcePolicy.kind === "trust") || accountLevel.length > 0;
  if (identityAllowed && trustDelegates && boundaryAllowed && sessionAllowed) {
    return allow([...identityAllows, ...(p.resourcePolicy?.kind === "trust" ? accountLevel : [])], "allowed by identity policies");
  }
  // IAM user ARN or role session ARN named: "not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy".
  if (exact.length && (caller.kind === "user" || caller.kind === "role-session")) return allow(exact, "the resource policy names the principal");
  if (exact.length && boundaryAllowed && sessionAllowed) return allow(exact, "the resource policy allows the principal");
  // Role ARN named: "limited by an implicit deny in a permissions boundary or session policy".
  if (roleMatch.length && boundaryAllowed && sessionAllowed) return allow(roleMatch, "the resource policy names the role");
  if (!identityAllowed) return implicit(resource ? `neither an identity policy nor ${p.resourcePolicy?.id} allows ${p.request.action}` : `no identity policy allows ${p.request.action}`);
  if (!trustDelegates) return implicit(`the trust policy ${p.resourcePolicy?.id} does not allow ${caller.arn} or its account`);
  if (!boundaryAllowed) return implicit(`the permissions boundary ${caller.boundary?.id} does not allow ${p.request.action}`);
  return implicit(`the session policy does not allow ${p.request.action}`);
}

function run(p: PreparedRequest, trace: boolean): { core: Core; unknowns: string[]; explain: StatementExplanation[] } {
  const explain: StatementExplanation[] = [];
  const unknowns: string[] = [...p.model.problems, ...p.problems];
  const lookup: VariableLookup = (key) => {
    const v = p.context.get(key.toLowerCase());
    return typeof v === "string" ? v : undefined;
  };
  const env: Env = { p, lookup, unknowns, pending: [], explain: trace ? explain : undefined };
  return { core: decide(p, env, trace), unknowns, explain };
}

/** The MFA age at which an MFA counts as "old": the longest GetSessionToken session (36 h). */
const OLD_MFA_SECONDS = 129_600;

function verdictOf(model: AwsModel, request: AwsRequest, core: Core, unknowns: readonly string[]): Verdict {
  if (unknowns.length) return { outcome: "indeterminate", indeterminate: [...new Set(unknowns)], summary: `cannot decide: ${unknowns[0]}` };
  if (core.decision === "allow") return { outcome: "allow", summary: core.reason };
  const canMfa = request.credentials !== "web-identity" && !(request.principal.includes("oidc-provider") || model.oidcProviders.has(request.principal));
  if (canMfa) {
    const fresh = run(prepareRequest(model, request, { age: 0 }), false);
    if (fresh.core.decision === "allow" && !fresh.unknowns.length) {
      const old = run(prepareRequest(model, request, { age: OLD_MFA_SECONDS }), false);
      const requires: Requirement[] = old.core.decision === "allow" ? ["mfa"] : ["fresh-mfa"];
      return { outcome: "mfa", requires, summary: `${core.reason}; allowed with ${requires[0] === "mfa" ? "MFA" : "a fresh MFA"}` };
    }
  }
  return { outcome: "deny", summary: core.reason };
}

/** Evaluates one request: pure and synchronous. `request` must have been parsed by `parseAwsRequest`. */
export function evaluateAws(model: AwsModel, request: AwsRequest, options: EvaluateAwsOptions = {}): AwsDecision {
  const trace = options.trace === true;
  const p = prepareRequest(model, request);
  const { core, unknowns, explain } = run(p, trace);
  return {
    decision: core.decision,
    deciding: core.deciding.map(ref),
    reason: core.reason,
    verdict: verdictOf(model, request, core, unknowns),
    statements: explain,
    trace: trace ? [{ subject: `${request.principal} ${request.action} ${p.resource}`, result: core.decision, detail: core.reason, children: core.trace }] : [],
    context: p.contextDisplay,
  };
}
