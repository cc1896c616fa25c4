/**
 * Turns a validated AwsRequest into what the evaluator works on: the calling principal with the
 * policies that reach it, the resolved resource ARN and account, the applicable resource policy, the
 * SCP levels, the symbol bindings and the request context keys (lower-cased).
 */
import type { ContextValue } from "./conditions";
import { mfaKeys, type AwsRequest } from "./context";
import { FULL_AWS_ACCESS } from "./managed";
import type { AwsModel, AwsRole } from "./model";
import { compilePolicy, PolicyError, resolveText, unreadablePolicy, type CompiledPolicy } from "./policy";

export const PARTITION = "aws";

export type CallerKind = "user" | "role-session" | "root" | "federated";

export interface Caller {
  readonly kind: CallerKind;
  /** The ARN of the requester: user ARN, role session ARN (`arn:aws:sts::…:assumed-role/R/S`), root, or OIDC provider. */
  readonly arn: string;
  /** For role sessions: the role ARN (what aws:PrincipalArn holds). */
  readonly roleArn: string | undefined;
  readonly account: string;
  readonly address: string | undefined;
  readonly policies: readonly CompiledPolicy[];
  readonly boundary: CompiledPolicy | undefined;
  readonly sessionPolicy: CompiledPolicy | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly username: string | undefined;
  /** For web identity: the issuer host that prefixes claim keys. */
  readonly oidcHost: string | undefined;
}

export interface ScpLevel {
  readonly target: string;
  readonly policies: readonly CompiledPolicy[];
}

export interface PreparedRequest {
  readonly model: AwsModel;
  readonly request: AwsRequest;
  readonly caller: Caller;
  /** Lower-cased action. */
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly resourcePolicy: CompiledPolicy | undefined;
  /** Undefined when SCPs do not apply (management account, federated callers). */
  readonly scpLevels: readonly ScpLevel[] | undefined;
  readonly bindings: ReadonlyMap<string, string>;
  /** Context keys, lower-cased (`contextDisplay` gives them as spelled). */
  readonly context: ReadonlyMap<string, ContextValue>;
  /** The MFA age the keys were overridden with (`withMfa`), if any. */
  readonly mfaOverride: number | undefined;
  /** Reasons the request could not be fully interpreted. */
  readonly problems: readonly string[];
}

const derivedCache = new WeakMap<AwsModel, Map<string, Map<string, string>>>();

function derivedBindings(model: AwsModel, account: string): Map<string, string> {
  let perAccount = derivedCache.get(model);
  if (!perAccount) derivedCache.set(model, (perAccount = new Map()));
  let m = perAccount.get(account);
  if (!m) {
    m = new Map(
      model.derivedBindings.map((d) => [
        d.key,
        d.template.replace("{account}", account).replace("{partition}", PARTITION),
      ]),
    );
    perAccount.set(account, m);
  }
  return m;
}

