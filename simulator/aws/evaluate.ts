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
import {
  contextDisplay,
  isMfaKey,
  MFA_AGE_KEY,
  prepareRequest,
  withMfa,
  type PreparedRequest,
  type ScpLevel,
} from "./request";

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
  /** Whether a condition or policy variable consulted aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge; if not, MFA cannot change the decision. */
  mfaRead: boolean;
  /** Whether aws:MultiFactorAuthAge was consulted; if not, the age of the MFA cannot change the decision. */
  ageRead: boolean;
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
  env.explain?.push({
    ...ref(s),
    applies: applies === YES ? "yes" : applies === NO ? "no" : "unknown",
    detail,
  });
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
    env.pending.push(
      `${label(s)}: ${s.notResource ? "NotResource" : "Resource"} uses ${unknown}, computed by Terraform; bind it to compare with ${resource}`,
    );
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
      else if (v === caller.account || v === `arn:aws:iam::${caller.account}:root`)
        consider("AccountLevelMatch");
    }
  } else {
    for (const t of spec.federated) {
      const r = resolveText(t, env.p.bindings);
      if ("missing" in r) unknown = r.missing;
      else if (r.value === caller.arn) consider("Match");
    }
  }
  if (best === "NoMatch" && unknown !== undefined) {
    env.pending.push(
      `${label(s)}: ${s.notPrincipal ? "NotPrincipal" : "Principal"} uses ${unknown}, computed by Terraform; bind it to compare with ${caller.arn}`,
    );
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
const UNKNOWN_NO_PRINCIPAL: StatementOutcome = { applies: UNK, principal: "NoMatch" };
const PRINCIPAL_MATCHES: readonly PrincipalMatch[] = [
  "Match",
  "SessionRoleMatch",
  "AccountLevelMatch",
  "NoMatch",
];
/** Statement outcomes are shared constants: evaluation allocates none. */
const OUTCOME_OF = new Map<Tri, Map<PrincipalMatch, StatementOutcome>>(
  ([YES, UNK] as const).map((applies) => [
    applies,
    new Map(PRINCIPAL_MATCHES.map((principal) => [principal, { applies, principal }])),
  ]),
);

function evaluateStatement(s: CompiledStatement, env: Env): StatementOutcome {
  const explain = env.explain !== undefined;
  if (env.pending.length) env.pending.length = 0;
  const actionHit = s.actions ? s.actions.matches(env.p.action) !== s.notAction : true;
  if (!actionHit) {
    if (explain)
      note(
        env,
        s,
        NO,
        `${s.notAction ? "NotAction lists" : "Action does not match"} ${env.p.request.action}`,
      );
    return NOT_APPLIES;
  }
  const res = matchResources(s, env);
  if (res === NO) {
    if (explain)
      note(
        env,
        s,
        NO,
        `${s.notResource ? "NotResource lists" : "Resource does not match"} ${env.p.resource}`,
      );
    return NOT_APPLIES;
  }
  const principal = matchPrincipal(s, env);
  if (principal === "NoMatch") {
    if (explain)
      note(
        env,
        s,
        NO,
        `${s.notPrincipal ? "NotPrincipal names" : "Principal does not name"} ${env.p.caller.arn}`,
      );
    return NOT_APPLIES;
  }
  const details: string[] | undefined = explain ? [] : undefined;
  for (const c of s.conditions) {
    if (isMfaKey(c.key)) {
      env.mfaRead = true;
      if (c.key === MFA_AGE_KEY) env.ageRead = true;
    }
    const value = env.p.context.get(c.key);
    const r = c.evaluate(value, env.lookup);
    if (details)
      details.push(
        `${c.operatorName} ${c.keyName} ${JSON.stringify(c.values)} vs ${value === undefined ? "(absent)" : JSON.stringify(value)}: ${r.outcome}`,
      );
    if (!r.matched) {
      if (details) note(env, s, NO, `condition failed: ${details[details.length - 1]}`);
      return NOT_APPLIES;
    }
  }
  if (s.problem) {
    env.unknowns.push(s.problem);
    if (explain) note(env, s, UNK, s.problem);
    return UNKNOWN_NO_PRINCIPAL;
  }
  const applies: Tri = res === UNK || principal === UNK ? UNK : YES;
  if (applies === UNK) env.unknowns.push(...env.pending);
  const p: PrincipalMatch = principal === UNK ? "NoMatch" : principal;
  if (details) note(env, s, applies, details.length ? `matched; ${details.join("; ")}` : "matched");
  return (OUTCOME_OF.get(applies) as Map<PrincipalMatch, StatementOutcome>).get(p) as StatementOutcome;
}

const NONE: readonly CompiledStatement[] = [];

interface LayerResult {
  readonly allows: readonly CompiledStatement[];
  readonly denies: readonly CompiledStatement[];
  /** How each allow's Principal matched, in the order of `allows`. */
  readonly allowPrincipal: readonly PrincipalMatch[];
}

const EMPTY_LAYER: LayerResult = { allows: NONE, denies: NONE, allowPrincipal: [] };

function evaluateLayer(policies: readonly CompiledPolicy[], env: Env): LayerResult {
  let allows: CompiledStatement[] | undefined;
  let denies: CompiledStatement[] | undefined;
  let principals: PrincipalMatch[] | undefined;
  for (const policy of policies) {
    if (policy.problem) {
      env.unknowns.push(policy.problem);
      continue;
    }
    for (const s of policy.statements) {
      const r = evaluateStatement(s, env);
      if (r.applies !== YES) continue;
      if (s.effect === "Deny") (denies ??= []).push(s);
      else {
        (allows ??= []).push(s);
        (principals ??= []).push(r.principal);
      }
    }
  }
  if (!allows && !denies) return EMPTY_LAYER;
  return { allows: allows ?? NONE, denies: denies ?? NONE, allowPrincipal: principals ?? [] };
}

/** Evaluates one layer of policies; with `traceOut`, records what each statement concluded. */
function layer(
  name: string,
  policies: readonly CompiledPolicy[],
  env: Env,
  traceOut: TraceEntry[] | undefined,
): LayerResult {
  if (!traceOut) return evaluateLayer(policies, env);
  const before = env.explain?.length ?? 0;
  const r = evaluateLayer(policies, env);
  const children = (env.explain ?? []).slice(before).map((e) => ({
    subject: `${e.policy}#${e.sid ?? e.index}`,
    result: e.applies === "yes" ? `applies (${e.effect})` : e.applies === "no" ? "does not apply" : "unknown",
    detail: e.detail,
  }));
  const result = r.denies.length
    ? "explicit deny"
    : r.allows.length
      ? "allows"
      : policies.length
        ? "no statement applies"
        : "no policies";
  traceOut.push({ subject: name, result, children });
  return r;
}

function allowsMatching(r: LayerResult | undefined, m: PrincipalMatch): CompiledStatement[] {
  const out: CompiledStatement[] = [];
  if (r) for (let i = 0; i < r.allows.length; i++) if (r.allowPrincipal[i] === m) out.push(r.allows[i]);
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

function allowed(deciding: readonly CompiledStatement[], reason: string, trace: TraceEntry[]): Core {
  return { decision: "allow", deciding, reason, trace };
}

function implicitDeny(reason: string, trace: TraceEntry[]): Core {
  return { decision: "implicitDeny", deciding: NONE, reason, trace };
}

function decide(p: PreparedRequest, env: Env, trace: boolean): Core {
  const { caller } = p;
  const traceOut: TraceEntry[] = [];
  const t = trace ? traceOut : undefined;

  if (UNDENIABLE.has(p.action) && caller.kind !== "federated") {
    return {
      decision: "allow",
      deciding: [],
      reason: `${p.request.action} needs no permission and cannot be denied by policy`,
      trace: traceOut,
    };
  }

  const identity = layer("identity policies", caller.kind === "root" ? [] : caller.policies, env, t);
  const boundary = caller.boundary ? layer("permissions boundary", [caller.boundary], env, t) : undefined;
  const session = caller.sessionPolicy ? layer("session policy", [caller.sessionPolicy], env, t) : undefined;
  const resource = p.resourcePolicy
    ? layer(
        p.resourcePolicy.kind === "trust" ? "role trust policy" : "resource policy",
        [p.resourcePolicy],
        env,
        t,
      )
    : undefined;
  let scps: { level: ScpLevel; result: LayerResult }[] | undefined;
  let scpDenies = false;
  if (p.scpLevels) {
    scps = [];
    for (const level of p.scpLevels) {
      const result = layer(`SCPs at ${level.target}`, level.policies, env, t);
      if (result.denies.length) scpDenies = true;
      scps.push({ level, result });
    }
  }

  // 1. Explicit deny anywhere wins.
  const anyDeny =
    scpDenies ||
    resource?.denies.length ||
    identity.denies.length ||
    boundary?.denies.length ||
    session?.denies.length;
  const denies = anyDeny
    ? [
        ...(scps?.flatMap((s) => s.result.denies) ?? []),
        ...(resource?.denies ?? []),
        ...identity.denies,
        ...(boundary?.denies ?? []),
        ...(session?.denies ?? []),
      ]
    : NONE;
  if (denies.length)
    return {
      decision: "explicitDeny",
      deciding: denies,
      reason: `explicitly denied by ${denies.map(label).join(", ")}`,
      trace: traceOut,
    };

  // 2. SCPs: every level from the root to the account must allow.
  if (scps) {
    const missing = scps.find((s) => s.result.allows.length === 0);
    if (missing)
      return {
        decision: "implicitDeny",
        deciding: [],
        reason: `no SCP attached at ${missing.level.target} allows ${p.request.action}`,
        trace: traceOut,
      };
  }

  const identityAllows = caller.kind === "root" ? NONE : identity.allows;
  const identityAllowed = caller.kind === "root" || identityAllows.length > 0;
  const boundaryAllowed = !boundary || boundary.allows.length > 0;
  const sessionAllowed = !session || session.allows.length > 0;
  const exact = allowsMatching(resource, "Match");
  const roleMatch = allowsMatching(resource, "SessionRoleMatch");
  const accountLevel = allowsMatching(resource, "AccountLevelMatch");
  const sameAccount = caller.account === p.resourceAccount;

  if (caller.kind === "federated") {
    if (exact.length) return allowed(exact, "the role trust policy allows the federated principal", traceOut);
    return implicitDeny(`no trust policy statement allows ${caller.arn}`, traceOut);
  }

  if (!sameAccount) {
    // Cross-account: the principal's side and the resource's side must both allow.
    const resourceSide = [...exact, ...roleMatch, ...accountLevel];
    if (!identityAllowed)
      return implicitDeny(
        `cross-account: no identity policy of ${caller.arn} allows ${p.request.action}`,
        traceOut,
      );
    if (!boundaryAllowed)
      return implicitDeny(
        `cross-account: the permissions boundary does not allow ${p.request.action}`,
        traceOut,
      );
    if (!sessionAllowed)
      return implicitDeny(`cross-account: the session policy does not allow ${p.request.action}`, traceOut);
    if (!resourceSide.length)
      return implicitDeny(
        `cross-account: no resource policy of ${p.resource} allows ${caller.arn}`,
        traceOut,
      );
    return allowed([...identityAllows, ...resourceSide], "allowed by both accounts", traceOut);
  }

  // Same account. A resource policy naming the principal can grant on its own, within the limits the
  // evaluation-logic page gives by principal type; an account-level grant delegates to identity policies.
  // For role trust policies (sts:AssumeRole…) the trust policy must allow the principal or its account.
  const trustDelegates = !(p.resourcePolicy && p.resourcePolicy.kind === "trust") || accountLevel.length > 0;
  if (identityAllowed && trustDelegates && boundaryAllowed && sessionAllowed) {
    return allowed(
      [...identityAllows, ...(p.resourcePolicy?.kind === "trust" ? accountLevel : [])],
      "allowed by identity policies",
      traceOut,
    );
  }
  // IAM user ARN or role session ARN named: "not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy".
  if (exact.length && (caller.kind === "user" || caller.kind === "role-session"))
    return allowed(exact, "the resource policy names the principal", traceOut);
  if (exact.length && boundaryAllowed && sessionAllowed)
    return allowed(exact, "the resource policy allows the principal", traceOut);
  // Role ARN named: "limited by an implicit deny in a permissions boundary or session policy".
  if (roleMatch.length && boundaryAllowed && sessionAllowed)
    return allowed(roleMatch, "the resource policy names the role", traceOut);
  if (!identityAllowed)
    return implicitDeny(
      resource
        ? `neither an identity policy nor ${p.resourcePolicy?.id} allows ${p.request.action}`
        : `no identity policy allows ${p.request.action}`,
      traceOut,
    );
  if (!trustDelegates)
    return implicitDeny(
      `the trust policy ${p.resourcePolicy?.id} does not allow ${caller.arn} or its account`,
      traceOut,
    );
  if (!boundaryAllowed)
    return implicitDeny(
      `the permissions boundary ${caller.boundary?.id} does not allow ${p.request.action}`,
      traceOut,
    );
  return implicitDeny(`the session policy does not allow ${p.request.action}`, traceOut);
}

interface Run {
  readonly core: Core;
  readonly unknowns: string[];
  readonly explain: StatementExplanation[];
  readonly mfaRead: boolean;
  readonly ageRead: boolean;
}

function run(p: PreparedRequest, trace: boolean): Run {
  const explain: StatementExplanation[] = [];
  const unknowns: string[] =
    p.model.problems.length || p.problems.length ? [...p.model.problems, ...p.problems] : [];
  const env: Env = {
    p,
    lookup: (key) => {
      const lower = key.toLowerCase();
      if (isMfaKey(lower)) {
        env.mfaRead = true;
        if (lower === MFA_AGE_KEY) env.ageRead = true;
      }
      const v = p.context.get(lower);
      return typeof v === "string" ? v : undefined;
    },
    unknowns,
    pending: [],
    explain: trace ? explain : undefined,
    mfaRead: false,
    ageRead: false,
  };
  const core = decide(p, env, trace);
  return { core, unknowns, explain, mfaRead: env.mfaRead, ageRead: env.ageRead };
}

/**
 * Role-session credentials from sts:AssumeRole carry no MFA information, so no MFA can lift a deny that
 * reads the MFA keys within the session; MFA is checked when the role is assumed.
 */
const ROLE_SESSION_HAS_NO_MFA =
  'role sessions carry no MFA information ("The temporary credentials returned by AssumeRole do not include MFA information in the context", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html), so MFA cannot lift this deny within the session';

function roleSessionWithoutMfaKeys(request: AwsRequest): boolean {
  if (request.credentials !== "assumed-role") return false;
  for (const k in request.context) if (isMfaKey(k.toLowerCase())) return false;
  return true;
}

/** The MFA age at which an MFA counts as "old": the longest GetSessionToken session (36 h). */
const OLD_MFA_SECONDS = 129_600;

/**
 * A denied request is evaluated again with a fresh MFA (and then an old one) only when the first
 * evaluation consulted an MFA key: if none did, the MFA keys cannot change any statement's outcome.
 */
function verdictOf(model: AwsModel, request: AwsRequest, p: PreparedRequest, base: Run): Verdict {
  const { core, unknowns } = base;
  if (unknowns.length)
    return {
      outcome: "indeterminate",
      indeterminate: [...new Set(unknowns)],
      summary: `cannot decide: ${unknowns[0]}`,
    };
  if (core.decision === "allow") return { outcome: "allow", summary: core.reason };
  const canMfa =
    request.credentials !== "web-identity" &&
    !(request.principal.includes("oidc-provider") || model.oidcProviders.has(request.principal));
  if (base.mfaRead && roleSessionWithoutMfaKeys(request))
    return { outcome: "deny", summary: `${core.reason}; ${ROLE_SESSION_HAS_NO_MFA}` };
  if (canMfa && base.mfaRead) {
    const fresh = run(withMfa(p, 0), false);
    if (fresh.core.decision === "allow" && !fresh.unknowns.length) {
      const oldAllows = !fresh.ageRead || run(withMfa(p, OLD_MFA_SECONDS), false).core.decision === "allow";
      const requires: Requirement[] = oldAllows ? ["mfa"] : ["fresh-mfa"];
      return {
        outcome: "mfa",
        requires,
        summary: `${core.reason}; allowed with ${requires[0] === "mfa" ? "MFA" : "a fresh MFA"}`,
      };
    }
  }
  return { outcome: "deny", summary: core.reason };
}

/** A decision; the request context it shows is rendered only when read. */
class Decision implements AwsDecision {
  #display: Readonly<Record<string, ContextValue>> | undefined;
  readonly #prepared: PreparedRequest;
  constructor(
    readonly decision: AwsDecisionKind,
    readonly deciding: readonly StatementRef[],
    readonly reason: string,
    readonly verdict: Verdict,
    readonly statements: readonly StatementExplanation[],
    readonly trace: readonly TraceEntry[],
    prepared: PreparedRequest,
  ) {
    this.#prepared = prepared;
  }
  get context(): Readonly<Record<string, ContextValue>> {
    this.#display ??= contextDisplay(this.#prepared);
    return this.#display;
  }
  toJSON(): Omit<AwsDecision, never> {
    const { decision, deciding, reason, verdict, statements, trace, context } = this;
    return { decision, deciding, reason, verdict, statements, trace, context };
  }
}

/** Evaluates one request: pure and synchronous. `request` must have been parsed by `parseAwsRequest`. */
export function evaluateAws(
  model: AwsModel,
  request: AwsRequest,
  options: EvaluateAwsOptions = {},
): AwsDecision {
  const trace = options.trace === true;
  const p = prepareRequest(model, request);
  const base = run(p, trace);
  const { core } = base;
  return new Decision(
    core.decision,
    core.deciding.map(ref),
    core.reason,
    verdictOf(model, request, p, base),
    base.explain,
    trace
      ? [
          {
            subject: `${request.principal} ${request.action} ${p.resource}`,
            result: core.decision,
            detail: core.reason,
            children: core.trace,
          },
        ]
      : [],
    p,
  );
}
