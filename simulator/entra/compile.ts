/**
 * Compiles the resolved Terraform model into the Entra model: reads `azuread_conditional_access_policy`,
 * `azuread_named_location`, `azuread_authentication_strength_policy`, `azuread_group` and
 * `azuread_group_member` through `Reader`, and validates policies against the documented constraints.
 * A part that cannot be read becomes `Unreadable` with the location; it never silently matches or not.
 */
import ipaddr from "ipaddr.js";
import type { Requirement } from "../decision";
import type { TerraformModel, TfResource } from "../terraform/model";
import { IndeterminateError, Reader } from "../terraform/read";
import { DeviceFilterSyntaxError, parseDeviceFilter } from "./device-filter";
import type {
  ApplicationsCondition,
  AuthenticationStrength,
  ConditionalAccessPolicy,
  DeviceFilterCondition,
  EntraDiagnostic,
  EntraModel,
  GrantControl,
  GrantControls,
  LocationSelection,
  LocationsCondition,
  NamedLocation,
  PlatformsCondition,
  PolicyState,
  PrincipalSelection,
  Readable,
  ServicePrincipalsCondition,
  SessionControls,
  Unreadable,
  UsersCondition,
} from "./model";
import {
  BUILT_IN_CONTROLS,
  BUILT_IN_STRENGTH_IDS,
  BUILT_IN_STRENGTHS,
  CLIENT_APP_TYPES,
  DEVICE_PLATFORMS,
  GUEST_KINDS,
  INSIDER_RISK_LEVELS,
  PROMPT_ORDER,
  RISK_LEVELS,
  SERVICE_PRINCIPAL_RISK_LEVELS,
  TRANSFER_METHODS,
  USER_ACTIONS,
  type ApplicationSuite,
  type ClientAppType,
  type GrantControlKind,
  type GuestKind,
  type UserAction,
} from "./vocabulary";

const DOCS = {
  strengths: "https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths",
  grant: "https://learn.microsoft.com/graph/api/resources/conditionalaccessgrantcontrols",
  reportOnly:
    "https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only",
  cloudApps:
    "https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps",
  conditionSet: "https://learn.microsoft.com/graph/api/resources/conditionalaccessconditionset",
  users:
    "https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups",
  session:
    "https://registry.terraform.io/providers/hashicorp/azuread/latest/docs/resources/conditional_access_policy",
  caGrant: "https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-grant",
  network: "https://learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network",
} as const;

const STATES: readonly PolicyState[] = ["enabled", "disabled", "enabledForReportingButNotEnforced"];
const UNKNOWN_FUTURE = "unknownFutureValue";
const STRENGTH_PATH = /^\/policies\/authenticationStrengthPolicies\/([0-9a-f-]{36})$/i;
const LOCATION_PATH = /^\/identity\/conditionalAccess\/namedLocations\/([0-9a-f-]{36})$/i;

function readable<T>(read: () => T): Readable<T> {
  try {
    return read();
  } catch (e) {
    if (e instanceof IndeterminateError) return { unreadable: e.message };
    throw e;
  }
}

function oneOf<T extends string>(r: Reader, key: string, allowed: readonly T[], value: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  return r.fail(key, `unsupported value "${value}" (expected one of ${allowed.join(", ")})`);
}

function stringsOf<T extends string>(r: Reader, key: string, allowed: readonly T[]): T[] {
  return r.strings(key).map((s, i) => oneOf(r, `${key}[${i}]`, allowed, s));
}