const ADDRESS = /^(data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/;

function roleArn(role: AwsRole, account: string): string | undefined {
  return role.name === undefined
    ? undefined
    : `arn:${PARTITION}:iam::${account}:role${role.path}${role.name}`;
}

function externalPolicies(request: AwsRequest, problems: string[]): CompiledPolicy[] {
  return (request.identityPolicies ?? []).map((doc, i) => {
    const id = `request.identityPolicies[${i}]`;
    try {
      return compilePolicy(id, "identity", doc as never);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      problems.push(e.message);
      return unreadablePolicy(id, "identity", e.message);
    }
  });
}

function resolveCaller(
  model: AwsModel,
  request: AwsRequest,
  bindings: Map<string, string>,
  problems: string[],
): Caller {
  const account = request.account.id;
  const p = request.principal;
  const sessionName = request.session?.name ?? "session";
  const base = {
    roleArn: undefined,
    address: undefined,
    boundary: undefined,
    sessionPolicy: undefined,
    tags: {},
    username: undefined,
    oidcHost: undefined,
  };
  const extraGroups = (): CompiledPolicy[] =>
    request.groups.flatMap((g) => {
      const group = model.groups.get(g) ?? [...model.groups.values()].find((x) => x.name === g);
      if (!group) {
        problems.push(`group ${g} named in the request is not in the configuration`);
        return [];
      }
      return group.policies;
    });
  const sessionPolicy = (): CompiledPolicy | undefined => {
    if (!request.session?.policy) return undefined;
    try {
      return compilePolicy("request.session.policy", "session", request.session.policy as never);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      problems.push(e.message);
      return unreadablePolicy("request.session.policy", "session", e.message);
    }
  };

  const user =
    model.users.get(p) ??
    matchArn(p, /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([\w+=,.@-]+)$/, account, (name) =>
      [...model.users.values()].find((u) => u.name === name),
    );
  if (user) {
    if (user.name === undefined)
      problems.push(`${user.address}: the user name is computed by Terraform; its ARN is unknown`);
    const arn = `arn:${PARTITION}:iam::${account}:user${user.path}${user.name ?? user.address}`;
    const groupPolicies = user.groups.flatMap((g) => model.groups.get(g)?.policies ?? []);
    return {
      ...base,
      kind: "user",
      arn,
      account,
      address: user.address,
      policies: [...user.policies, ...groupPolicies, ...extraGroups()],
      boundary: user.boundary,
      tags: user.tags,
      username: user.name,
    };
  }
  const role =
    model.roles.get(p) ??
    matchArn(
      p,
      /^arn:aws[\w-]*:(?:iam::(\d{12}):role\/(?:.*\/)?|sts::(\d{12}):assumed-role\/)([\w+=,.@-]+)/,
      account,
      (name) => [...model.roles.values()].find((r) => r.name === name),
    );
  if (role) {
    const rArn = roleArn(role, account);
    if (rArn === undefined)
      problems.push(`${role.address}: the role name is computed by Terraform; its ARN is unknown`);
    const name = role.name ?? role.address;
    return {
      ...base,
      kind: "role-session",
      arn: `arn:${PARTITION}:sts::${account}:assumed-role/${name}/${sessionName}`,
      roleArn: rArn ?? `arn:${PARTITION}:iam::${account}:role/${name}`,
      account,
      address: role.address,
      policies: role.policies,
      boundary: role.boundary,
      sessionPolicy: sessionPolicy(),
      tags: role.tags,
    };
  }
  const oidc = model.oidcProviders.get(p);
  if (oidc || /^arn:aws[\w-]*:iam::\d{12}:oidc-provider\//.test(p)) {
    const arn = oidc ? bindings.get(`${oidc.address}.arn`) : p;
    if (!arn) problems.push(`${p}: the OIDC provider URL is computed by Terraform; its ARN is unknown`);
    const host = oidc ? oidc.host : p.replace(/^arn:aws[\w-]*:iam::\d{12}:oidc-provider\//, "");
    const acct = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(arn ?? "")?.[1] ?? account;
    return {
      ...base,
      kind: "federated",
      arn: arn ?? p,
      account: acct,
      address: oidc?.address,
      policies: [],
      oidcHost: host,
    };
  }
  const root = /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(p);
  if (root) return { ...base, kind: "root", arn: p, account: root[1], policies: [] };

  // A principal outside this configuration: its identity policies must come with the request.
  const arnMatch = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):(user|role|assumed-role)\/(.+)$/.exec(p);
  if (!arnMatch) {
    problems.push(
      `principal ${p} is neither a user, role or OIDC provider of the configuration nor an IAM ARN`,
    );
    return { ...base, kind: "user", arn: p, account, policies: [] };
  }
  const [, acct, type, rest] = arnMatch;
  // A user of this account that Terraform does not manage may still be put in managed groups.
  const inGroups = acct === account && type === "user" && request.groups.length > 0;
  if (!request.identityPolicies && !inGroups)
    problems.push(`principal ${p} is outside this configuration: give its identityPolicies in the request`);
  const policies = [...externalPolicies(request, problems), ...(type === "user" ? extraGroups() : [])];
  if (type === "user")
    return { ...base, kind: "user", arn: p, account: acct, policies, username: rest.split("/").pop() };
  const roleName = rest.split("/")[type === "role" ? rest.split("/").length - 1 : 0];
  return {
    ...base,
    kind: "role-session",
    arn: type === "role" ? `arn:${PARTITION}:sts::${acct}:assumed-role/${roleName}/${sessionName}` : p,
    roleArn: type === "role" ? p : `arn:${PARTITION}:iam::${acct}:role/${roleName}`,
    account: acct,
    policies,
    sessionPolicy: sessionPolicy(),
  };
}

function matchArn<T>(
  p: string,
  re: RegExp,
  account: string,
  find: (name: string) => T | undefined,
): T | undefined {
  const m = re.exec(p);
  if (!m) return undefined;
  const acct = m[1] ?? m[2];
  if (acct !== account) return undefined;
  return find(m[m.length - 1]);
}

function resourceArn(request: AwsRequest, bindings: Map<string, string>, problems: string[]): string {
  const r = request.resource;
  if (!ADDRESS.test(r)) return r;
  const arn = bindings.get(`${r}.arn`);
  if (arn === undefined) {
    problems.push(`resource ${r}: its ARN is not known; bind ${r}.arn`);
    return r;
  }
  return arn;
}

const ROLE_TRUST_ACTIONS = new Set([
  "sts:assumerole",
  "sts:assumerolewithwebidentity",
  "sts:assumerolewithsaml",
  "sts:tagsession",
  "sts:setsourceidentity",
]);

function resourcePolicyFor(
  model: AwsModel,
  action: string,
  resource: string,
  resourceAccount: string,
  bindings: Map<string, string>,
  problems: string[],
): CompiledPolicy | undefined {
  if (ROLE_TRUST_ACTIONS.has(action)) {
    const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(resource);
    if (!m) {
      problems.push(`${action} needs a role ARN or role address as resource, got ${resource}`);
      return undefined;
    }
    const role = [...model.roles.values()].find((r) => r.name === m[2] && roleArn(r, m[1]) === resource);
    if (!role) {
      problems.push(`role ${resource} is not in the configuration, so its trust policy is unknown`);
      return undefined;
    }
    return role.trust;
  }
  if (action.startsWith("s3:")) {
    const m = /^arn:aws[\w-]*:s3:::([^/]+)/.exec(resource);
    if (!m) return undefined;
    const found: CompiledPolicy[] = [];
    for (const bp of model.bucketPolicies) {
      const name = resolveText(bp.bucket, bindings);
      if ("missing" in name)
        problems.push(
          `${bp.address} bucket: ${name.missing} is computed by Terraform; bind it to compare with ${resource}`,
        );
      else if (name.value === m[1] || name.value === `arn:${PARTITION}:s3:::${m[1]}`) found.push(bp.policy);
    }
    if (found.length > 1)
      problems.push(
        `bucket ${m[1]} has ${found.length} bucket policies in the configuration; Terraform keeps only one`,
      );
    return found[0];
  }
  // "Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key."
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
  if (action.startsWith("kms:") && /^arn:aws[\w-]*:kms:[^:]*:\d{12}:key\//.test(resource)) {
    problems.push(
      `${resource}: access to a KMS key depends on its key policy, which is not part of the AWS model`,
    );
  }
  void resourceAccount;
  return undefined;
}

function scpLevels(model: AwsModel, request: AwsRequest, caller: Caller): ScpLevel[] | undefined {
  // "SCPs do not restrict users or roles in the management account." https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
  if (request.account.kind === "management" || caller.kind === "federated") return undefined;
  if (caller.account !== request.account.id) return undefined;
  const path = request.account.organizationPath ?? [
    ...new Set(model.scps.flatMap((s) => s.targets).filter((t) => /^r-/.test(t) || t.endsWith(".roots"))),
    request.account.id,
  ];
  return path.map((target) => {
    const policies = model.scps.filter((s) => s.targets.includes(target)).map((s) => s.policy);
    return { target, policies: request.account.fullAwsAccess ? [FULL_AWS_ACCESS, ...policies] : policies };
  });
}

function normalise(v: string | number | boolean | readonly string[]): ContextValue {
  return Array.isArray(v) ? v : String(v);
}

interface CallerEntry {
  readonly caller: Caller;
  readonly problems: readonly string[];
}

interface TargetEntry {
  readonly resource: string;
  readonly resourceAccount: string;
  readonly resourcePolicy: CompiledPolicy | undefined;
  readonly problems: readonly string[];
}

/**
 * Per-model memo of what depends only on the request's shape (who, which groups, which account; which
 * action on which resource), so evaluating many contexts does not resolve the same principal again.
 * Requests with their own bindings or session policy are not memoised. Identity policies given with the
 * request are memoised by the identity of their array.
 */
interface Memo {
  readonly callers: Map<string, CallerEntry>;
  readonly callersWithPolicies: WeakMap<object, Map<string, CallerEntry>>;
  readonly targets: Map<string, TargetEntry>;
  readonly scps: Map<string, readonly ScpLevel[] | undefined>;
  /** The common case (default organisation path, FullAWSAccess, caller of this account), by account kind and ID: no key to build. */
  readonly plainScps: Map<string, Map<string, readonly ScpLevel[] | undefined>>;
}

const MEMO_LIMIT = 50_000;
const memos = new WeakMap<AwsModel, Memo>();

function memoOf(model: AwsModel): Memo {
  let m = memos.get(model);
  if (!m)
    memos.set(
      model,
      (m = {
        callers: new Map(),
        callersWithPolicies: new WeakMap(),
        targets: new Map(),
        scps: new Map(),
        plainScps: new Map(),
      }),
    );
  return m;
}

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, value);
  return value;
}

