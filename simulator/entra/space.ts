/**
 * The Entra sign-in context space of one configuration: for each dimension of the sign-in, the values
 * the Conditional Access policies mention (users, groups and roles, guest kinds, applications and user
 * actions, client apps, platforms, named locations with their CIDR edges and countries, risk levels,
 * device filters, transfer methods, the method combinations of every authentication strength, the other
 * grant controls) plus "anything else", which comes first.
 *
 * Two granularities:
 * - `classes` (default, for exhaustive verification): values no policy can tell apart are merged, keeping
 *   the first (least special) of each class. Two values are in one class when every condition of every
 *   policy (and every grant control they ask for) gives the same answer for both, and the spec gives
 *   them the same role (break-glass, administrator role, trusted network, blocked country, risk level it
 *   answers). The product of the classes therefore covers every decision the configuration can make.
 * - `boundaries` (for fast-check): nothing is merged, and every CIDR gets its first and last address and
 *   the addresses just outside, so random walks probe the edges themselves.
 *
 * Semantics of the conditions mirrored here: ../shared/reference/entra-conditional-access.md (R6-R16, R22).
 */
import ipaddr from "ipaddr.js";
import type { BaselineSpec } from "../../modules/spec";
import type { TerraformModel } from "../terraform/model";
import type { ContextSpace, Dimension } from "../verify/space";
import { bytesToBigInt, compileEntra } from "./compile";
import { entraContextSchema, type EntraContext } from "./context";
import { matchDeviceFilter, type DeviceFilterExpr } from "./device-filter";
import { deviceFactsOf } from "./evaluate";
import {
  isUnreadable,
  type ApplicationsCondition,
  type EntraModel,
  type GrantControls,
  type NamedLocation,
  type PrincipalSelection,
  type Readable,
} from "./model";
import {
  ADMIN_PORTAL_APP_IDS,
  BUILT_IN_STRENGTH_IDS,
  BUILT_IN_STRENGTHS,
  CLIENT_APP_TYPES,
  GUEST_KINDS,
  INSIDER_RISK_LEVELS,
  LEGACY_CLIENT_APP_TYPES,
  OFFICE_365_APP_IDS,
  RISK_LEVELS,
  TRANSFER_METHODS,
  type AuthenticationMethod,
  type ClientAppType,
  type GuestKind,
  type InsiderRiskLevel,
  type RiskLevel,
  type TransferMethod,
  type UserAction,
} from "./vocabulary";

/** A user the configuration does not mention (a literal object ID). */
export const ENTRA_ANYONE = "0a0a0a0a-0000-4000-8000-00000000a001";
/** An application the configuration does not mention (a literal app ID in no suite). */
export const ENTRA_OTHER_APP = "0a0a0a0a-0000-4000-8000-00000000a0a1";
/** A tenant no external-tenant list mentions. */
const OTHER_TENANT = "0a0a0a0a-0000-4000-8000-00000000a0e1";

export type EntraSpaceGranularity = "classes" | "boundaries";
export interface EntraSpaceOptions {
  readonly granularity?: EntraSpaceGranularity;
}

type Platform = EntraContext["platform"];
type Device = NonNullable<EntraContext["device"]>;
type Target = { readonly application: string } | { readonly userAction: UserAction };

interface Guest {
  readonly type: "member" | "guest";
  readonly guestKind?: GuestKind;
  readonly homeTenant?: string;
}

interface Network {
  readonly ip?: string;
  readonly country?: string;
  readonly gpsCountry?: string;
}

interface UserRisk {
  readonly level: RiskLevel;
  /** Only where a password-change policy covers the level: the user has just changed it. */
  readonly passwordChanged: boolean;
}

interface OtherControls {
  readonly approvedApplication: boolean;
  readonly compliantApplication: boolean;
  readonly termsOfUse: readonly string[];
  readonly customFactors: readonly string[];
}

/** The dimensions in build order; each value is one field (or group of fields) of the context. */
interface Values {
  user: string;
  groups: readonly string[];
  roles: readonly string[];
  guest: Guest;
  target: Target;
  clientApp: ClientAppType;
  platform: Platform;
  network: Network;
  signInRisk: RiskLevel;
  userRisk: UserRisk;
  insiderRisk: InsiderRiskLevel;
  device: Device | undefined;
  authenticationFlow: TransferMethod | undefined;
  methods: readonly AuthenticationMethod[];
  controls: OtherControls;
}
type Dims = { readonly [K in keyof Values]: readonly Values[K][] };