export function compileEntra(model: TerraformModel): EntraModel {
  const diagnostics: EntraDiagnostic[] = [];
  const namedLocations = new Map<string, NamedLocation>();
  for (const res of model.resourcesOfType("azuread_named_location"))
    namedLocations.set(res.address, compileNamedLocation(res));
  const strengths = new Map<string, AuthenticationStrength>();
  for (const [id, s] of Object.entries(BUILT_IN_STRENGTHS))
    strengths.set(id, strengthOf(id, s.displayName, s.combinations));
  const unreadableStrengths = new Map<string, string>();
  for (const res of model.resourcesOfType("azuread_authentication_strength_policy")) {
    const s = readable(() => {
      const r = Reader.of(res);
      return strengthOf(
        res.address,
        r.string("display_name") ?? res.address,
        r.strings("allowed_combinations"),
      );
    });
    if ("unreadable" in s) unreadableStrengths.set(res.address, s.unreadable);
    else strengths.set(res.address, s);
  }
  const memberOf = compileMemberships(model, diagnostics);
  const env: CompileEnv = { namedLocations, strengths, unreadableStrengths, diagnostics };
  const policies = model
    .resourcesOfType("azuread_conditional_access_policy")
    .map((res) => compilePolicy(res, env));
  return { stack: model.stack, policies, namedLocations, strengths, memberOf, diagnostics };
}

interface CompileEnv {
  readonly namedLocations: ReadonlyMap<string, NamedLocation>;
  readonly strengths: ReadonlyMap<string, AuthenticationStrength>;
  readonly unreadableStrengths: ReadonlyMap<string, string>;
  readonly diagnostics: EntraDiagnostic[];
}

/**
 * A strength's normalised requirement: the built-in's name when its combinations are exactly a built-in's
 * (a custom copy of Phishing-resistant MFA asks for the same thing), else `custom:<key>`.
 */
function strengthOf(
  key: string,
  displayName: string,
  combinationStrings: readonly string[],
): AuthenticationStrength {
  const combinations = combinationStrings.map((c) => c.split(",").map((m) => m.trim()));
  const signature = (cs: readonly (readonly string[])[]) =>
    cs
      .map((c) => [...c].sort().join(","))
      .sort()
      .join(";");
  const mine = signature(combinations);
  const same = (id: string) =>
    signature(BUILT_IN_STRENGTHS[id].combinations.map((c) => c.split(","))) === mine;
  const requirement: Requirement = same(BUILT_IN_STRENGTH_IDS.phishingResistant)
    ? "phishing-resistant"
    : same(BUILT_IN_STRENGTH_IDS.passwordless)
      ? "passwordless-mfa"
      : same(BUILT_IN_STRENGTH_IDS.mfa)
        ? "mfa"
        : `custom:${key}`;
  return { key, displayName, requirement, combinations };
}

function compileNamedLocation(res: TfResource): NamedLocation {
  const r = Reader.of(res);
  try {
    const displayName = r.string("display_name") ?? res.address;
    const ip = r.block("ip");
    const country = r.block("country");
    if ((ip === undefined) === (country === undefined))
      r.fail("ip", "a named location needs exactly one of ip and country");
    if (ip) {
      const v4: [number, number][] = [];
      const v6: [bigint, bigint][] = [];
      ip.strings("ip_ranges").forEach((cidr, i) => {
        let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
        try {
          parsed = ipaddr.parseCIDR(cidr);
        } catch {
          return ip.fail(`ip_ranges[${i}]`, `"${cidr}" is not a CIDR range`);
        }
        const [addr, prefix] = parsed;
        if (addr.kind() === "ipv4") {
          const n = bytesToBigInt(addr.toByteArray());
          const size = 2n ** BigInt(32 - prefix);
          const start = n - (n % size);
          v4.push([Number(start), Number(start + size - 1n)]);
        } else {
          const n = bytesToBigInt(addr.toByteArray());
          const size = 2n ** BigInt(128 - prefix);
          const start = n - (n % size);
          v6.push([start, start + size - 1n]);
        }
      });
      return { kind: "ip", address: res.address, displayName, trusted: ip.bool("trusted") ?? false, v4, v6 };
    }
    const c = country as Reader;
    const lookup = c.string("country_lookup_method") ?? "clientIpAddress";
    return {
      kind: "country",
      address: res.address,
      displayName,
      countries: new Set(c.strings("countries_and_regions")),
      includeUnknown: c.bool("include_unknown_countries_and_regions") ?? false,
      lookup: oneOf(c, "country_lookup_method", ["clientIpAddress", "authenticatorAppGps"] as const, lookup),
    };
  } catch (e) {
    if (e instanceof IndeterminateError)
      return { kind: "unreadable", address: res.address, unreadable: e.message };
    throw e;
  }
}