function callerEntry(
  model: AwsModel,
  request: AwsRequest,
  bindings: Map<string, string>,
  memoise: boolean,
): CallerEntry {
  if (!memoise || request.session?.policy !== undefined) {
    const problems: string[] = [];
    return { caller: resolveCaller(model, request, bindings, problems), problems };
  }
  const memo = memoOf(model);
  let table = memo.callers;
  if (request.identityPolicies) {
    let t = memo.callersWithPolicies.get(request.identityPolicies);
    if (!t) memo.callersWithPolicies.set(request.identityPolicies, (t = new Map()));
    table = t;
  }
  const key = `${request.principal}\u0000${request.groups.join("\u0000")}\u0000${request.account.id}\u0000${request.session?.name ?? ""}`;
  const hit = table.get(key);
  if (hit) return hit;
  const problems: string[] = [];
  return remember(table, key, { caller: resolveCaller(model, request, bindings, problems), problems });
}

function targetEntry(
  model: AwsModel,
  request: AwsRequest,
  action: string,
  bindings: Map<string, string>,
  memoise: boolean,
): TargetEntry {
  const key = `${action}\u0000${request.resource}\u0000${request.resourceAccount ?? ""}\u0000${request.account.id}`;
  const memo = memoise ? memoOf(model).targets : undefined;
  const hit = memo?.get(key);
  if (hit) return hit;
  const problems: string[] = [];
  const resource = resourceArn(request, bindings, problems);
  const arnAccount = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(resource)?.[1];
  const resourceAccount = request.resourceAccount ?? arnAccount ?? request.account.id;
  const resourcePolicy = resourcePolicyFor(model, action, resource, resourceAccount, bindings, problems);
  const entry = { resource, resourceAccount, resourcePolicy, problems };
  return memo ? remember(memo, key, entry) : entry;
}