const ORDER: readonly (keyof Values)[] = [
  "user",
  "groups",
  "roles",
  "guest",
  "target",
  "clientApp",
  "platform",
  "network",
  "signInRisk",
  "userRisk",
  "insiderRisk",
  "device",
  "authenticationFlow",
  "methods",
  "controls",
];

/** Method combinations, least special first: every row of the built-in strengths' table (R22) and the classes of no MFA at all. */
const METHOD_SETS: readonly (readonly AuthenticationMethod[])[] = [
  ["password"],
  ["password", "sms"],
  ["password", "microsoftAuthenticatorPush"],
  ["password", "softwareOath"],
  ["password", "hardwareOath"],
  ["password", "voice"],
  ["password", "x509CertificateSingleFactor"],
  ["temporaryAccessPassOneTime"],
  ["temporaryAccessPassMultiUse"],
  ["deviceBasedPush"],
  ["fido2"],
  ["windowsHelloForBusiness"],
  ["x509CertificateMultiFactor"],
  ["federatedMultiFactor"],
  ["federatedSingleFactor", "microsoftAuthenticatorPush"],
  ["sms"],
  ["email"],
  ["x509CertificateSingleFactor"],
  ["federatedSingleFactor"],
];

/** Platforms, the default first; `unknown` (e.g. ChromeOS) before Windows Phone, which Entra also knows. */
const PLATFORMS: readonly Platform[] = [
  "windows",
  "macOS",
  "iOS",
  "android",
  "linux",
  "unknown",
  "windowsPhone",
];
/** Documentation and private ranges tried, in order, for the address outside every named location. */
const OUTSIDE_CANDIDATES = [
  "192.0.2.10",
  "198.18.0.10",
  "100.64.0.10",
  "10.0.0.10",
  "172.16.0.10",
  "8.8.8.8",
];
/** Countries tried, in order, for the country no location names. */
const OTHER_COUNTRIES = ["GB", "US", "DE", "FR", "NL", "JP", "BR", "AU"];
const GUEST_TYPED_AS_MEMBER: ReadonlySet<GuestKind> = new Set(["b2bCollaborationMember"]);

// -- generic helpers ----------------------------------------------------------------------------------

function known<T>(v: Readable<T> | undefined): T | undefined {
  return v === undefined || isUnreadable(v) ? undefined : (v as T);
}

