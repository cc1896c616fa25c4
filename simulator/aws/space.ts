/**
 * The AWS request space derived from the loaded configuration: principals (each tier group, the
 * break-glass users, each role, the OIDC provider with the claims its trust policies compare, and an
 * ungrouped user as "anything else"), targets (actions partitioned by the statements that mention them,
 * each with the resources those statements name), authentication (no MFA key, MFA false, MFA at every
 * age threshold the policies compare), source IPs around every CIDR the policies name, TLS, and the
 * kind of account. The first value of each dimension is the least special one.
 */
import ipaddr from "ipaddr.js";
import type { BaselineSpec } from "../../modules/spec";
import type { TerraformModel } from "../terraform/model";
import type { ContextSpace, Dimension } from "../verify/space";
import { compileAws } from "./compile";
import { DEFAULT_ACCOUNT_ID, type AwsRequest, type Credentials } from "./context";
import type { AwsModel } from "./model";
import { ActionMatcher, type CompiledPolicy, type CompiledStatement } from "./policy";

/** The job permissions of people and of the break-glass users come from outside the baseline: everything, so only the baseline's denies and grants decide. */
export const ALLOW_ALL_DOCUMENT = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
} as const;
const OUTSIDE_POLICIES: readonly Record<string, unknown>[] = [ALLOW_ALL_DOCUMENT];

/** Who makes the request. `role` tells the invariants what the principal stands for. */
export interface AwsPersona {
  readonly label: string;
  readonly role: "other-user" | "tier-user" | "break-glass" | "user" | "role" | "web-identity";
  readonly principal: string;
  readonly groups: readonly string[];
  readonly identityPolicies?: readonly Record<string, unknown>[];
  readonly claims?: Readonly<Record<string, string>>;
}

/** An action and the resource it is made on; `ownUser` stands for the caller's own user ARN (`${aws:username}` resources). */
export interface AwsTarget {
  readonly action: string;
  readonly resource: string;
  readonly ownUser?: true;
}

/** What the request carries about MFA: the `credentials` sugar and the MFA age. */
export interface AwsAuthentication {
  readonly credentials: Credentials;
  readonly mfaAgeSeconds?: number;
}

export interface AwsAccountChoice {
  readonly kind: "member" | "management";
}

const TRUST_ACTIONS = new Set(["sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml"]);
const DEFAULT_ACTION = "ec2:DescribeInstances";
const ACTION_FORM = /^[a-zA-Z0-9-]+:[a-zA-Z0-9]+$/;

function allPolicies(m: AwsModel): CompiledPolicy[] {
  const out: CompiledPolicy[] = [];
  for (const u of m.users.values()) out.push(...u.policies, ...(u.boundary ? [u.boundary] : []));
  for (const g of m.groups.values()) out.push(...g.policies);
  for (const r of m.roles.values()) out.push(...r.policies, r.trust, ...(r.boundary ? [r.boundary] : []));
  for (const s of m.scps) out.push(s.policy);
  for (const b of m.bucketPolicies) out.push(b.policy);
  return [...new Set(out)];
}

function statementsOf(policies: readonly CompiledPolicy[]): CompiledStatement[] {
  return policies.flatMap((p) => p.statements);
}

/** Concrete actions standing for a pattern: the pattern itself when literal, else the wildcards filled in two ways. */
function actionsFor(pattern: string): string[] {
  if (pattern === "*") return [];
  if (!/[*?]/.test(pattern)) return [pattern];
  return [
    pattern.replace(/\*/g, "").replace(/\?/g, "X"),
    pattern.replace(/\*/g, "Other").replace(/\?/g, "X"),
  ].filter((a) => ACTION_FORM.test(a));
}

