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
  /** Context keys, lower-cased, with the display spelling kept for reports. */
  readonly context: ReadonlyMap<string, ContextValue>;
  readonly contextDisplay: Readonly<Record<string, ContextValue>>;
  /** Reasons the request could not be fully interpreted. */
  readonly problems: readonly string[];
}

const derivedCache = new WeakMap<AwsModel, Map<string, Map<string, string>>>();

function derivedBindings(model: AwsModel, account: string): Map<string, string> {
  let perAccount = derivedCache.get(model);
  if (!perAccount) derivedCache.set(model, (perAccount = new Map()));
  let m = perAccount.get(account);
  if (!m) {
    m = new Map(model.derivedBindings.map((d) => [d.key, d.template.replace("{account}", account).replace("{partition}", PARTITION)]));
    perAccount.set(account, m);
  }
  return m;
}

const ADDRESS = /^(data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/;

function roleArn(role: AwsRole, account: string): string | undefined {
  return role.name === undefined ? undefined : `arn:${PARTITION}:iam::${account}:role${role.path}${role.name}`;
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

function resolveCaller(model: AwsModel, request: AwsRequest, bindings: Map<string, string>, problems: string[]): Caller {
  const account = request.account.id;
  const p = request.principal;
  const sessionName = request.session?.name ?? "session";
  const base = { roleArn: undefined, address: undefined, boundary: undefined, sessionPolicy: undefined, tags: {}, username: undefined, oidcHost: undefined };
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

  const user = model.users.get(p) ?? matchArn(p, /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([\w+=,.@-]+)$/, account, (name) => [...model.users.values()].find((u) => u.name === name));
  if (user) {
    if (user.name === undefined) problems.push(`${user.address}: the user name is computed by Terraform; its ARN is unknown`);
    const arn = `arn:${PARTITION}:iam::${account}:user${user.path}${user.name ?? user.address}`;
    const groupPolicies = user.groups.flatMap((g) => model.groups.get(g)?.policies ?? []);
    return { ...base, kind: "user", arn, account, address: user.address, policies: [...user.policies, ...groupPolicies, ...extraGroups()], boundary: user.boundary, tags: user.tags, username: user.name };
  }
  const role = model.roles.get(p) ?? matchArn(p, /^arn:aws[\w-]*:(?:iam::(\d{12}):role\/(?:.*\/)?|sts::(\d{12}):assumed-role\/)([\w+=,.@-]+)/, account, (name) => [...model.roles.values()].find((r) => r.name === name));
  if (role) {
    const rArn = roleArn(role, account);
    if (rArn === undefined) problems.push(`${role.address}: the role name is computed by Terraform; its ARN is unknown`);
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
    return { ...base, kind: "federated", arn: arn ?? p, account: acct, address: oidc?.address, policies: [], oidcHost: host };
  }
  const root = /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(p);
  if (root) return { ...base, kind: "root", arn: p, account: root[1], policies: [] };

  // A principal outside this configuration: its identity policies must come with the request.
  const arnMatch = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):(user|role|assumed-role)\/(.+)$/.exec(p);
  if (!arnMatch) {
    problems.push(`principal ${p} is neither a user, role or OIDC provider of the configuration nor an IAM ARN`);
    return { ...base, kind: "user", arn: p, account, policies: [] };
  }
  const [, acct, type, rest] = arnMatch;
  // A user of this account that Terraform does not manage may still be put in managed groups.
  const inGroups = acct === account && type === "user" && request.groups.length > 0;
  if (!request.identityPolicies && !inGroups) problems.push(`principal ${p} is outside this configuration: give its identityPolicies in the request`);
  const policies = [...externalPolicies(request, problems), ...(type === "user" ? extraGroups() : [])];
  if (type === "user") return { ...base, kind: "user", arn: p, account: acct, policies, username: rest.split("/").pop() };
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

function matchArn<T>(p: string, re: RegExp, account: string, find: (name: string) => T | undefined): T | undefined {
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

const ROLE_TRUST_ACTIONS = new Set(["sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml", "sts:tagsession", "sts:setsourceidentity"]);

function resourcePolicyFor(model: AwsModel, action: string, resource: string, resourceAccount: string, bindings: Map<string, string>, problems: string[]): CompiledPolicy | undefined {
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
      if ("missing" in name) problems.push(`${bp.address} bucket: ${name.missing} is computed by Terraform; bind it to compare with ${resource}`);
      else if (name.value === m[1] || name.value === `arn:${PARTITION}:s3:::${m[1]}`) found.push(bp.policy);
    }
    if (found.length > 1) problems.push(`bucket ${m[1]} has ${found.length} bucket policies in the configuration; Terraform keeps only one`);
    return found[0];
  }
  // "Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key."
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
  if (action.startsWith("kms:") && /^arn:aws[\w-]*:kms:[^:]*:\d{12}:key\//.test(resource)) {
    problems.push(`${resource}: access to a KMS key depends on its key policy, which is not part of the AWS model`);
  }
  void resourceAccount;
  return undefined;
}

function scpLevels(model: AwsModel, request: AwsRequest, caller: Caller): ScpLevel[] | undefined {
  // "SCPs do not restrict users or roles in the management account." https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
  if (request.account.kind === "management" || caller.kind === "federated") return undefined;
  if (caller.account !== request.account.id) return undefined;
  const path =
    request.account.organizationPath ??
    [...new Set(model.scps.flatMap((s) => s.targets).filter((t) => /^r-/.test(t) || t.endsWith(".roots"))), request.account.id];
  return path.map((target) => {
    const policies = model.scps.filter((s) => s.targets.includes(target)).map((s) => s.policy);
    return { target, policies: request.account.fullAwsAccess ? [FULL_AWS_ACCESS, ...policies] : policies };
  });
}

function normalise(v: string | number | boolean | readonly string[]): ContextValue {
  return Array.isArray(v) ? v : String(v);
}

/** Builds the request context; `mfaOverride` replaces the MFA keys (used to ask "would MFA lift this deny?"). */
export function prepareRequest(model: AwsModel, request: AwsRequest, mfaOverride?: { age: number }): PreparedRequest {
  const problems: string[] = [];
  const derived = derivedBindings(model, request.account.id);
  const explicit = Object.entries(request.bindings);
  const bindings = explicit.length ? new Map([...derived, ...explicit]) : derived;
  const caller = resolveCaller(model, request, bindings, problems);
  const action = request.action.toLowerCase();
  const resource = resourceArn(request, bindings, problems);
  const arnAccount = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(resource)?.[1];
  const resourceAccount = request.resourceAccount ?? arnAccount ?? request.account.id;
  const resourcePolicy = resourcePolicyFor(model, action, resource, resourceAccount, bindings, problems);

  const context = new Map<string, ContextValue>();
  const spelling = new Map<string, string>();
  const set = (k: string, v: ContextValue) => {
    const lower = k.toLowerCase();
    context.set(lower, v);
    spelling.set(lower, k);
  };
  set("aws:SecureTransport", String(request.secureTransport));
  if (caller.kind !== "federated") {
    set("aws:PrincipalArn", caller.roleArn ?? caller.arn);
    set("aws:PrincipalAccount", caller.account);
    for (const [k, v] of Object.entries(caller.tags)) set(`aws:PrincipalTag/${k}`, v);
  }
  if (caller.username !== undefined) set("aws:username", caller.username);
  for (const [k, v] of Object.entries(mfaKeys(request.credentials, request.mfaAgeSeconds))) set(k, v);
  if (request.claims) {
    if (!caller.oidcHost) problems.push(`claims given but principal ${request.principal} is not an OIDC provider`);
    else for (const [k, v] of Object.entries(request.claims)) set(`${caller.oidcHost}:${k}`, v);
  }
  for (const [k, v] of Object.entries(request.context)) set(k, normalise(v));
  if (mfaOverride) {
    set("aws:MultiFactorAuthPresent", "true");
    set("aws:MultiFactorAuthAge", String(mfaOverride.age));
  }
  const display: Record<string, ContextValue> = {};
  for (const [lower, v] of context) display[spelling.get(lower) as string] = v;

  return {
    model,
    request,
    caller,
    action,
    resource,
    resourceAccount,
    resourcePolicy,
    scpLevels: scpLevels(model, request, caller),
    bindings,
    context,
    contextDisplay: display,
    problems,
  };
}