function uniqueBy<T>(values: readonly T[], key: (v: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Keeps the first value of every class (classes) or every distinct value (boundaries). */
function pick<T>(g: EntraSpaceGranularity, values: readonly T[], signature: (v: T) => string): T[] {
  const distinct = uniqueBy(values, (v) => JSON.stringify(v) ?? "undefined");
  return g === "boundaries" ? distinct : uniqueBy(distinct, signature);
}

const bits = (flags: readonly boolean[]): string => flags.map((f) => (f ? "1" : "0")).join("");

/** Subsets of `items` by size then position; all of them up to 4 items, else those of size ≤ 2. */
function subsets<T>(items: readonly T[]): T[][] {
  const max = items.length <= 4 ? items.length : 2;
  const out: T[][] = [[]];
  const grow = (start: number, acc: T[]) => {
    for (let i = start; i < items.length; i++) {
      const next = [...acc, items[i]];
      out.push(next);
      if (next.length < max) grow(i + 1, next);
    }
  };
  grow(0, []);
  return out.sort((a, b) => a.length - b.length);
}

/** The readable user conditions of every policy, report-only and disabled ones included (a variant may enable them). */
function userConditions(m: EntraModel): { include: PrincipalSelection; exclude: PrincipalSelection }[] {
  return m.policies.flatMap((p) => {
    const u = known(p.users);
    return u ? [u] : [];
  });
}

function grants(m: EntraModel): GrantControls[] {
  return m.policies.flatMap((p) => {
    const g = known(p.grant);
    return g ? [g] : [];
  });
}

function usesControl(m: EntraModel, kind: string): boolean {
  return grants(m).some((g) => g.controls.some((c) => c.kind === kind));
}

// -- principals ---------------------------------------------------------------------------------------

function usersOf(m: EntraModel, spec: BaselineSpec | undefined, g: EntraSpaceGranularity): string[] {
  const breakGlass = new Set(spec?.entra?.breakGlassUserIds ?? []);
  const conds = userConditions(m);
  const candidates = [ENTRA_ANYONE, ...breakGlass];
  for (const c of conds) candidates.push(...c.include.users, ...c.exclude.users);
  return pick(g, candidates, (u) =>
    bits([breakGlass.has(u), ...conds.flatMap((c) => [c.include.users.has(u), c.exclude.users.has(u)])]),
  );
}

/** Group keys of the spec's tiers: the object ID, or the address of the group the configuration creates. */
function tierGroups(model: TerraformModel, spec: BaselineSpec | undefined): string[] {
  const groups = spec?.entra?.groups;
  if (!groups) return [];
  return Object.values(groups).flatMap((grp) => {
    if ("objectId" in grp) return [grp.objectId];
    return model
      .resourcesOfType("azuread_group")
      .filter((r) => r.values.display_name === grp.create.displayName)
      .map((r) => r.address);
  });
}

function groupsOf(
  model: TerraformModel,
  m: EntraModel,
  spec: BaselineSpec | undefined,
  g: EntraSpaceGranularity,
): string[][] {
  const conds = userConditions(m);
  const candidates = tierGroups(model, spec);
  for (const c of conds) candidates.push(...c.include.groups, ...c.exclude.groups);
  const signature = (grp: string): string => {
    // Membership is transitive (R6): a group stands for itself and every group it is nested in.
    const all = [grp, ...(m.memberOf.get(grp) ?? [])];
    const inSel = (s: PrincipalSelection) => all.some((x) => s.groups.has(x));
    return bits(conds.flatMap((c) => [inSel(c.include), inSel(c.exclude)]));
  };
  const reps = pick(g, candidates, signature);
  // A group no policy can see is no group at all, as far as the configuration can tell.
  return subsets(g === "classes" ? reps.filter((grp) => signature(grp).includes("1")) : reps);
}

function rolesOf(m: EntraModel, spec: BaselineSpec | undefined, g: EntraSpaceGranularity): string[][] {
  const admin = new Set(spec?.entra?.adminRoleTemplateIds ?? []);
  const conds = userConditions(m);
  const candidates: string[] = [];
  for (const c of conds) candidates.push(...c.include.roles, ...c.exclude.roles);
  candidates.push(...admin);
  const reps = pick(g, candidates, (r) =>
    bits([admin.has(r), ...conds.flatMap((c) => [c.include.roles.has(r), c.exclude.roles.has(r)])]),
  );
  return subsets(reps);
}

function guestIn(s: PrincipalSelection, guest: Guest): boolean {
  const kind = guest.guestKind ?? (guest.type === "guest" ? "b2bCollaborationGuest" : undefined);
  if (kind === undefined) return false;
  if (s.allGuests) return true;
  const gk = s.guestKinds;
  if (!gk || !gk.kinds.has(kind)) return false;
  return gk.tenants === "all" || (guest.homeTenant !== undefined && gk.tenants.has(guest.homeTenant));
}

function guestsOf(m: EntraModel, g: EntraSpaceGranularity): Guest[] {
  const conds = userConditions(m);
  const tenants = new Set<string>();
  for (const c of conds)
    for (const s of [c.include, c.exclude]) {
      const t = s.guestKinds?.tenants;
      if (t && t !== "all") t.forEach((x) => tenants.add(x));
    }
  const homes: (string | undefined)[] = tenants.size ? [OTHER_TENANT, ...tenants] : [undefined];
  const candidates: Guest[] = [{ type: "member" }];
  for (const kind of GUEST_KINDS)
    for (const homeTenant of homes)
      candidates.push({
        type: GUEST_TYPED_AS_MEMBER.has(kind) ? "member" : "guest",
        guestKind: kind,
        ...(homeTenant ? { homeTenant } : {}),
      });
  return pick(g, candidates, (guest) =>
    bits(conds.flatMap((c) => [guestIn(c.include, guest), guestIn(c.exclude, guest)])),
  );
}

// -- what is signed in to, and how ----------------------------------------------------------------------

function suitesOf(app: string): Set<string> {
  const s = new Set<string>();
  if (OFFICE_365_APP_IDS.has(app)) s.add("Office365");
  if (ADMIN_PORTAL_APP_IDS.has(app)) s.add("MicrosoftAdminPortals");
  return s;
}

/** Whether the policy's target resources cover the target (R9). */
function targets(a: ApplicationsCondition, t: Target): boolean {
  if ("userAction" in t) return a.userActions.has(t.userAction);
  const suites = suitesOf(t.application);
  const included =
    a.includeAll || a.includeApps.has(t.application) || [...a.includeSuites].some((s) => suites.has(s));
  const excluded = a.excludeApps.has(t.application) || [...a.excludeSuites].some((s) => suites.has(s));
  return included && !excluded;
}

function targetsOf(m: EntraModel, spec: BaselineSpec | undefined, g: EntraSpaceGranularity): Target[] {
  const apps = m.policies.flatMap((p) => {
    const a = known(p.applications);
    return a ? [a] : [];
  });
  const candidates: Target[] = [{ application: ENTRA_OTHER_APP }];
  const suites = new Set<string>();
  const actions = new Set<UserAction>();
  for (const a of apps) {
    for (const id of [...a.includeApps, ...a.excludeApps]) candidates.push({ application: id });
    for (const s of [...a.includeSuites, ...a.excludeSuites]) suites.add(s);
    a.userActions.forEach((u) => actions.add(u));
  }
  if (spec?.entra) candidates.push({ application: spec.entra.azureManagementAppId });
  if (suites.has("Office365")) candidates.push({ application: [...OFFICE_365_APP_IDS][0] });
  if (suites.has("MicrosoftAdminPortals")) candidates.push({ application: [...ADMIN_PORTAL_APP_IDS][0] });
  for (const u of actions) candidates.push({ userAction: u });
  return pick(
    g,
    candidates,
    (t) => ("userAction" in t ? "action:" : "app:") + bits(apps.map((a) => targets(a, t))),
  );
}

function clientAppsOf(m: EntraModel, g: EntraSpaceGranularity): ClientAppType[] {
  const sets = m.policies.map((p) => known(p.clientAppTypes));
  return pick(g, CLIENT_APP_TYPES, (c) =>
    bits([LEGACY_CLIENT_APP_TYPES.has(c), ...sets.map((s) => s === undefined || s.has(c))]),
  );
}

function platformsOf(m: EntraModel, g: EntraSpaceGranularity): Platform[] {
  const conds = m.policies.flatMap((p) => {
    const pl = known(p.platforms);
    return pl ? [pl] : [];
  });
  // Unknown platforms match only "all" (R11).
  const has = (s: ReadonlySet<string>, pl: Platform) => s.has("all") || (pl !== "unknown" && s.has(pl));
  return pick(g, PLATFORMS, (pl) => bits(conds.flatMap((c) => [has(c.include, pl), has(c.exclude, pl)])));
}

// -- where from -------------------------------------------------------------------------------------------

interface Range {
  readonly v6: boolean;
  readonly first: bigint;
  readonly last: bigint;
}

function parseIp(ip: string): { v6: boolean; n: bigint } {
  let addr = ipaddr.parse(ip);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  return { v6: addr.kind() === "ipv6", n: bytesToBigInt(addr.toByteArray()) };
}

function cidrRange(cidr: string): Range {
  const [addr, prefix] = ipaddr.parseCIDR(cidr);
  const v6 = addr.kind() === "ipv6";
  const n = bytesToBigInt(addr.toByteArray());
  const size = 2n ** BigInt((v6 ? 128 : 32) - prefix);
  const first = n - (n % size);
  return { v6, first, last: first + size - 1n };
}

function locationRanges(loc: NamedLocation): Range[] {
  if (loc.kind !== "ip") return [];
  return [
    ...loc.v4.map(([lo, hi]) => ({ v6: false, first: BigInt(lo), last: BigInt(hi) })),
    ...loc.v6.map(([lo, hi]) => ({ v6: true, first: lo, last: hi })),
  ];
}

function inRanges(ip: string | undefined, ranges: readonly Range[]): boolean {
  if (ip === undefined) return false;
  const p = parseIp(ip);
  return ranges.some((r) => r.v6 === p.v6 && p.n >= r.first && p.n <= r.last);
}

function formatIp(v6: boolean, n: bigint): string {
  const width = v6 ? 16 : 4;
  const bytes: number[] = [];
  for (let i = width - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Named locations the network is in (R12), as the evaluator locates a sign-in. */
function locatedIn(m: EntraModel, n: Network): { keys: Set<string>; trusted: boolean } {
  const keys = new Set<string>();
  let trusted = false;
  for (const [key, loc] of m.namedLocations) {
    let inside = false;
    if (loc.kind === "ip") {
      inside = inRanges(n.ip, locationRanges(loc));
      if (inside && loc.trusted) trusted = true;
    } else if (loc.kind === "country") {
      const country = loc.lookup === "authenticatorAppGps" ? n.gpsCountry : n.country;
      inside = country === undefined ? loc.includeUnknown : loc.countries.has(country);
    }
    if (inside) keys.add(key);
  }
  return { keys, trusted };
}

function networksOf(m: EntraModel, spec: BaselineSpec | undefined, g: EntraSpaceGranularity): Network[] {
  const specRanges = (spec?.networks.trusted ?? []).flatMap((t) => t.cidrs.map(cidrRange));
  const modelRanges = [...m.namedLocations.values()].flatMap(locationRanges);
  const ranges = [...modelRanges, ...specRanges];
  const outside = OUTSIDE_CANDIDATES.find((ip) => !inRanges(ip, ranges)) ?? OUTSIDE_CANDIDATES[0];
  const max = (v6: boolean) => (v6 ? (1n << 128n) - 1n : (1n << 32n) - 1n);
  const ips: (string | undefined)[] = [undefined, outside];
  for (const r of ranges) {
    ips.push(formatIp(r.v6, r.first), formatIp(r.v6, r.last));
    if (g === "boundaries") {
      if (r.first > 0n) ips.push(formatIp(r.v6, r.first - 1n));
      if (r.last < max(r.v6)) ips.push(formatIp(r.v6, r.last + 1n));
    }
  }
  const countryLocations = [...m.namedLocations.values()].flatMap((l) => (l.kind === "country" ? [l] : []));
  const named = new Set(countryLocations.flatMap((l) => [...l.countries]));
  const blocked = new Set(spec?.networks.blockedCountries ?? []);
  const other = OTHER_COUNTRIES.find((c) => !named.has(c) && !blocked.has(c)) ?? OTHER_COUNTRIES[0];
  const byIp = countryLocations
    .filter((l) => l.lookup === "clientIpAddress")
    .flatMap((l) => [...l.countries]);
  const byGps = countryLocations
    .filter((l) => l.lookup === "authenticatorAppGps")
    .flatMap((l) => [...l.countries]);
  const countries: (string | undefined)[] = [undefined, other, ...byIp, ...blocked];
  const gps: (string | undefined)[] = byGps.length ? [undefined, other, ...byGps] : [undefined];

  const candidates: Network[] = [];
  for (const gpsCountry of gps)
    for (const country of countries)
      for (const ip of ips)
        candidates.push({
          ...(ip !== undefined ? { ip } : {}),
          ...(country !== undefined ? { country } : {}),
          ...(gpsCountry !== undefined ? { gpsCountry } : {}),
        });
  candidates.sort((a, b) => Object.keys(a).length - Object.keys(b).length);

  const conds = m.policies.flatMap((p) => {
    const l = known(p.locations);
    return l ? [l] : [];
  });
  return pick(g, candidates, (n) => {
    const here = locatedIn(m, n);
    const inSel = (s: { all: boolean; allTrusted: boolean; locations: ReadonlySet<string> }) =>
      s.all || (s.allTrusted && here.trusted) || [...s.locations].some((k) => here.keys.has(k));
    return bits([
      inRanges(n.ip, specRanges),
      n.country !== undefined && blocked.has(n.country),
      ...conds.flatMap((c) => [inSel(c.include), inSel(c.exclude)]),
    ]);
  });
}

// -- risk, device, flow ------------------------------------------------------------------------------------

/** The risk levels the spec answers: it must see them even where the configuration has lost them. */
function specSignInLevels(spec: BaselineSpec | undefined): Set<RiskLevel> {
  return new Set(spec ? (["medium", "high"] as const) : []);
}

function signInRisksOf(m: EntraModel, spec: BaselineSpec | undefined, g: EntraSpaceGranularity): RiskLevel[] {
  const sets = m.policies.map((p) => known(p.signInRisk));
  const specLevels = specSignInLevels(spec);
  return pick(g, RISK_LEVELS, (r) =>
    bits([specLevels.has(r), ...sets.map((s) => s !== undefined && s.has(r))]),
  );
}

function userRisksOf(m: EntraModel, spec: BaselineSpec | undefined, g: EntraSpaceGranularity): UserRisk[] {
  const sets = m.policies.map((p) => known(p.userRisk));
  // Password change is asked for only by user-risk policies (R21): it matters at their levels alone.
  const changeLevels = new Set<string>();
  m.policies.forEach((p) => {
    const gr = known(p.grant);
    const ur = known(p.userRisk);
    if (gr?.controls.some((c) => c.kind === "passwordChange") && ur) ur.forEach((l) => changeLevels.add(l));
  });
  const specHigh = spec !== undefined;
  const candidates: UserRisk[] = [];
  for (const level of RISK_LEVELS) {
    candidates.push({ level, passwordChanged: false });
    if (changeLevels.has(level) || (specHigh && level === "high"))
      candidates.push({ level, passwordChanged: true });
  }
  return pick(g, candidates, (u) =>
    bits([
      specHigh && u.level === "high",
      u.passwordChanged,
      ...sets.map((s) => s !== undefined && s.has(u.level)),
    ]),
  );
}

function insiderRisksOf(m: EntraModel, g: EntraSpaceGranularity): InsiderRiskLevel[] {
  const levels = m.policies.map((p) => known(p.insiderRisk));
  return pick(g, INSIDER_RISK_LEVELS, (r) => bits(levels.map((l) => l === r)));
}

const TRUST_TYPES: Readonly<Record<string, Device["trustType"]>> = {
  azuread: "AzureAD",
  serverad: "ServerAD",
  workplace: "Workplace",
};

function device(extra: Partial<Device>): Device {
  return {
    registered: true,
    trustType: "AzureAD",
    isCompliant: false,
    intuneManaged: false,
    extensionAttributes: {},
    ...extra,
  };
}

/** A registered device with `property` set to `value`, for the filters that compare it (R15). */
function deviceWith(property: string, value: string): Device | undefined {
  if (property === "trustType") {
    const t = TRUST_TYPES[value];
    return t ? device({ trustType: t }) : undefined;
  }
  if (property === "isCompliant") return device({ isCompliant: value === "true" });
  if (property === "physicalIds" || property === "systemLabels") return device({ [property]: [value] });
  const ext = /^extensionAttribute(\d+)$/.exec(property);
  if (ext) return device({ intuneManaged: true, extensionAttributes: { [ext[1]]: value } });
  return device({ [property]: value });
}

function literals(expr: DeviceFilterExpr, out: { property: string; value: string }[]): void {
  if (expr.kind === "compare") {
    for (const v of expr.values) if (v !== null) out.push({ property: expr.property, value: v });
  } else if (expr.kind === "not") literals(expr.operand, out);
  else {
    literals(expr.left, out);
    literals(expr.right, out);
  }
}

function devicesOf(m: EntraModel, g: EntraSpaceGranularity): (Device | undefined)[] {
  const filters = m.policies.flatMap((p) => {
    const f = known(p.deviceFilter);
    return f ? [f] : [];
  });
  const candidates: (Device | undefined)[] = [
    undefined,
    { registered: false, isCompliant: false, intuneManaged: false, extensionAttributes: {} },
    device({}),
    device({ isCompliant: true }),
    device({ trustType: "ServerAD" }),
    device({ trustType: "ServerAD", isCompliant: true }),
    device({ trustType: "Workplace" }),
    device({ trustType: "Workplace", isCompliant: true }),
  ];
  const found: { property: string; value: string }[] = [];
  for (const f of filters) literals(f.expr, found);
  for (const { property, value } of found) candidates.push(deviceWith(property, value));
  const compliantMatters = usesControl(m, "compliantDevice");
  const hybridMatters = usesControl(m, "domainJoinedDevice");
  return pick(g, candidates, (d) => {
    const facts = deviceFactsOf(d);
    return bits([
      compliantMatters && d?.registered === true && d.isCompliant,
      hybridMatters && d?.registered === true && d.trustType === "ServerAD",
      ...filters.map((f) => matchDeviceFilter(f.expr, facts)),
    ]);
  });
}

function flowsOf(m: EntraModel, g: EntraSpaceGranularity): (TransferMethod | undefined)[] {
  const sets = m.policies.map((p) => known(p.transferMethods));
  // Device-state controls cannot be met in device code flow (R21).
  const deviceControls = usesControl(m, "compliantDevice") || usesControl(m, "domainJoinedDevice");
  return pick(g, [undefined, ...TRANSFER_METHODS], (f) =>
    bits([
      deviceControls && f === "deviceCodeFlow",
      ...sets.map((s) => s !== undefined && f !== undefined && s.has(f)),
    ]),
  );
}

// -- what has been satisfied ------------------------------------------------------------------------------

function methodsOf(m: EntraModel, g: EntraSpaceGranularity): (readonly AuthenticationMethod[])[] {
  const strengths = [...m.strengths.values()];
  const candidates: (readonly AuthenticationMethod[])[] = [...METHOD_SETS];
  for (const s of strengths)
    for (const c of s.combinations) candidates.push(c as readonly AuthenticationMethod[]);
  // The built-in strengths always split the classes: the spec's tiers speak of them.
  const builtIns = Object.values(BUILT_IN_STRENGTH_IDS).map((id) =>
    BUILT_IN_STRENGTHS[id].combinations.map((c) => c.split(",")),
  );
  const covers = (combos: readonly (readonly string[])[], used: ReadonlySet<string>) =>
    combos.some((c) => c.every((x) => used.has(x)));
  return pick(g, candidates, (ms) => {
    const used = new Set<string>(ms);
    return bits([
      ...builtIns.map((b) => covers(b, used)),
      ...strengths.map((s) => covers(s.combinations, used)),
    ]);
  });
}

function controlsOf(m: EntraModel): OtherControls[] {
  const all = grants(m).flatMap((gr) => gr.controls);
  const items: string[] = [];
  if (all.some((c) => c.kind === "approvedApplication")) items.push("approvedApplication");
  if (all.some((c) => c.kind === "compliantApplication")) items.push("compliantApplication");
  for (const c of all) {
    if (c.kind === "termsOfUse") items.push(`termsOfUse:${c.id}`);
    if (c.kind === "customAuthenticationFactor") items.push(`customFactor:${c.id}`);
  }
  return subsets(uniqueBy(items, (x) => x)).map((set) => ({
    approvedApplication: set.includes("approvedApplication"),
    compliantApplication: set.includes("compliantApplication"),
    termsOfUse: set.flatMap((x) => (x.startsWith("termsOfUse:") ? [x.slice("termsOfUse:".length)] : [])),
    customFactors: set.flatMap((x) =>
      x.startsWith("customFactor:") ? [x.slice("customFactor:".length)] : [],
    ),
  }));
}

// -- building and printing contexts -------------------------------------------------------------------------

const DEFAULTS = entraContextSchema.parse({
  user: { id: ENTRA_ANYONE },
  application: ENTRA_OTHER_APP,
  device: {},
});

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `value` without what equals `defaults`; undefined when nothing is left to say. */
function prune(value: unknown, defaults: unknown): unknown {
  if (JSON.stringify(value) === JSON.stringify(defaults)) return undefined;
  if (!isPlainObject(value) || !isPlainObject(defaults)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const p = k in defaults ? prune(v, defaults[k]) : v;
    if (p !== undefined) out[k] = p;
  }
  return out;
}

/** A context as a scenario writes it: the fields left at their defaults are left out (the schema fills them back in). */
export function minimalEntraContext(ctx: EntraContext): Record<string, unknown> {
  const out = (prune({ ...ctx }, DEFAULTS) ?? {}) as Record<string, unknown>;
  if (ctx.user) out.user = { id: ctx.user.id, ...((prune(ctx.user, DEFAULTS.user) ?? {}) as object) };
  if (ctx.device) out.device = prune(ctx.device, DEFAULTS.device) ?? {};
  if (ctx.application !== undefined) out.application = ctx.application;
  const ordered: Record<string, unknown> = {};
  for (const k of Object.keys(ctx)) if (k in out) ordered[k] = out[k];
  return ordered;
}

/** Contexts of the space print (JSON, YAML scenario cases) in their minimal form. */
const PRINTS_MINIMAL = {
  toJSON(this: EntraContext) {
    return minimalEntraContext(this);
  },
};

function contextOf(v: Values): EntraContext {
  const ctx = Object.create(PRINTS_MINIMAL) as { -readonly [K in keyof EntraContext]: EntraContext[K] };
  ctx.user = {
    id: v.user,
    groups: v.groups as string[],
    roles: v.roles as string[],
    type: v.guest.type,
    ...(v.guest.guestKind ? { guestKind: v.guest.guestKind } : {}),
    ...(v.guest.homeTenant ? { homeTenant: v.guest.homeTenant } : {}),
  };
  if ("userAction" in v.target) ctx.userAction = v.target.userAction;
  else ctx.application = v.target.application;
  ctx.applicationSuites = [];
  ctx.clientApp = v.clientApp;
  ctx.platform = v.platform;
  if (v.network.ip !== undefined) ctx.ip = v.network.ip;
  if (v.network.country !== undefined) ctx.country = v.network.country;
  if (v.network.gpsCountry !== undefined) ctx.gpsCountry = v.network.gpsCountry;
  ctx.signInRisk = v.signInRisk;
  ctx.userRisk = v.userRisk.level;
  ctx.insiderRisk = v.insiderRisk;
  if (v.device) ctx.device = v.device;
  if (v.authenticationFlow) ctx.authenticationFlow = v.authenticationFlow;
  ctx.satisfied = {
    methods: v.methods as AuthenticationMethod[],
    approvedApplication: v.controls.approvedApplication,
    compliantApplication: v.controls.compliantApplication,
    passwordChanged: v.userRisk.passwordChanged,
    termsOfUse: v.controls.termsOfUse as string[],
    customFactors: v.controls.customFactors as string[],
  };
  return ctx;
}

/**
 * The context space of one Entra configuration (user sign-ins; workload identities are not generated).
 * `spec` adds what the organisation declares even where the configuration has lost it (break-glass
 * accounts, administrator roles, trusted networks, blocked countries, the risk levels it answers), so a
 * configuration that forgot them is still tested on them.
 */
export function entraContextSpace(
  model: TerraformModel,
  spec?: BaselineSpec,
  options: EntraSpaceOptions = {},
): ContextSpace<EntraContext> {
  const g = options.granularity ?? "classes";
  const m = compileEntra(model);
  const dims: Dims = {
    user: usersOf(m, spec, g),
    groups: groupsOf(model, m, spec, g),
    roles: rolesOf(m, spec, g),
    guest: guestsOf(m, g),
    target: targetsOf(m, spec, g),
    clientApp: clientAppsOf(m, g),
    platform: platformsOf(m, g),
    network: networksOf(m, spec, g),
    signInRisk: signInRisksOf(m, spec, g),
    userRisk: userRisksOf(m, spec, g),
    insiderRisk: insiderRisksOf(m, g),
    device: devicesOf(m, g),
    authenticationFlow: flowsOf(m, g),
    methods: methodsOf(m, g),
    controls: controlsOf(m),
  };
  const dimensions: Dimension[] = ORDER.map((name) => ({ name, values: dims[name] }));
  return {
    provider: "entra",
    dimensions,
    build(values) {
      const v = {} as Record<keyof Values, unknown>;
      for (let i = 0; i < ORDER.length; i++) v[ORDER[i]] = values[i];
      return contextOf(v as unknown as Values);
    },
  };
}

/** Re-exported for invariants that speak of CIDRs the spec names. */
export { cidrRange, inRanges, type Range as IpRange };