/** Actions partitioned by which statements match them (and whether the spec calls them sensitive); one representative per class. */
function actionClasses(statements: readonly CompiledStatement[], sensitive: readonly string[]): string[] {
  const exact: string[] = [];
  const derived: string[] = [];
  for (const s of statements)
    for (const a of s.actions?.raw ?? []) (/[*?]/.test(a) ? derived : exact).push(...actionsFor(a));
  for (const a of sensitive) (/[*?]/.test(a) ? derived : exact).push(...actionsFor(a));
  const matchers = [
    ...statements.map((s) => s.actions).filter((m): m is ActionMatcher => m !== undefined),
    ...(sensitive.length ? [new ActionMatcher(sensitive)] : []),
  ];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const a of [DEFAULT_ACTION, "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", ...exact, ...derived]) {
    const lower = a.toLowerCase();
    const signature = TRUST_ACTIONS.has(lower)
      ? lower
      : matchers.map((m) => (m.matches(lower) ? "1" : "0")).join("");
    if (seen.has(signature)) continue;
    seen.add(signature);
    out.push(a);
  }
  return out;
}

/** Concrete resources standing for the Resource patterns of the statements that match `action`. */
function resourcesFor(
  action: string,
  statements: readonly CompiledStatement[],
  roles: readonly string[],
): AwsTarget[] {
  const lower = action.toLowerCase();
  if (TRUST_ACTIONS.has(lower)) return roles.map((resource) => ({ action, resource }));
  const out: AwsTarget[] = [{ action, resource: "*" }];
  const seen = new Set(["*"]);
  for (const s of statements) {
    if (!s.actions || s.actions.matches(lower) === s.notAction) continue;
    for (const r of s.resources ?? []) {
      if (typeof r.text !== "string" || r.text === "*") continue;
      if (r.text.includes("${")) {
        if (!seen.has("own user")) out.push({ action, resource: "own user", ownUser: true });
        seen.add("own user");
        continue;
      }
      const concrete = r.text
        .replace(/\*/g, lower.startsWith("s3:") ? "terraform.tfstate" : "example")
        .replace(/\?/g, "x");
      if (!seen.has(concrete)) out.push({ action, resource: concrete });
      seen.add(concrete);
    }
  }
  return out;
}

function mfaAgeThresholds(
  statements: readonly CompiledStatement[],
  spec: BaselineSpec | undefined,
): number[] {
  const ages = new Set<number>([0]);
  const add = (n: number) => {
    for (const v of [n - 1, n, n + 1]) if (v >= 0) ages.add(v);
  };
  for (const s of statements)
    for (const c of s.conditions)
      if (c.key === "aws:multifactorauthage" && c.op.base.startsWith("Numeric"))
        for (const v of c.values) if (/^\d+$/.test(v)) add(Number(v));
  if (spec) add(spec.sessions.freshMfaSeconds);
  return [...ages].sort((a, b) => a - b);
}

/** IPs around every CIDR the conditions compare aws:SourceIp with: first and last address inside, one just outside, and one outside all (first). */
function sourceIps(
  statements: readonly CompiledStatement[],
  spec: BaselineSpec | undefined,
): (string | undefined)[] {
  const cidrs = new Set<string>(spec?.aws?.ci.sourceIpCidrs ?? []);
  for (const s of statements)
    for (const c of s.conditions) if (c.key === "aws:sourceip") for (const v of c.values) cidrs.add(v);
  if (cidrs.size === 0) return [undefined];
  const parsed = [...cidrs].flatMap((c) => {
    try {
      return [ipaddr.parseCIDR(c.includes("/") ? c : `${c}/${c.includes(":") ? 128 : 32}`)];
    } catch {
      return [];
    }
  });
  const inside = (ip: ipaddr.IPv4 | ipaddr.IPv6) =>
    parsed.some(([net, bits]) => net.kind() === ip.kind() && ip.match([net, bits] as never));
  const out = new Set<string>();
  for (const [net, bits] of parsed) {
    const bytes = net.toByteArray();
    const first = ipaddr.fromByteArray(bytes);
    const lastBytes = bytes.map((b, i) => {
      const hostBits = Math.max(0, Math.min(8, (i + 1) * 8 - bits));
      return b | ((1 << hostBits) - 1);
    });
    const last = ipaddr.fromByteArray(lastBytes);
    out.add(first.toString());
    out.add(last.toString());
    const after = [...lastBytes];
    for (let i = after.length - 1; i >= 0; i--) {
      if (after[i] < 255) {
        after[i]++;
        break;
      }
      after[i] = 0;
    }
    const next = ipaddr.fromByteArray(after);
    if (!inside(next)) out.add(next.toString());
  }
  const outsideAll =
    ["192.0.2.10", "100.64.0.10", "10.255.255.10"].find((ip) => !inside(ipaddr.parse(ip))) ?? "192.0.2.10";
  out.delete(outsideAll);
  return [outsideAll, ...out];
}