function scpEntry(model: AwsModel, request: AwsRequest, caller: Caller): readonly ScpLevel[] | undefined {
  const a = request.account;
  if (
    a.organizationPath === undefined &&
    a.fullAwsAccess &&
    caller.kind !== "federated" &&
    caller.account === a.id
  ) {
    const byKind = memoOf(model).plainScps;
    let byId = byKind.get(a.kind);
    if (!byId) byKind.set(a.kind, (byId = new Map()));
    if (byId.has(a.id)) return byId.get(a.id);
    return remember(byId, a.id, scpLevels(model, request, caller));
  }
  const key = `${a.kind}\u0000${a.id}\u0000${a.organizationPath?.join("\u0000") ?? "-"}\u0000${a.fullAwsAccess}\u0000${caller.kind === "federated"}\u0000${caller.account}`;
  const memo = memoOf(model).scps;
  if (memo.has(key)) return memo.get(key);
  return remember(memo, key, scpLevels(model, request, caller));
}

const MFA_PRESENT = "aws:multifactorauthpresent";
const MFA_AGE = "aws:multifactorauthage";

/**
 * Fills `into` with the request's context keys in order (later keys replace earlier ones,
 * case-insensitively): lower-cased keys mapped to values, or with `spelling`, lower-cased keys mapped to
 * the spelling the request gave.
 */