export function bytesToBigInt(bytes: readonly number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function compileMemberships(
  model: TerraformModel,
  diagnostics: EntraDiagnostic[],
): Map<string, ReadonlySet<string>> {
  const parents = new Map<string, Set<string>>();
  const link = (member: string, group: string) => {
    let s = parents.get(member);
    if (!s) parents.set(member, (s = new Set()));
    s.add(group);
  };
  const note = (res: TfResource, e: IndeterminateError) =>
    diagnostics.push({
      severity: "warning",
      address: res.address,
      path: e.indeterminate.location.path,
      message: `group membership not read (${e.indeterminate.reason}); contexts must list these memberships themselves`,
    });
  for (const res of model.resourcesOfType("azuread_group")) {
    try {
      for (const m of Reader.of(res).refs("members")) link(m, res.address);
    } catch (e) {
      if (!(e instanceof IndeterminateError)) throw e;
      note(res, e);
    }
  }
  for (const res of model.resourcesOfType("azuread_group_member")) {
    try {
      const r = Reader.of(res);
      const group = r.ref("group_object_id");
      const member = r.ref("member_object_id");
      if (group && member) link(member, group);
    } catch (e) {
      if (!(e instanceof IndeterminateError)) throw e;
      note(res, e);
    }
  }
  const memberOf = new Map<string, ReadonlySet<string>>();
  for (const start of parents.keys()) {
    const seen = new Set<string>();
    const queue = [...(parents.get(start) ?? [])];
    while (queue.length > 0) {
      const g = queue.pop() as string;
      if (seen.has(g)) continue;
      seen.add(g);
      for (const p of parents.get(g) ?? []) queue.push(p);
    }
    memberOf.set(start, seen);
  }
  return memberOf;
}

function compilePolicy(res: TfResource, env: CompileEnv): ConditionalAccessPolicy {
  const r = Reader.of(res);
  const problems: EntraDiagnostic[] = [];
  const diag = (severity: "error" | "warning", path: string | undefined, message: string, source: string) =>
    problems.push({ severity, address: res.address, path, message, source });

  const displayName = readable(() => r.string("display_name"));
  const state = readable(() =>
    oneOf(r, "state", STATES, r.string("state") ?? r.fail("state", "state is required")),
  );
  const conditions = readable(
    () => r.block("conditions") ?? r.fail("conditions", "conditions block is required"),
  );
  const policyBase = {
    address: res.address,
    displayName: typeof displayName === "string" ? displayName : res.address,
    state,
  };
  const grant = readable(() => {
    const g = r.block("grant_controls");
    return g ? compileGrant(g, env) : undefined;
  });
  const session = readable(() => {
    const s = r.block("session_controls");
    return s ? compileSession(s) : undefined;
  });
  if ("unreadable" in conditions) {
    env.diagnostics.push({
      severity: "error",
      address: res.address,
      path: "conditions",
      message: conditions.unreadable,
    });
    return { ...policyBase, applications: conditions, grant, session };
  }
  const c = conditions;
  const users = readable(() => {
    const u = c.block("users");
    return u ? compileUsers(u) : undefined;
  });
  const servicePrincipals = readable(() => {
    const s = c.block("client_applications");
    return s ? compileServicePrincipals(s) : undefined;
  });
  const applications = readable(() =>
    compileApplications(c.block("applications") ?? c.fail("applications", "applications block is required")),
  );
  const platforms = readable(() => {
    const p = c.block("platforms");
    return p ? compilePlatforms(p) : undefined;
  });
  const locations = readable(() => {
    const l = c.block("locations");
    return l ? compileLocations(l, env.namedLocations) : undefined;
  });
  const clientAppTypes = readable(() => {
    const types = stringsOf(c, "client_app_types", [...CLIENT_APP_TYPES, "all", "easSupported"] as const);
    if (types.length === 0 || types.includes("all")) return undefined;
    if (types.includes("easSupported")) {
      diag(
        "warning",
        "conditions.client_app_types",
        "easSupported is treated as exchangeActiveSync",
        DOCS.conditionSet,
      );
    }
    return new Set<ClientAppType>(
      types.map((t) => (t === "easSupported" || t === "all" ? "exchangeActiveSync" : t)),
    );
  });
  const riskSet = (key: string, allowed: readonly string[]) =>
    readable(() => {
      const levels = stringsOf(c, key, [...allowed, UNKNOWN_FUTURE]);
      return levels.length === 0 ? undefined : new Set<string>(levels);
    });
  const signInRisk = riskSet("sign_in_risk_levels", RISK_LEVELS);
  const userRisk = riskSet("user_risk_levels", RISK_LEVELS);
  const servicePrincipalRisk = riskSet("service_principal_risk_levels", SERVICE_PRINCIPAL_RISK_LEVELS);
  const insiderRisk = readable(() => {
    const v = c.string("insider_risk_levels");
    return v === undefined
      ? undefined
      : oneOf(c, "insider_risk_levels", [...INSIDER_RISK_LEVELS.slice(1), UNKNOWN_FUTURE], v);
  });
  const deviceFilter = readable(() => {
    const f = c.block("devices")?.block("filter");
    return f ? compileDeviceFilter(f) : undefined;
  });
  const transferMethods = readable(() => {
    const m = stringsOf(c, "authentication_flow_transfer_methods", [...TRANSFER_METHODS, UNKNOWN_FUTURE]);
    return m.length === 0 ? undefined : new Set<string>(m);
  });

  const policy: ConditionalAccessPolicy = {
    ...policyBase,
    users,
    servicePrincipals,
    applications,
    platforms,
    locations,
    clientAppTypes,
    signInRisk,
    userRisk,
    servicePrincipalRisk,
    insiderRisk,
    deviceFilter,
    transferMethods,
    grant,
    session,
  };
  validatePolicy(policy, r, diag);
  env.diagnostics.push(...problems);
  return policy;
}

function principalSelection(r: Reader, prefix: "included" | "excluded"): PrincipalSelection {
  const users = new Set(r.refs(`${prefix}_users`));
  const all = users.delete("All");
  users.delete("None");
  const allGuests = users.delete("GuestsOrExternalUsers");
  const g = r.blocks(`${prefix}_guests_or_external_users`)[0];
  let guestKinds: PrincipalSelection["guestKinds"];
  if (g) {
    const kinds = new Set<GuestKind>(
      stringsOf(g, "guest_or_external_user_types", [...GUEST_KINDS, "none", UNKNOWN_FUTURE] as const).filter(
        (k): k is GuestKind => (GUEST_KINDS as readonly string[]).includes(k),
      ),
    );
    const t = g.blocks("external_tenants")[0];
    let tenants: "all" | ReadonlySet<string> = "all";
    if (t) {
      const kind = oneOf(
        t,
        "membership_kind",
        ["all", "enumerated"] as const,
        t.string("membership_kind") ?? "all",
      );
      if (kind === "enumerated") tenants = new Set(t.refs("members"));
    }
    guestKinds = { kinds, tenants };
  }
  return {
    all,
    allGuests,
    guestKinds,
    users,
    groups: new Set(r.refs(`${prefix}_groups`)),
    roles: new Set(r.refs(`${prefix}_roles`)),
  };
}

function compileUsers(u: Reader): UsersCondition {
  return { include: principalSelection(u, "included"), exclude: principalSelection(u, "excluded") };
}

function compileServicePrincipals(s: Reader): ServicePrincipalsCondition {
  if (s.block("filter"))
    s.fail(
      "filter",
      "client application filters (custom security attributes) are not supported by this simulator",
    );
  const include = new Set(s.refs("included_service_principals"));
  const includeAll = include.delete("ServicePrincipalsInMyTenant");
  include.delete("None");
  return { includeAll, include, exclude: new Set(s.refs("excluded_service_principals")) };
}

function splitApps(ids: readonly string[]): {
  all: boolean;
  suites: Set<ApplicationSuite>;
  apps: Set<string>;
} {
  const suites = new Set<ApplicationSuite>();
  const apps = new Set<string>();
  let all = false;
  for (const id of ids) {
    if (id === "All") all = true;
    else if (id === "Office365" || id === "MicrosoftAdminPortals") suites.add(id);
    else if (id !== "None") apps.add(id);
  }
  return { all, suites, apps };
}

function compileApplications(a: Reader): ApplicationsCondition {
  if (a.block("filter"))
    a.fail("filter", "application filters (custom security attributes) are not supported by this simulator");
  const inc = splitApps(a.refs("included_applications"));
  const exc = splitApps(a.refs("excluded_applications"));
  if (exc.all) a.fail("excluded_applications", `"All" cannot be excluded`);
  return {
    includeAll: inc.all,
    includeSuites: inc.suites,
    includeApps: inc.apps,
    excludeSuites: exc.suites,
    excludeApps: exc.apps,
    userActions: new Set<UserAction>(stringsOf(a, "included_user_actions", USER_ACTIONS)),
  };
}

function compilePlatforms(p: Reader): PlatformsCondition {
  const allowed = [...DEVICE_PLATFORMS, "all", UNKNOWN_FUTURE] as const;
  return {
    include: new Set<string>(stringsOf(p, "included_platforms", allowed)),
    exclude: new Set<string>(stringsOf(p, "excluded_platforms", allowed)),
  };
}

function locationSelection(
  l: Reader,
  key: string,
  named: ReadonlyMap<string, NamedLocation>,
): LocationSelection {
  const locations = new Set<string>();
  let all = false;
  let allTrusted = false;
  l.refs(key).forEach((raw, i) => {
    if (raw === "All") all = true;
    else if (raw === "AllTrusted") allTrusted = true;
    else {
      const id = LOCATION_PATH.exec(raw)?.[1] ?? raw;
      const loc = named.get(id);
      if (!loc)
        l.fail(
          `${key}[${i}]`,
          `named location "${raw}" is not defined in this configuration, so its ranges are unknown`,
        );
      if (loc.kind === "unreadable")
        l.fail(`${key}[${i}]`, `named location ${id} could not be read: ${loc.unreadable}`);
      locations.add(id);
    }
  });
  if (allTrusted) {
    // https://learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network (R12)
    for (const loc of named.values()) {
      if (loc.kind === "unreadable")
        l.fail(key, `AllTrusted depends on ${loc.address}, which could not be read: ${loc.unreadable}`);
    }
  }
  return { all, allTrusted, locations };
}

function compileLocations(l: Reader, named: ReadonlyMap<string, NamedLocation>): LocationsCondition {
  return {
    include: locationSelection(l, "included_locations", named),
    exclude: locationSelection(l, "excluded_locations", named),
  };
}

function compileDeviceFilter(f: Reader): DeviceFilterCondition {
  const mode = oneOf(
    f,
    "mode",
    ["include", "exclude"] as const,
    f.string("mode") ?? f.fail("mode", "mode is required"),
  );
  const rule = f.string("rule") ?? f.fail("rule", "rule is required");
  try {
    return { mode, rule, expr: parseDeviceFilter(rule) };
  } catch (e) {
    if (e instanceof DeviceFilterSyntaxError) return f.fail("rule", `device filter rule: ${e.message}`);
    throw e;
  }
}

function compileGrant(g: Reader, env: CompileEnv): GrantControls {
  const operator = oneOf(
    g,
    "operator",
    ["AND", "OR"] as const,
    g.string("operator") ?? g.fail("operator", "operator is required"),
  );
  const builtIns = stringsOf(g, "built_in_controls", BUILT_IN_CONTROLS);
  const controls: GrantControl[] = [];
  for (const b of builtIns) if (b !== "block") controls.push({ kind: b });
  const strengthRef = g.ref("authentication_strength_policy_id");
  if (strengthRef !== undefined) {
    const key = STRENGTH_PATH.exec(strengthRef)?.[1] ?? strengthRef;
    const strength = env.strengths.get(key);
    if (!strength) {
      const why = env.unreadableStrengths.get(key);
      g.fail(
        "authentication_strength_policy_id",
        why
          ? `authentication strength ${key} could not be read: ${why}`
          : `authentication strength "${strengthRef}" is neither built in nor defined in this configuration`,
      );
    }
    controls.push({ kind: "authenticationStrength", strength });
  }
  for (const id of g.refs("terms_of_use")) controls.push({ kind: "termsOfUse", id });
  for (const id of g.refs("custom_authentication_factors"))
    controls.push({ kind: "customAuthenticationFactor", id });
  const rank = (k: GrantControlKind) => PROMPT_ORDER.indexOf(k);
  controls.sort((a, b) => rank(a.kind) - rank(b.kind));
  return { operator, block: builtIns.includes("block"), controls };
}

function compileSession(s: Reader): SessionControls {
  const freq = s.number("sign_in_frequency");
  const period = s.string("sign_in_frequency_period");
  const interval = s.string("sign_in_frequency_interval") ?? "timeBased";
  const authenticationType =
    s.string("sign_in_frequency_authentication_type") ?? "primaryAndSecondaryAuthentication";
  let signInFrequency: SessionControls["signInFrequency"];
  if (oneOf(s, "sign_in_frequency_interval", ["timeBased", "everyTime"] as const, interval) === "everyTime") {
    signInFrequency = { kind: "everyTime", authenticationType };
  } else if (freq !== undefined) {
    if (period === undefined)
      s.fail("sign_in_frequency_period", "sign_in_frequency needs sign_in_frequency_period");
    const unit = oneOf(s, "sign_in_frequency_period", ["hours", "days"] as const, period);
    signInFrequency = { kind: "timeBased", hours: unit === "days" ? freq * 24 : freq, authenticationType };
  }
  const pb = s.string("persistent_browser_mode");
  return {
    signInFrequency,
    persistentBrowser:
      pb === undefined ? undefined : oneOf(s, "persistent_browser_mode", ["always", "never"] as const, pb),
    cloudAppSecurity: s.string("cloud_app_security_policy"),
    applicationEnforcedRestrictions: s.bool("application_enforced_restrictions_enabled") ?? false,
    disableResilienceDefaults: s.bool("disable_resilience_defaults") ?? false,
  };
}

type Diag = (
  severity: "error" | "warning",
  path: string | undefined,
  message: string,
  source: string,
) => void;

function known<T>(v: Readable<T> | undefined): T | undefined {
  return v === undefined || (typeof v === "object" && v !== null && "unreadable" in v) ? undefined : (v as T);
}

/** Documented constraints on a policy, as errors (Entra rejects it) and warnings (it will not behave as it reads). */
function validatePolicy(p: ConditionalAccessPolicy, r: Reader, diag: Diag): void {
  for (const [part, v] of Object.entries(p) as [string, unknown][]) {
    if (typeof v === "object" && v !== null && "unreadable" in v)
      diag("error", part, (v as Unreadable).unreadable, DOCS.conditionSet);
  }
  const grant = known(p.grant);
  const session = known(p.session);
  const apps = known(p.applications);
  const users = known(p.users);
  if (p.grant === undefined && p.session === undefined) {
    diag("error", undefined, "a policy needs grant_controls or session_controls", DOCS.grant);
  }
  if (p.users === undefined && p.servicePrincipals === undefined) {
    // https://learn.microsoft.com/graph/api/resources/conditionalaccessconditionset (R8)
    diag("error", "conditions", "either users or client_applications is required", DOCS.conditionSet);
  }
  if (users) {
    const inc = users.include;
    const r0 = r.block("conditions")?.block("users");
    const mentionsNone = r0 ? r0.refs("included_users").includes("None") : false;
    if (
      !inc.all &&
      !inc.allGuests &&
      !inc.guestKinds &&
      inc.users.size + inc.groups.size + inc.roles.size === 0 &&
      !mentionsNone
    ) {
      diag(
        "error",
        "conditions.users",
        "no users are included (set included_users, included_groups, included_roles or included_guests_or_external_users)",
        DOCS.users,
      );
    }
  }
  if (grant) {
    const kinds = new Set(grant.controls.map((c) => c.kind));
    // https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths (R21)
    if (kinds.has("mfa") && kinds.has("authenticationStrength")) {
      diag(
        "error",
        "grant_controls",
        "Require multifactor authentication and Require authentication strength can't be used together in the same policy",
        DOCS.strengths,
      );
    }
    // https://learn.microsoft.com/graph/api/resources/conditionalaccessgrantcontrols (R21: passwordChange rules)
    if (kinds.has("passwordChange")) {
      if (!kinds.has("mfa") || grant.operator !== "AND") {
        diag(
          "error",
          "grant_controls",
          "passwordChange must be accompanied by mfa with the AND operator",
          DOCS.grant,
        );
      }
      if ([...kinds].some((k) => k !== "mfa" && k !== "passwordChange") || grant.block) {
        diag("error", "grant_controls", "passwordChange can't be used with other controls", DOCS.grant);
      }
      if (known(p.userRisk) === undefined)
        diag(
          "error",
          "conditions.user_risk_levels",
          "passwordChange needs user risk levels in the conditions",
          DOCS.grant,
        );
      if (apps && (!apps.includeAll || apps.excludeApps.size + apps.excludeSuites.size > 0)) {
        diag(
          "warning",
          "conditions.applications",
          "a password-change policy should target All resources with no exclusions",
          DOCS.caGrant,
        );
      }
      const extra = [
        p.platforms,
        p.locations,
        p.clientAppTypes,
        p.signInRisk,
        p.insiderRisk,
        p.deviceFilter,
        p.transferMethods,
      ].some((v) => v !== undefined);
      if (extra)
        diag(
          "warning",
          "conditions",
          "a password-change policy should have no condition other than user risk",
          DOCS.caGrant,
        );
    }
    if (grant.block && grant.controls.length > 0) {
      diag("warning", "grant_controls", "block with other controls: block wins", DOCS.caGrant);
    }
    if (
      apps?.userActions.has("urn:user:registerdevice") &&
      (grant.block || [...kinds].some((k) => k !== "mfa"))
    ) {
      // https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps (R9)
      diag(
        "error",
        "grant_controls",
        "Require multifactor authentication is the only access control available for Register or join devices",
        DOCS.cloudApps,
      );
    }
    const transfer = known(p.transferMethods);
    if (
      transfer?.has("deviceCodeFlow") &&
      (kinds.has("domainJoinedDevice") || kinds.has("compliantDevice"))
    ) {
      diag(
        "warning",
        "grant_controls",
        "device-state controls are not supported with device code flow; use Require multifactor authentication",
        DOCS.caGrant,
      );
    }
  }
  if (apps && apps.userActions.size > 0 && p.state === "enabledForReportingButNotEnforced") {
    // https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only (R3)
    diag(
      "warning",
      "state",
      "policies targeting user actions cannot be evaluated in report-only mode",
      DOCS.reportOnly,
    );
  }
  if (session?.persistentBrowser && apps && !apps.includeAll) {
    diag(
      "warning",
      "session_controls.persistent_browser_mode",
      "persistent browser only works correctly when included_applications is All",
      DOCS.session,
    );
  }
  const platforms = known(p.platforms);
  if (platforms && platforms.include.size === 0)
    diag(
      "error",
      "conditions.platforms.included_platforms",
      "included_platforms is required in a platforms block",
      DOCS.conditionSet,
    );
  const locations = known(p.locations);
  if (
    locations &&
    !locations.include.all &&
    !locations.include.allTrusted &&
    locations.include.locations.size === 0
  ) {
    diag(
      "error",
      "conditions.locations.included_locations",
      "included_locations is required in a locations block",
      DOCS.network,
    );
  }
}