function mentionsSecureTransport(statements: readonly CompiledStatement[]): boolean {
  return statements.some((s) => s.conditions.some((c) => c.key === "aws:securetransport"));
}

/** Claims of the OIDC trust conditions: the values compared plus the near misses (other branch, environment, repository, audience). */
function oidcClaims(
  trust: readonly CompiledStatement[],
  host: string,
  spec: BaselineSpec | undefined,
): Record<string, string>[] {
  const subs = new Set<string>();
  const auds = new Set<string>();
  for (const s of trust)
    for (const c of s.conditions) {
      const target =
        c.keyName.toLowerCase() === `${host}:sub`.toLowerCase()
          ? subs
          : c.keyName.toLowerCase() === `${host}:aud`.toLowerCase()
            ? auds
            : undefined;
      for (const v of target ? c.values : []) target?.add(v.replace(/\*/g, "x").replace(/\?/g, "x"));
    }
  const repos = new Set<string>(spec?.aws ? [spec.aws.ci.repository] : []);
  for (const s of subs) {
    const m = /^repo:([^:]+):/.exec(s);
    if (m && !m[1].includes("x/x")) repos.add(m[1]);
  }
  for (const repo of repos) {
    const [owner, name] = repo.split("/");
    for (const b of spec?.aws?.ci.branches ?? []) subs.add(`repo:${repo}:ref:refs/heads/${b}`);
    for (const e of spec?.aws?.ci.environments ?? []) subs.add(`repo:${repo}:environment:${e}`);
    subs.add(`repo:${repo}:ref:refs/heads/feature`);
    subs.add(`repo:${repo}:environment:staging`);
    subs.add(`repo:${repo}:pull_request`);
    subs.add(`repo:${owner}-fork/${name}:ref:refs/heads/${spec?.aws?.ci.branches[0] ?? "main"}`);
  }
  if (subs.size === 0) subs.add("repo:someone/something:ref:refs/heads/main");
  // The audience is checked on its own: every subject with the expected audience, then the first subject with each other audience.
  const expected = auds.size ? [...auds][0] : "sts.amazonaws.com";
  const others = [...auds, "another-audience"].filter((a) => a !== expected);
  const first = [...subs][0];
  return [...[...subs].map((sub) => ({ sub, aud: expected })), ...others.map((aud) => ({ sub: first, aud }))];
}

function personas(m: AwsModel, account: string, spec: BaselineSpec | undefined): AwsPersona[] {
  const out: AwsPersona[] = [
    {
      label: "a user in no tier group",
      role: "other-user",
      principal: `arn:aws:iam::${account}:user/someone`,
      groups: [],
      identityPolicies: OUTSIDE_POLICIES,
    },
  ];
  for (const g of m.groups.values()) {
    const name = g.name ?? g.address;
    out.push({
      label: `a member of ${name}`,
      role: "tier-user",
      principal: `arn:aws:iam::${account}:user/${name.toLowerCase()}-member`,
      groups: [name],
      identityPolicies: OUTSIDE_POLICIES,
    });
  }
  const breakGlass = spec?.aws?.breakGlassUsers ?? [];
  const adminGroup = spec?.aws
    ? [...m.groups.values()].find((g) => g.name === spec.aws?.groups.administrators)
    : undefined;
  breakGlass.forEach((u, i) => {
    // The second break-glass user is also put in the administrators group: the exemptions must hold whatever groups they are in.
    const groups = i === 1 && adminGroup ? [adminGroup.name ?? adminGroup.address] : [];
    out.push({
      label: `break-glass ${u}`,
      role: "break-glass",
      principal: `arn:aws:iam::${account}:user/${u}`,
      groups,
      identityPolicies: OUTSIDE_POLICIES,
    });
  });
  for (const u of m.users.values()) {
    if (u.name && breakGlass.includes(u.name)) continue;
    out.push({
      label: `user ${u.name ?? u.address}`,
      role: "user",
      principal: u.name ? `arn:aws:iam::${account}:user${u.path}${u.name}` : u.address,
      groups: [],
    });
  }
  for (const r of m.roles.values())
    out.push({
      label: `a session of ${r.name ?? r.address}`,
      role: "role",
      principal: r.name ? `arn:aws:iam::${account}:role${r.path}${r.name}` : r.address,
      groups: [],
    });
  for (const o of m.oidcProviders.values()) {
    const host = o.host ?? o.address;
    const trusting = [...m.roles.values()].flatMap((r) => r.trust.statements);
    for (const claims of oidcClaims(trusting, host, spec))
      out.push({
        label: `${host} token ${claims.sub} for ${claims.aud}`,
        role: "web-identity",
        principal: o.address,
        groups: [],
        claims,
      });
  }
  return out;
}