function fillContext(
  request: AwsRequest,
  caller: Caller,
  mfaOverride: number | undefined,
  problems: string[],
  into: Map<string, ContextValue>,
  spelling: boolean,
): void {
  const set = spelling
    ? (k: string) => into.set(k.toLowerCase(), k)
    : (k: string, v: ContextValue) => into.set(k.toLowerCase(), v);
  set("aws:SecureTransport", request.secureTransport ? "true" : "false");
  if (caller.kind !== "federated") {
    set("aws:PrincipalArn", caller.roleArn ?? caller.arn);
    set("aws:PrincipalAccount", caller.account);
    for (const k in caller.tags) set(`aws:PrincipalTag/${k}`, caller.tags[k]);
  }
  if (caller.username !== undefined) set("aws:username", caller.username);
  if (request.credentials !== undefined && request.credentials !== "long-term-keys") {
    const mfa = mfaKeys(request.credentials, request.mfaAgeSeconds);
    for (const k in mfa) set(k, mfa[k]);
  }
  if (request.claims) {
    if (!caller.oidcHost)
      problems.push(`claims given but principal ${request.principal} is not an OIDC provider`);
    else for (const k in request.claims) set(`${caller.oidcHost}:${k}`, request.claims[k]);
  }
  for (const k in request.context) set(k, normalise(request.context[k]));
  if (mfaOverride !== undefined) {
    set("aws:MultiFactorAuthPresent", "true");
    set("aws:MultiFactorAuthAge", String(mfaOverride));
  }
}

/** The request context with keys as the request and the policies spell them, for reports. */
export function contextDisplay(p: PreparedRequest): Record<string, ContextValue> {
  const spelling = new Map<string, ContextValue>();
  fillContext(p.request, p.caller, p.mfaOverride, [], spelling, true);
  const display: Record<string, ContextValue> = {};
  for (const [lower, v] of p.context) display[(spelling.get(lower) as string | undefined) ?? lower] = v;
  return display;
}

/** Builds the request context; `mfaOverride` replaces the MFA keys (used to ask "would MFA lift this deny?"). */
export function prepareRequest(
  model: AwsModel,
  request: AwsRequest,
  mfaOverride?: { age: number },
): PreparedRequest {
  const derived = derivedBindings(model, request.account.id);
  let memoise = true;
  for (const _ in request.bindings) memoise = false;
  const bindings = memoise ? derived : new Map([...derived, ...Object.entries(request.bindings)]);
  const who = callerEntry(model, request, bindings, memoise);
  const caller = who.caller;
  const action = request.action.toLowerCase();
  const target = targetEntry(model, request, action, bindings, memoise);
  const problems = who.problems.length || target.problems.length ? [...who.problems, ...target.problems] : [];
  const context = new Map<string, ContextValue>();
  fillContext(request, caller, mfaOverride?.age, problems, context, false);
  return {
    model,
    request,
    caller,
    action,
    resource: target.resource,
    resourceAccount: target.resourceAccount,
    resourcePolicy: target.resourcePolicy,
    scpLevels: scpEntry(model, request, caller),
    bindings,
    context,
    mfaOverride: mfaOverride?.age,
    problems,
  };
}

/** The same request with MFA present and `age` seconds old: everything but the two MFA keys is shared. */
export function withMfa(p: PreparedRequest, age: number): PreparedRequest {
  const context = new Map(p.context);
  context.set(MFA_PRESENT, "true");
  context.set(MFA_AGE, String(age));
  return { ...p, context, mfaOverride: age };
}

/** Whether a condition key is one of the two MFA keys `withMfa` changes (lower-cased). */
export function isMfaKey(lowerKey: string): boolean {
  return lowerKey === MFA_PRESENT || lowerKey === MFA_AGE;
}

export const MFA_AGE_KEY = MFA_AGE;