function authentications(ages: readonly number[]): AwsAuthentication[] {
  return [
    { credentials: "long-term-keys" },
    { credentials: "console" },
    { credentials: "web-identity" },
    ...ages.map((mfaAgeSeconds) => ({ credentials: "console-mfa" as const, mfaAgeSeconds })),
  ];
}

/**
 * A role session signed in without MFA is an sts:AssumeRole session: the documented reading gives it no
 * MFA information (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html).
 * Role sessions with MFA keys stand for the reading some users report, so both are covered.
 */
function roleSessionCredentials(who: AwsPersona, credentials: Credentials): Credentials {
  return who.role === "role" && credentials === "console" ? "assumed-role" : credentials;
}

/** The AWS request space of a configuration; with the spec, its break-glass users, CI repository and MFA window join the representatives. */
export function awsContextSpace(model: TerraformModel, spec?: BaselineSpec): ContextSpace<AwsRequest> {
  const m = compileAws(model);
  const account = spec?.aws?.accountId ?? DEFAULT_ACCOUNT_ID;
  const statements = statementsOf(allPolicies(m));
  const roles = [...m.roles.values()].map((r) =>
    r.name ? `arn:aws:iam::${account}:role${r.path}${r.name}` : r.address,
  );
  const targets = actionClasses(statements, spec?.aws?.sensitiveActions ?? []).flatMap((a) =>
    resourcesFor(a, statements, roles),
  );
  const ips = sourceIps(statements, spec);
  const dimensions: Dimension[] = [
    { name: "principal", values: personas(m, account, spec) },
    { name: "target", values: targets },
    { name: "authentication", values: authentications(mfaAgeThresholds(statements, spec)) },
    { name: "account", values: [{ kind: "member" }, { kind: "management" }] satisfies AwsAccountChoice[] },
    { name: "secureTransport", values: mentionsSecureTransport(statements) ? [true, false] : [true] },
    { name: "sourceIp", values: ips },
  ];
  return {
    provider: "aws",
    dimensions,
    build(values): AwsRequest {
      const [who, target, auth, acct, secureTransport, ip] = values as [
        AwsPersona,
        AwsTarget,
        AwsAuthentication,
        AwsAccountChoice,
        boolean,
        string | undefined,
      ];
      const federated = who.role === "web-identity";
      const resource = target.ownUser
        ? who.principal.includes(":user/")
          ? who.principal
          : `arn:aws:iam::${account}:user/someone`
        : target.resource;
      const request: AwsRequest = {
        principal: who.principal,
        groups: [...who.groups],
        action: target.action,
        resource,
        account: { id: account, kind: acct.kind, fullAwsAccess: true },
        credentials: federated ? "web-identity" : roleSessionCredentials(who, auth.credentials),
        secureTransport,
        context: ip === undefined ? {} : { "aws:SourceIp": ip },
        bindings: {},
      };
      return Object.assign(
        request,
        who.identityPolicies ? { identityPolicies: who.identityPolicies as Record<string, unknown>[] } : {},
        !federated && auth.mfaAgeSeconds !== undefined ? { mfaAgeSeconds: auth.mfaAgeSeconds } : {},
        federated && who.claims ? { claims: { ...who.claims } } : {},
      );
    },
  };
}
