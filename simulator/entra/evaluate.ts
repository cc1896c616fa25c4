/**
 * Evaluates one sign-in against the compiled policies, as Conditional Access documents it: select the
 * policies whose every configured condition matches, then require every enforced policy's grant controls
 * (block wins), and report report-only policies on the side. Pure and synchronous.
 * Rules R1-R25: ../shared/reference/entra-conditional-access.md.
 */
import ipaddr from "ipaddr.js";
import type { Requirement, TraceEntry, Verdict } from "../decision";
import type { EntraContext } from "./context";
import {
  REPORT_ONLY_LABELS,
  type AggregatedSessionControls,
  type EntraDecision,
  type NotAppliedPolicy,
  type PolicyOutcome,
  type PolicyResult,
  type ReportOnlyOutcome,
  type RequiredControl,
} from "./decision";
import { matchDeviceFilter, type DeviceFacts, type DeviceProperty } from "./device-filter";
import { bytesToBigInt } from "./compile";
import type {
  ApplicationsCondition,
  AuthenticationStrength,
  ConditionalAccessPolicy,
  DeviceFilterCondition,
  EntraModel,
  GrantControl,
  GrantControls,
  LocationSelection,
  LocationsCondition,
  PolicyState,
  PrincipalSelection,
  Readable,
  SessionControls,
  SignInFrequency,
  Unreadable,
  UsersCondition,
} from "./model";
import {
  ADMIN_PORTAL_APP_IDS,
  APPLICATION_SUITES,
  AUTHENTICATION_METHODS,
  BUILT_IN_STRENGTH_IDS,
  BUILT_IN_STRENGTHS,
  CLIENT_APP_TYPES,
  DEVICE_PLATFORMS,
  LEGACY_CLIENT_APP_TYPES,
  RISK_LEVELS,
  TRANSFER_METHODS,
  USER_ACTIONS,
  OFFICE_365_APP_IDS,
  PROMPT_ORDER,
  type GrantControlKind,
  type UserAction,
  type GuestKind,
  type NotAppliedReason,
} from "./vocabulary";

export interface EvaluateOptions {
  readonly trace?: boolean;
}

const MFA_STRENGTH = BUILT_IN_STRENGTHS[BUILT_IN_STRENGTH_IDS.mfa].combinations.map((c) => c.split(","));
const NO_STRINGS: readonly string[] = [];

/** Facts about the sign-in, derived once per evaluation. */
class Facts {
  readonly userId?: string;
  /** Direct and nested groups (https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups, R6). */
  readonly groups: readonly string[];
  readonly roles: readonly string[];
  readonly guestKind?: GuestKind;
  readonly homeTenant?: string;
  readonly application?: string;
  readonly userAction?: UserAction;
  readonly insiderRisk: string;
  readonly authenticationFlow?: string;
  /** The suites the application belongs to, as `SUITE_BIT` bits. */
  readonly suiteBits: number;
  /** The user action as its `USER_ACTION_BIT`, else 0. */
  readonly userActionBit: number;
  /** Per policy: whether it names the application among its included (`APP_INCLUDED`) or excluded (`APP_EXCLUDED`) apps. */
  readonly appFlags: Uint8Array;
  /** The methods used, as `METHOD_BIT` bits. */
  readonly methodBits: number;
  readonly compliant: boolean;
  readonly hybridJoined: boolean;
  readonly legacy: boolean;
  /** The context's client app, platform, risk levels and transfer method, each as one bit of the masks `FastPolicy` holds. */
  readonly clientBit: number;
  readonly platformBit: number;
  readonly signInRiskBit: number;
  readonly userRiskBit: number;
  readonly flowBit: number;
  private located?: { readonly keys: ReadonlySet<string>; readonly trusted: boolean };
  private deviceFacts?: DeviceFacts;

  constructor(
    private readonly model: EntraModel,
    idx: ModelIndex,
    readonly ctx: EntraContext,
  ) {
    const user = ctx.user;
    if (user) {
      this.userId = user.id;
      this.groups = nestedGroups(model, user.id, user.groups);
      this.roles = user.roles;
      this.guestKind = user.guestKind ?? (user.type === "guest" ? "b2bCollaborationGuest" : undefined);
      this.homeTenant = user.homeTenant;
    } else {
      this.groups = NO_STRINGS;
      this.roles = NO_STRINGS;
    }
    this.application = ctx.application;
    this.userAction = ctx.userAction;
    this.insiderRisk = ctx.insiderRisk;
    this.authenticationFlow = ctx.authenticationFlow;
    this.suiteBits = suiteBitsOf(ctx);
    this.userActionBit = ctx.userAction === undefined ? 0 : USER_ACTION_BIT[ctx.userAction];
    this.appFlags = (ctx.application !== undefined && idx.apps.get(ctx.application)) || idx.noApp;
    this.methodBits = methodBitsOf(ctx.satisfied.methods);
    const dev = ctx.device;
    this.compliant = ctx.satisfied.compliantDevice ?? (dev?.registered === true && dev.isCompliant);
    this.hybridJoined =
      ctx.satisfied.hybridJoinedDevice ?? (dev?.registered === true && dev.trustType === "ServerAD");
    this.legacy = LEGACY_CLIENT_APP_TYPES.has(ctx.clientApp);
    this.clientBit = CLIENT_BIT[ctx.clientApp] ?? 0;
    this.platformBit = PLATFORM_BIT[ctx.platform] ?? 0;
    this.signInRiskBit = RISK_BIT[ctx.signInRisk] ?? 0;
    this.userRiskBit = RISK_BIT[ctx.userRisk] ?? 0;
    this.flowBit =
      ctx.authenticationFlow === undefined ? NO_FLOW_BIT : (FLOW_BIT[ctx.authenticationFlow] ?? 0);
  }

  /** Whether the methods used cover one of the combinations. */
  covers(combinations: readonly (readonly string[])[]): boolean {
    const masks = combinationMasks(combinations);
    for (let i = 0; i < masks.length; i++) if ((masks[i] & ~this.methodBits) === 0) return true;
    return false;
  }

  /** Named locations the sign-in is in, and whether any of them is trusted; computed on first use. */
  locations(): { readonly keys: ReadonlySet<string>; readonly trusted: boolean } {
    return (this.located ??= locateSignIn(this.model, this.ctx));
  }

  /** The device's properties for filters; built on first use. */
  get device(): DeviceFacts {
    return (this.deviceFacts ??= deviceFactsOf(this.ctx.device));
  }
}

function nestedGroups(model: EntraModel, userId: string, direct: readonly string[]): readonly string[] {
  let nested: Set<string> | undefined;
  const own = model.memberOf.get(userId);
  if (own !== undefined) for (const p of own) (nested ??= new Set(direct)).add(p);
  for (let i = 0; i < direct.length; i++) {
    const parents = model.memberOf.get(direct[i]);
    if (parents !== undefined) for (const p of parents) (nested ??= new Set(direct)).add(p);
  }
  return nested === undefined ? direct : [...nested];
}

const SUITE_BIT = bitsOf(APPLICATION_SUITES);
const USER_ACTION_BIT = bitsOf(USER_ACTIONS);

function suiteBitsOf(ctx: EntraContext): number {
  let bits = 0;
  for (let i = 0; i < ctx.applicationSuites.length; i++) bits |= SUITE_BIT[ctx.applicationSuites[i]];
  const app = ctx.application;
  if (app !== undefined) {
    if (OFFICE_365_APP_IDS.has(app)) bits |= SUITE_BIT.Office365;
    if (ADMIN_PORTAL_APP_IDS.has(app)) bits |= SUITE_BIT.MicrosoftAdminPortals;
  }
  return bits;
}

const METHOD_BIT = bitsOf(AUTHENTICATION_METHODS);

function methodBitsOf(methods: readonly string[]): number {
  let bits = 0;
  for (let i = 0; i < methods.length; i++) bits |= METHOD_BIT[methods[i]] ?? 0;
  return bits;
}

/** A combination naming a method outside the vocabulary can never be covered. */
const UNCOVERABLE = -1;
const combinationMaskCache = new WeakMap<readonly (readonly string[])[], readonly number[]>();

/** Each combination as the `METHOD_BIT` bits it needs (R22). */
function combinationMasks(combinations: readonly (readonly string[])[]): readonly number[] {
  let masks = combinationMaskCache.get(combinations);
  if (masks === undefined) {
    masks = combinations.map((c) =>
      c.every((m) => METHOD_BIT[m] !== undefined) ? methodBitsOf(c) : UNCOVERABLE,
    );
    combinationMaskCache.set(combinations, masks);
  }
  return masks;
}

/**
 * Per-model lookups built on first evaluation: which policies include a given user, group or role, so a
 * policy that cannot include the signing-in user costs one array read; and the not-applied entries,
 * which are immutable, allocated once.
 */
interface ModelIndex {
  /** Per policy: whose users include everyone, guests, or typed guests (checked in full). */
  readonly broad: Uint8Array;
  /** Policies including (`include`) or excluding (`exclude`) a user, group or role, by its key. */
  readonly include: KeyIndex;
  readonly exclude: KeyIndex;
  /** Per policy: its conditions precompiled, when every one of them could be read. */
  readonly fast: readonly (FastPolicy | undefined)[];
  /** Per policy: what is read of it once it applies. */
  readonly entries: readonly PolicyEntry[];
  /** Per policy: its state as a `STATE_*` code. */
  readonly state: Uint8Array;
  /** By app ID: per policy, `APP_INCLUDED` / `APP_EXCLUDED` when its applications name it. */
  readonly apps: ReadonlyMap<string, Uint8Array>;
  /** Flags for an app no policy names. */
  readonly noApp: Uint8Array;
  /** Scratch space for `principalMarks`. */
  readonly marks: Uint8Array;
  /** By `(policy * 3 + state) * REASONS + reason`. */
  readonly notApplied: (NotAppliedPolicy | undefined)[];
}

const NOT_APPLIED_STATES: readonly NotAppliedPolicy["state"][] = ["enabled", "reportOnly", "disabled"];
const REASON_INDEX: Readonly<Record<NotAppliedReason, number>> = {
  policyNotEnabled: 0,
  users: 1,
  workloadIdentities: 2,
  application: 3,
  userActions: 4,
  devicePlatform: 5,
  location: 6,
  clientApps: 7,
  signInRisk: 8,
  userRisk: 9,
  servicePrincipalRisk: 10,
  insiderRisk: 11,
  devices: 12,
  authenticationFlow: 13,
};
const REASONS = 14;
/** Reason codes as recorded per policy: the reason's index + 1. */
const CODE = Object.fromEntries(Object.entries(REASON_INDEX).map(([r, i]) => [r, i + 1])) as Readonly<
  Record<NotAppliedReason, number>
>;

interface KeyIndex {
  readonly users: ReadonlyMap<string, readonly number[]>;
  readonly groups: ReadonlyMap<string, readonly number[]>;
  readonly roles: ReadonlyMap<string, readonly number[]>;
}

/**
 * A policy with every condition read, its closed-set conditions as bit masks over the values a context can
 * take (a mask of every bit when the condition is not configured, R2), so that checking one is one AND.
 */
interface FastPolicy {
  readonly users: UsersCondition;
  readonly includeAll: boolean;
  readonly includeGuests: boolean;
  /** Excludes everyone or guests: checked in full rather than through the key index. */
  readonly excludeBroad: boolean;
  readonly appsIncludeAll: boolean;
  readonly appsIncludeSuites: number;
  readonly appsExcludeSuites: number;
  readonly userActions: number;
  readonly hasPlatforms: boolean;
  readonly platformsInclude: number;
  readonly platformsExclude: number;
  readonly locations?: LocationsCondition;
  readonly clientApps: number;
  readonly signInRisk: number;
  readonly userRisk: number;
  readonly insiderRisk?: string;
  readonly deviceFilter?: DeviceFilterCondition;
  readonly transferMethods: number;
}

function bitsOf(values: readonly string[]): Record<string, number> {
  return Object.fromEntries(values.map((v, i) => [v, 1 << i]));
}
const CLIENT_BIT = bitsOf(CLIENT_APP_TYPES);
/** `unknown` gets a bit of its own that only `all` sets (R11). */
const PLATFORM_BIT = bitsOf([...DEVICE_PLATFORMS, "unknown"]);
const RISK_BIT = bitsOf(RISK_LEVELS);
const FLOW_BIT = bitsOf(["none", ...TRANSFER_METHODS]);
const NO_FLOW_BIT = FLOW_BIT.none;
const ALL_BITS = 0x7fffffff;

function maskOf(set: ReadonlySet<string> | undefined, bit: Readonly<Record<string, number>>): number {
  if (set === undefined) return ALL_BITS;
  let m = 0;
  for (const v of set) m |= bit[v] ?? 0;
  return m;
}

function platformMask(set: ReadonlySet<string>): number {
  return set.has("all") ? ALL_BITS : maskOf(set, PLATFORM_BIT) & ~PLATFORM_BIT.unknown;
}

function readOrUndefined<T>(v: Readable<T> | undefined): { ok: boolean; value?: T } {
  if (v === undefined) return { ok: true };
  if (typeof v === "object" && v !== null && "unreadable" in v) return { ok: false };
  return { ok: true, value: v as T };
}

function fastPolicy(p: ConditionalAccessPolicy): FastPolicy | undefined {
  const users = readOrUndefined(p.users);
  const apps = readOrUndefined(p.applications);
  const platforms = readOrUndefined(p.platforms);
  const locations = readOrUndefined(p.locations);
  const clientApps = readOrUndefined(p.clientAppTypes);
  const signInRisk = readOrUndefined(p.signInRisk);
  const userRisk = readOrUndefined(p.userRisk);
  const deviceFilter = readOrUndefined(p.deviceFilter);
  const transfer = readOrUndefined(p.transferMethods);
  const insider = p.insiderRisk;
  if (typeof insider === "object") return undefined;
  const parts = [users, apps, platforms, locations, clientApps, signInRisk, userRisk, deviceFilter, transfer];
  if (parts.some((x) => !x.ok) || users.value === undefined || apps.value === undefined) return undefined;
  const u = users.value;
  return {
    users: u,
    includeAll: u.include.all,
    includeGuests: u.include.allGuests || u.include.guestKinds !== undefined,
    excludeBroad: u.exclude.all || u.exclude.allGuests || u.exclude.guestKinds !== undefined,
    appsIncludeAll: apps.value.includeAll,
    appsIncludeSuites: maskOf(apps.value.includeSuites, SUITE_BIT),
    appsExcludeSuites: maskOf(apps.value.excludeSuites, SUITE_BIT),
    userActions: maskOf(apps.value.userActions, USER_ACTION_BIT),
    hasPlatforms: platforms.value !== undefined,
    platformsInclude: platforms.value ? platformMask(platforms.value.include) : ALL_BITS,
    platformsExclude: platforms.value ? platformMask(platforms.value.exclude) : 0,
    locations: locations.value,
    clientApps: maskOf(clientApps.value, CLIENT_BIT),
    signInRisk: maskOf(signInRisk.value, RISK_BIT),
    userRisk: maskOf(userRisk.value, RISK_BIT),
    insiderRisk: insider,
    deviceFilter: deviceFilter.value,
    transferMethods: maskOf(transfer.value, FLOW_BIT),
  };
}

const indexes = new WeakMap<EntraModel, ModelIndex>();

function keyIndex(): {
  users: Map<string, number[]>;
  groups: Map<string, number[]>;
  roles: Map<string, number[]>;
} {
  return { users: new Map(), groups: new Map(), roles: new Map() };
}

function addKeys(index: ReturnType<typeof keyIndex>, sel: PrincipalSelection, i: number): void {
  const add = (map: Map<string, number[]>, k: string) => {
    const l = map.get(k);
    if (l) {
      if (l[l.length - 1] !== i) l.push(i);
    } else map.set(k, [i]);
  };
  for (const k of sel.users) add(index.users, k);
  for (const k of sel.groups) add(index.groups, k);
  for (const k of sel.roles) add(index.roles, k);
}

function indexOf(model: EntraModel): ModelIndex {
  let idx = indexes.get(model);
  if (idx) return idx;
  const broad = new Uint8Array(model.policies.length);
  const include = keyIndex();
  const exclude = keyIndex();
  model.policies.forEach((p, i) => {
    const u = p.users;
    if (u === undefined || "unreadable" in u) return;
    const inc = u.include;
    if (inc.all || inc.allGuests || inc.guestKinds) broad[i] = 1;
    addKeys(include, inc, i);
    addKeys(exclude, u.exclude, i);
  });
  idx = {
    broad,
    include,
    exclude,
    fast: model.policies.map(fastPolicy),
    entries: model.policies.map(policyEntry),
    state: Uint8Array.from(model.policies, (p) => stateCode(p.state)),
    apps: appIndex(model.policies),
    noApp: new Uint8Array(model.policies.length),
    marks: new Uint8Array(model.policies.length),
    notApplied: new Array<NotAppliedPolicy | undefined>(model.policies.length * 3 * REASONS),
  };
  indexes.set(model, idx);
  return idx;
}

/** The parts of a policy read once it applies, all in one shape (policies themselves vary in shape). */
interface PolicyEntry {
  readonly address: string;
  readonly displayName: string;
  readonly grant: ConditionalAccessPolicy["grant"];
  readonly session: ConditionalAccessPolicy["session"];
}

function policyEntry(p: ConditionalAccessPolicy): PolicyEntry {
  return { address: p.address, displayName: p.displayName, grant: p.grant, session: p.session };
}

const APP_INCLUDED = 1;
const APP_EXCLUDED = 2;

function appIndex(policies: readonly ConditionalAccessPolicy[]): Map<string, Uint8Array> {
  const apps = new Map<string, Uint8Array>();
  const flag = (app: string, i: number, bit: number) => {
    let flags = apps.get(app);
    if (flags === undefined) apps.set(app, (flags = new Uint8Array(policies.length)));
    flags[i] |= bit;
  };
  policies.forEach((p, i) => {
    const a = p.applications;
    if ("unreadable" in a) return;
    for (const app of a.includeApps) flag(app, i, APP_INCLUDED);
    for (const app of a.excludeApps) flag(app, i, APP_EXCLUDED);
  });
  return apps;
}

const STATE_ENABLED = 0;
const STATE_REPORT_ONLY = 1;
const STATE_DISABLED = 2;
const STATE_UNREADABLE = 3;

function stateCode(state: Readable<PolicyState>): number {
  if (typeof state !== "string") return STATE_UNREADABLE;
  if (state === "disabled") return STATE_DISABLED;
  return state === "enabledForReportingButNotEnforced" ? STATE_REPORT_ONLY : STATE_ENABLED;
}

function notAppliedEntry(
  idx: ModelIndex,
  i: number,
  p: ConditionalAccessPolicy,
  state: 0 | 1 | 2,
  code: number,
): NotAppliedPolicy {
  const k = (i * 3 + state) * REASONS + code - 1;
  let e = idx.notApplied[k];
  if (e === undefined) {
    const reason = REASON_BY_INDEX[code - 1];
    idx.notApplied[k] = e = Object.freeze({ address: p.address, state: NOT_APPLIED_STATES[state], reason });
  }
  return e;
}

const INCLUDED = 1;
const EXCLUDED = 2;

function markAll(marks: Uint8Array, list: readonly number[] | undefined, bit: number): void {
  if (list !== undefined) for (let i = 0; i < list.length; i++) marks[list[i]] |= bit;
}

function markKeys(marks: Uint8Array, index: KeyIndex, f: Facts, bit: number): void {
  if (f.userId !== undefined) markAll(marks, index.users.get(f.userId), bit);
  for (let i = 0; i < f.groups.length; i++) markAll(marks, index.groups.get(f.groups[i]), bit);
  for (let i = 0; i < f.roles.length; i++) markAll(marks, index.roles.get(f.roles[i]), bit);
}

/**
 * Per policy, whether one of the user's keys (ID, groups incl. nested, roles) is among its included
 * (`INCLUDED`) or excluded (`EXCLUDED`) users, groups or roles: exactly what `userIn` finds through them.
 */
function principalMarks(idx: ModelIndex, f: Facts): Uint8Array {
  // One buffer per model, reused: evaluation is synchronous and the marks do not outlive it.
  const marks = idx.marks;
  marks.fill(0);
  markKeys(marks, idx.include, f, INCLUDED);
  markKeys(marks, idx.exclude, f, EXCLUDED);
  return marks;
}

/**
 * `applicability` for a user sign-in and a fully read policy, in the same What-If order: 0 when the policy
 * applies, else the first failing reason's code.
 */
function fastNotApplied(fp: FastPolicy, i: number, f: Facts, mark: number): number {
  if (!(fp.includeAll || (mark & INCLUDED) !== 0 || (fp.includeGuests && userIn(fp.users.include, f))))
    return CODE.users;
  if ((mark & EXCLUDED) !== 0 || (fp.excludeBroad && userIn(fp.users.exclude, f))) return CODE.users;
  const a = fastApplication(fp, f, f.appFlags[i]);
  if (a !== 0) return a;
  if (
    fp.hasPlatforms &&
    ((fp.platformsInclude & f.platformBit) === 0 || (fp.platformsExclude & f.platformBit) !== 0)
  )
    return CODE.devicePlatform;
  const loc = fp.locations;
  if (loc !== undefined && (!locationIn(loc.include, f) || locationIn(loc.exclude, f))) return CODE.location;
  if ((fp.clientApps & f.clientBit) === 0) return CODE.clientApps;
  if ((fp.signInRisk & f.signInRiskBit) === 0) return CODE.signInRisk;
  if ((fp.userRisk & f.userRiskBit) === 0) return CODE.userRisk;
  if (fp.insiderRisk !== undefined && fp.insiderRisk !== f.insiderRisk) return CODE.insiderRisk;
  const df = fp.deviceFilter;
  if (df !== undefined) {
    const matched = matchDeviceFilter(df.expr, f.device);
    if (df.mode === "include" ? !matched : matched) return CODE.devices;
  }
  if ((fp.transferMethods & f.flowBit) === 0) return CODE.authenticationFlow;
  return 0;
}

const parsedIps = new Map<string, { v4?: number; v6?: bigint }>();

function parseIp(ip: string): { v4?: number; v6?: bigint } {
  let p = parsedIps.get(ip);
  if (p) return p;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip);
  } catch {
    throw new Error(`context ip "${ip}" is not an IPv4 or IPv6 address`);
  }
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  const n = bytesToBigInt(addr.toByteArray());
  p = addr.kind() === "ipv4" ? { v4: Number(n) } : { v6: n };
  if (parsedIps.size > 10_000) parsedIps.clear();
  parsedIps.set(ip, p);
  return p;
}

/**
 * IP named locations by CIDR of the public IP; country locations by the IP's country (or Authenticator GPS),
 * with "include unknown countries/regions" matching IPs that map to no country.
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network (R12)
 */
function locateSignIn(model: EntraModel, ctx: EntraContext): { keys: ReadonlySet<string>; trusted: boolean } {
  const keys = new Set<string>();
  let trusted = false;
  const ip = ctx.ip === undefined ? undefined : parseIp(ctx.ip);
  for (const [key, loc] of model.namedLocations) {
    let inside = false;
    if (loc.kind === "ip") {
      if (ip?.v4 !== undefined) inside = loc.v4.some(([lo, hi]) => ip.v4! >= lo && ip.v4! <= hi);
      else if (ip?.v6 !== undefined) inside = loc.v6.some(([lo, hi]) => ip.v6! >= lo && ip.v6! <= hi);
      if (inside && loc.trusted) trusted = true;
    } else if (loc.kind === "country") {
      const country = loc.lookup === "authenticatorAppGps" ? ctx.gpsCountry : ctx.country;
      inside = country === undefined ? loc.includeUnknown : loc.countries.has(country);
    }
    if (inside) keys.add(key);
  }
  return { keys, trusted };
}

/**
 * Device properties for filters; an unregistered device has only null properties, and extension
 * attributes are visible only on Intune-managed, compliant or hybrid-joined devices.
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-condition-filters-for-devices (R15)
 */
export function deviceFactsOf(d: EntraContext["device"]): DeviceFacts {
  if (!d || !d.registered) return () => null;
  const lower = (s: string | undefined) => (s === undefined ? null : s.toLowerCase());
  const extensionsVisible = d.intuneManaged || d.isCompliant || d.trustType === "ServerAD";
  return (p: DeviceProperty) => {
    switch (p) {
      case "isCompliant":
        return d.isCompliant ? "true" : "false";
      case "trustType":
        return lower(d.trustType);
      case "physicalIds":
        return d.physicalIds ? d.physicalIds.map((s) => s.toLowerCase()) : null;
      case "systemLabels":
        return d.systemLabels ? d.systemLabels.map((s) => s.toLowerCase()) : null;
      case "deviceId":
      case "displayName":
      case "deviceOwnership":
      case "enrollmentProfileName":
      case "manufacturer":
      case "mdmAppId":
      case "model":
      case "operatingSystem":
      case "operatingSystemVersion":
      case "profileType":
        return lower(d[p]);
      default: {
        const n = p.slice("extensionAttribute".length);
        return extensionsVisible ? lower(d.extensionAttributes[n]) : null;
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------------
// Conditions. Each returns true (matches), false (does not), in What-If order.

/** https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups (R6, R7) */
function userIn(sel: PrincipalSelection, f: Facts): boolean {
  if (sel.all) return true; // "All users that exist in the directory including B2B guests"
  if (f.userId !== undefined && sel.users.has(f.userId)) return true;
  if (f.guestKind !== undefined) {
    if (sel.allGuests) return true;
    const gk = sel.guestKinds;
    if (gk && gk.kinds.has(f.guestKind)) {
      const home = f.homeTenant;
      if (gk.tenants === "all" || (home !== undefined && gk.tenants.has(home))) return true;
    }
  }
  if (sel.groups.size > 0)
    for (let i = 0; i < f.groups.length; i++) if (sel.groups.has(f.groups[i])) return true;
  if (sel.roles.size > 0) for (let i = 0; i < f.roles.length; i++) if (sel.roles.has(f.roles[i])) return true;
  return false;
}

/** https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps (R9) */
function applicationMatches(a: ApplicationsCondition, f: Facts): NotAppliedReason | undefined {
  const action = f.userAction;
  if (action !== undefined) return a.userActions.has(action) ? undefined : "userActions";
  const app = f.application as string;
  let included = a.includeAll || a.includeApps.has(app);
  if (!included && (maskOf(a.includeSuites, SUITE_BIT) & f.suiteBits) !== 0) included = true;
  if (!included) return "application";
  if (a.excludeApps.has(app)) return "application";
  if ((maskOf(a.excludeSuites, SUITE_BIT) & f.suiteBits) !== 0) return "application";
  return undefined;
}

/** `applicationMatches` for a precompiled policy, as a reason code (0: matches). */
function fastApplication(fp: FastPolicy, f: Facts, appFlags: number): number {
  if (f.userAction !== undefined) return (fp.userActions & f.userActionBit) !== 0 ? 0 : CODE.userActions;
  const included =
    fp.appsIncludeAll || (appFlags & APP_INCLUDED) !== 0 || (fp.appsIncludeSuites & f.suiteBits) !== 0;
  if (!included || (appFlags & APP_EXCLUDED) !== 0 || (fp.appsExcludeSuites & f.suiteBits) !== 0)
    return CODE.application;
  return 0;
}

/** https://learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network (R12) */
function locationIn(sel: LocationSelection, f: Facts): boolean {
  if (sel.all) return true;
  const here = f.locations();
  if (sel.allTrusted && here.trusted) return true;
  if (sel.locations.size > 0 && here.keys.size > 0)
    for (const k of sel.locations) if (here.keys.has(k)) return true;
  return false;
}

type Applicability =
  | { readonly applies: true; readonly unreadable?: undefined }
  /** `code`: the reason's index + 1, as recorded per policy. */
  | { readonly applies: false; readonly reason: NotAppliedReason; readonly code: number }
  | { readonly applies: "unknown"; readonly unreadable: readonly string[] };

const APPLIES: Applicability = { applies: true };
const NOT_APPLIED = Object.fromEntries(
  (
    [
      "users",
      "workloadIdentities",
      "application",
      "userActions",
      "devicePlatform",
      "location",
      "clientApps",
      "signInRisk",
      "userRisk",
      "servicePrincipalRisk",
      "insiderRisk",
      "devices",
      "authenticationFlow",
      "policyNotEnabled",
    ] as const
  ).map((r) => [r, { applies: false, reason: r, code: REASON_INDEX[r] + 1 }]),
) as Record<NotAppliedReason, Applicability>;
const NOT_USERS = NOT_APPLIED.users;

/**
 * All configured conditions must match; an unconfigured one matches everything (R1, R2:
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies).
 * Conditions are checked in What-If order and the first that fails is the reason (R25). A condition that
 * could not be read makes the policy's applicability unknown unless a later condition fails.
 */
function applicability(p: ConditionalAccessPolicy, f: Facts, userCandidate: boolean): Applicability {
  let unreadable: string[] | undefined;
  const ctx = f.ctx;

  if (ctx.servicePrincipal) {
    // https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups (R8)
    const sp = p.servicePrincipals;
    if (sp === undefined || ctx.servicePrincipal.kind !== "singleTenant")
      return NOT_APPLIED.workloadIdentities;
    if ("unreadable" in sp) (unreadable ??= []).push(sp.unreadable);
    else {
      const id = ctx.servicePrincipal.id;
      if (!(sp.includeAll || sp.include.has(id)) || sp.exclude.has(id)) return NOT_APPLIED.workloadIdentities;
    }
  } else {
    const u = p.users;
    if (u === undefined) return NOT_APPLIED.users;
    if ("unreadable" in u) (unreadable ??= []).push(u.unreadable);
    else if (!userCandidate || !userIn(u.include, f) || userIn(u.exclude, f)) return NOT_USERS;
  }

  const a = p.applications;
  if ("unreadable" in a) (unreadable ??= []).push(a.unreadable);
  else {
    const r = applicationMatches(a, f);
    if (r) return NOT_APPLIED[r];
  }

  const pl = p.platforms;
  if (pl !== undefined) {
    if ("unreadable" in pl) (unreadable ??= []).push(pl.unreadable);
    else {
      // Unknown platforms match only "all" (R11, https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions)
      const platform = ctx.platform;
      const inc = pl.include.has("all") || (platform !== "unknown" && pl.include.has(platform));
      const exc = pl.exclude.has("all") || (platform !== "unknown" && pl.exclude.has(platform));
      if (!inc || exc) return NOT_APPLIED.devicePlatform;
    }
  }

  const loc = p.locations;
  if (loc !== undefined) {
    if ("unreadable" in loc) (unreadable ??= []).push(loc.unreadable);
    else if (!locationIn(loc.include, f) || locationIn(loc.exclude, f)) return NOT_APPLIED.location;
  }

  const ca = p.clientAppTypes;
  if (ca !== undefined) {
    if ("unreadable" in ca) (unreadable ??= []).push(ca.unreadable);
    else if (!ca.has(ctx.clientApp)) return NOT_APPLIED.clientApps;
  }

  // Risk levels are exact sets; the context's default level is `none` (R13, R14,
  // https://learn.microsoft.com/graph/api/resources/signinconditions).
  if (ctx.servicePrincipal) {
    const r = p.servicePrincipalRisk;
    if (r !== undefined) {
      if ("unreadable" in r) (unreadable ??= []).push(r.unreadable);
      else if (!r.has(ctx.servicePrincipal.risk)) return NOT_APPLIED.servicePrincipalRisk;
    }
  } else {
    const sr = p.signInRisk;
    if (sr !== undefined) {
      if ("unreadable" in sr) (unreadable ??= []).push(sr.unreadable);
      else if (!sr.has(ctx.signInRisk)) return NOT_APPLIED.signInRisk;
    }
    const ur = p.userRisk;
    if (ur !== undefined) {
      if ("unreadable" in ur) (unreadable ??= []).push(ur.unreadable);
      else if (!ur.has(ctx.userRisk)) return NOT_APPLIED.userRisk;
    }
    const ir = p.insiderRisk;
    if (ir !== undefined) {
      if (typeof ir !== "string") (unreadable ??= []).push(ir.unreadable);
      else if (ir !== ctx.insiderRisk) return NOT_APPLIED.insiderRisk;
    }
  }

  const df = p.deviceFilter;
  if (df !== undefined) {
    if ("unreadable" in df) (unreadable ??= []).push(df.unreadable);
    else {
      const matched = matchDeviceFilter(df.expr, f.device);
      if (df.mode === "include" ? !matched : matched) return NOT_APPLIED.devices;
    }
  }

  // https://learn.microsoft.com/entra/identity/conditional-access/concept-authentication-flows (R16)
  const tm = p.transferMethods;
  if (tm !== undefined) {
    if ("unreadable" in tm) (unreadable ??= []).push(tm.unreadable);
    else if (ctx.authenticationFlow === undefined || !tm.has(ctx.authenticationFlow))
      return NOT_APPLIED.authenticationFlow;
  }

  return unreadable ? { applies: "unknown", unreadable } : APPLIES;
}

// ---------------------------------------------------------------------------------------------------
// Grant controls.

type GrantOutcome =
  | { readonly kind: "satisfied" }
  | { readonly kind: "block" }
  | { readonly kind: "unsatisfiable"; readonly why: string }
  | { readonly kind: "needs"; readonly controls: readonly GrantControl[] }
  | { readonly kind: "unreadable"; readonly why: string };

const SATISFIED: GrantOutcome = { kind: "satisfied" };
const BLOCK: GrantOutcome = { kind: "block" };

function controlSatisfied(c: GrantControl, f: Facts): boolean {
  const s = f.ctx.satisfied;
  switch (c.kind) {
    case "mfa":
      // "Windows Hello for Business satisfies the requirement for multifactor authentication" (R21);
      // the MFA combinations are those of the built-in MFA strength (R22).
      return f.covers(MFA_STRENGTH);
    case "authenticationStrength":
      return f.covers((c.strength as AuthenticationStrength).combinations);
    case "compliantDevice":
      return f.compliant && f.authenticationFlow !== "deviceCodeFlow";
    case "domainJoinedDevice":
      return f.hybridJoined && f.authenticationFlow !== "deviceCodeFlow";
    case "approvedApplication":
      return s.approvedApplication;
    case "compliantApplication":
      return s.compliantApplication;
    case "passwordChange":
      return s.passwordChanged;
    case "termsOfUse":
      return s.termsOfUse.includes(c.id as string);
    case "customAuthenticationFactor":
      return s.customFactors.includes(c.id as string);
  }
}

/** Whether the user can still satisfy the control in this sign-in; device and app state cannot be acquired mid sign-in. */
function controlActionable(c: GrantControl, f: Facts): boolean {
  if (f.ctx.servicePrincipal) return false;
  switch (c.kind) {
    case "mfa":
    case "authenticationStrength":
    case "passwordChange":
    case "termsOfUse":
    case "customAuthenticationFactor":
      return true;
    default:
      return false;
  }
}

/**
 * One policy's grant controls: block, or AND/OR of controls (R17,
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-grant). Legacy
 * clients cannot do MFA nor pass device state, so any grant control blocks them (R10,
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions).
 */
function grantOutcome(g: ConditionalAccessPolicy["grant"], f: Facts): GrantOutcome {
  if (g === undefined) return SATISFIED;
  if ("unreadable" in g) return { kind: "unreadable", why: g.unreadable };
  if (g.block) return BLOCK;
  if (g.controls.length === 0) return SATISFIED;
  if (f.legacy) return legacyFailure(g, f.ctx.clientApp);
  if (g.operator === "AND") {
    let missing: GrantControl[] | undefined;
    for (const c of g.controls) {
      if (controlSatisfied(c, f)) continue;
      if (!controlActionable(c, f)) return NOT_SATISFIED[c.kind];
      (missing ??= []).push(c);
    }
    return missing ? { kind: "needs", controls: missing } : SATISFIED;
  }
  // OR: "we prompt in the order defined, as soon as the policy requirements are satisfied, access is granted"
  let first: GrantControl | undefined;
  for (const c of g.controls) {
    if (controlSatisfied(c, f)) return SATISFIED;
    if (first === undefined && controlActionable(c, f)) first = c;
  }
  return first ? { kind: "needs", controls: [first] } : noneSatisfied(g);
}

const NOT_SATISFIED = Object.fromEntries(
  PROMPT_ORDER.map((k) => [k, { kind: "unsatisfiable", why: `${k} not satisfied` }]),
) as Readonly<Record<GrantControlKind, GrantOutcome>>;

const noneSatisfiedCache = new WeakMap<GrantControls, GrantOutcome>();
function noneSatisfied(g: GrantControls): GrantOutcome {
  let o = noneSatisfiedCache.get(g);
  if (o === undefined) {
    o = { kind: "unsatisfiable", why: `none of ${g.controls.map((c) => c.kind).join(", ")} satisfied` };
    noneSatisfiedCache.set(g, o);
  }
  return o;
}

const legacyFailures = new WeakMap<GrantControls, Map<string, GrantOutcome>>();
function legacyFailure(g: GrantControls, clientApp: string): GrantOutcome {
  let byClient = legacyFailures.get(g);
  if (!byClient) legacyFailures.set(g, (byClient = new Map()));
  let o = byClient.get(clientApp);
  if (!o)
    byClient.set(
      clientApp,
      (o = {
        kind: "unsatisfiable",
        why: `legacy client (${clientApp}) cannot satisfy ${g.controls.map((c) => c.kind).join(", ")}`,
      }),
    );
  return o;
}

const REQUIRES_ONE: Readonly<Record<string, string>> = Object.fromEntries(
  PROMPT_ORDER.map((k) => [k, `requires ${k}`]),
);
function requiresText(controls: readonly GrantControl[]): string {
  return controls.length === 1
    ? REQUIRES_ONE[controls[0].kind]
    : `requires ${controls.map((c) => c.kind).join(" and ")}`;
}

function resultOf(o: GrantOutcome): PolicyResult {
  switch (o.kind) {
    case "satisfied":
      return "success";
    case "block":
    case "unsatisfiable":
      return "failure";
    case "needs":
      return "userActionRequired";
    case "unreadable":
      return "indeterminate";
  }
}

function requirementOf(c: GrantControl): Requirement {
  switch (c.kind) {
    case "mfa":
      return "mfa";
    case "authenticationStrength":
      return (c.strength as AuthenticationStrength).requirement;
    case "passwordChange":
      return "password-change";
    case "termsOfUse":
      return `custom:termsOfUse:${c.id}`;
    default:
      return `custom:factor:${c.id}`;
  }
}

const REQUIREMENT_RANK: Record<string, number> = {
  "phishing-resistant": 0,
  "passwordless-mfa": 1,
  mfa: 2,
  "password-change": 4,
};
/** Strongest first, as `Requirement` lists them: built-in strengths, custom strengths, password change, then terms of use and custom factors. */
function requirementRank(r: Requirement): number {
  return (
    REQUIREMENT_RANK[r] ?? (r.startsWith("custom:termsOfUse:") || r.startsWith("custom:factor:") ? 5 : 3)
  );
}

/**
 * The normalised requirements: every strength must be satisfied (R22), so a strength whose combinations
 * include all of another required strength's is implied by it and dropped.
 */
function requirementsOf(
  required: readonly RequiredControl[],
  strengthOf: (c: RequiredControl) => readonly (readonly string[])[] | undefined,
): Requirement[] {
  const strengths = required.map((r) => {
    const combos = strengthOf(r);
    return { r, combos: combos && combinationKeys(combos) };
  });
  const keep = strengths.filter(({ r, combos }) => {
    if (!combos) return true;
    return !strengths.some(
      (o) =>
        o.r !== r &&
        o.combos &&
        o.r.requirement !== r.requirement &&
        [...o.combos].every((c) => combos.has(c)),
    );
  });
  const reqs = [...new Set(keep.map((k) => k.r.requirement))];
  return reqs.sort((a, b) => requirementRank(a) - requirementRank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

const combinationKeyCache = new WeakMap<readonly (readonly string[])[], ReadonlySet<string>>();
function combinationKeys(combos: readonly (readonly string[])[]): ReadonlySet<string> {
  let keys = combinationKeyCache.get(combos);
  if (!keys) combinationKeyCache.set(combos, (keys = new Set(combos.map((c) => [...c].sort().join(",")))));
  return keys;
}

// ---------------------------------------------------------------------------------------------------
// Session controls: applied after grant controls (R23, https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-session).

function frequencyRank(s: SignInFrequency): number {
  return s.kind === "everyTime" ? 0 : s.hours;
}

function aggregateSessions(
  sessions: readonly { address: string; session: SessionControls }[],
): AggregatedSessionControls {
  let frequency: SignInFrequency | undefined;
  let frequencyPolicies: string[] = [];
  let browser: "always" | "never" | undefined;
  let browserPolicies: string[] = [];
  const cloudAppSecurity: { mode: string; policy: string }[] = [];
  const applicationEnforcedRestrictions: string[] = [];
  const disableResilienceDefaults: string[] = [];
  for (const { address, session: s } of sessions) {
    const sif = s.signInFrequency;
    if (sif) {
      if (!frequency || frequencyRank(sif) < frequencyRank(frequency)) {
        frequency = sif;
        frequencyPolicies = [address];
      } else if (frequencyRank(sif) === frequencyRank(frequency)) frequencyPolicies.push(address);
    }
    const pb = s.persistentBrowser;
    if (pb) {
      if (!browser || (pb === "never" && browser === "always")) {
        browser = pb;
        browserPolicies = [address];
      } else if (pb === browser) browserPolicies.push(address);
    }
    if (s.cloudAppSecurity) cloudAppSecurity.push({ mode: s.cloudAppSecurity, policy: address });
    if (s.applicationEnforcedRestrictions) applicationEnforcedRestrictions.push(address);
    if (s.disableResilienceDefaults) disableResilienceDefaults.push(address);
  }
  return {
    signInFrequency: frequency && { ...frequency, policies: frequencyPolicies },
    persistentBrowser: browser && { mode: browser, policies: browserPolicies },
    cloudAppSecurity,
    applicationEnforcedRestrictions,
    disableResilienceDefaults,
  };
}

const NO_SESSION: AggregatedSessionControls = {
  cloudAppSecurity: [],
  applicationEnforcedRestrictions: [],
  disableResilienceDefaults: [],
};

// ---------------------------------------------------------------------------------------------------

export function evaluateEntra(
  model: EntraModel,
  context: EntraContext,
  options?: EvaluateOptions,
): EntraDecision {
  const idx = indexOf(model);
  const f = new Facts(model, idx, context);
  const marks = context.user ? principalMarks(idx, f) : undefined;
  const trace: TraceEntry[] | undefined = options?.trace === true ? [] : undefined;

  const applied: PolicyOutcome[] = [];
  /** Outcomes of the report-only policies that applied, in policy order. */
  const reportOnlyApplied: ReportOnlyOutcome[] = [];
  const blockers: string[] = [];
  const failures: string[] = [];
  const indeterminate: string[] = [];
  const needs: { address: string; controls: readonly GrantControl[] }[] = [];
  /** Policies whose session controls apply; aggregated when first read. */
  const sessionPolicies: number[] = [];

  const policies = model.policies;
  for (let i = 0; i < policies.length; i++) {
    const app = select(policies[i], i, idx, f, marks);
    const stateCode = idx.state[i];
    const isReportOnly = stateCode === STATE_REPORT_ONLY;
    if (app.applies === false) {
      if (trace) trace.push(notAppliedTrace(policies[i], isReportOnly, app.code));
      continue;
    }
    const p = idx.entries[i];
    const grant = grantOutcome(p.grant, f);
    let result: PolicyResult = app.applies === "unknown" ? "indeterminate" : resultOf(grant);
    const detail =
      app.applies === "unknown" ? `applicability unknown: ${app.unreadable.join("; ")}` : grantDetail(grant);

    if (stateCode === STATE_UNREADABLE) {
      // The state could not be read: the policy may be enforced. It changes nothing only if it is satisfied.
      if (result !== "success") {
        result = "indeterminate";
        indeterminate.push(`${p.address}: ${(policies[i].state as Unreadable).unreadable}`);
      }
      applied.push({ address: p.address, displayName: p.displayName, result, detail });
    } else if (isReportOnly) {
      reportOnlyApplied.push({
        address: p.address,
        displayName: p.displayName,
        result,
        label: REPORT_ONLY_LABELS[result],
        detail,
      });
    } else {
      applied.push({ address: p.address, displayName: p.displayName, result, detail });
      if (app.applies === true) {
        if (grant.kind === "block") blockers.push(p.address);
        else if (grant.kind === "unsatisfiable") failures.push(p.address);
        else if (grant.kind === "unreadable") indeterminate.push(`${p.address}: ${grant.why}`);
        else if (grant.kind === "needs") needs.push({ address: p.address, controls: grant.controls });
      } else if (grant.kind !== "satisfied") {
        indeterminate.push(`${p.address}: ${detail}`);
      }
      const session = p.session;
      if (session !== undefined && app.applies === true) {
        if ("unreadable" in session) indeterminate.push(`${p.address}: ${session.unreadable}`);
        else sessionPolicies.push(i);
      }
    }
    if (trace)
      trace.push({ subject: p.address, result: isReportOnly ? REPORT_ONLY_LABELS[result] : result, detail });
  }

  const requiredControls = mergeRequired(needs);
  const verdict = decide(blockers, failures, indeterminate, requiredControls, model);
  let notApplied: NotAppliedPolicy[] | undefined;
  let reportOnly: ReportOnlyOutcome[] | undefined;
  let sessionControls: AggregatedSessionControls | undefined;
  // The reasons policies did not apply are worked out again when first read (evaluation is pure).
  let reasonCodes: Uint8Array | undefined;
  const decision: EntraDecision = {
    verdict,
    applied,
    get reportOnly(): readonly ReportOnlyOutcome[] {
      reasonCodes ??= notAppliedCodes(policies, idx, f);
      return (reportOnly ??= reportOnlyOutcomes(policies, idx.state, reasonCodes, reportOnlyApplied));
    },
    requiredControls,
    get sessionControls(): AggregatedSessionControls {
      return (sessionControls ??= sessionControlsOf(policies, sessionPolicies));
    },
    get notApplied(): readonly NotAppliedPolicy[] {
      reasonCodes ??= notAppliedCodes(policies, idx, f);
      return (notApplied ??= notAppliedPolicies(idx, policies, reasonCodes));
    },
  };
  return trace ? Object.assign(decision, { trace }) : decision;
}

/**
 * Whether policy `i` applies. Disabled policies are ignored; report-only ones are evaluated like enforced
 * ones (R3, https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only).
 * A fully read policy is checked through its precompiled form; users come first in What-If order, so one
 * that the key index shows cannot include the user fails there.
 */
function select(
  p: ConditionalAccessPolicy,
  i: number,
  idx: ModelIndex,
  f: Facts,
  marks: Uint8Array | undefined,
): Applicability {
  if (idx.state[i] === STATE_DISABLED) return NOT_APPLIED.policyNotEnabled;
  if (marks === undefined) return applicability(p, f, true);
  const fp = idx.fast[i];
  if (fp !== undefined) return BY_CODE[fastNotApplied(fp, i, f, marks[i])];
  if (idx.broad[i] === 0 && (marks[i] & INCLUDED) === 0 && readableUsers(p)) return NOT_USERS;
  return applicability(p, f, true);
}

/** Per policy: 0 when it applied, else its first failing reason's code. */
function notAppliedCodes(
  policies: readonly ConditionalAccessPolicy[],
  idx: ModelIndex,
  f: Facts,
): Uint8Array {
  const marks = f.ctx.user ? principalMarks(idx, f) : undefined;
  const codes = new Uint8Array(policies.length);
  for (let i = 0; i < policies.length; i++) {
    const app = select(policies[i], i, idx, f, marks);
    if (app.applies === false) codes[i] = app.code;
  }
  return codes;
}

function readableUsers(p: ConditionalAccessPolicy): boolean {
  return p.users !== undefined && !("unreadable" in p.users);
}

function grantDetail(grant: GrantOutcome): string | undefined {
  switch (grant.kind) {
    case "unsatisfiable":
    case "unreadable":
      return grant.why;
    case "block":
      return "block";
    case "needs":
      return requiresText(grant.controls);
    case "satisfied":
      return undefined;
  }
}

function sessionControlsOf(
  policies: readonly ConditionalAccessPolicy[],
  applying: readonly number[],
): AggregatedSessionControls {
  if (applying.length === 0) return NO_SESSION;
  return aggregateSessions(
    applying.map((k) => ({ address: policies[k].address, session: policies[k].session as SessionControls })),
  );
}

function disabledTrace(p: ConditionalAccessPolicy): TraceEntry {
  return { subject: p.address, result: "not applied", detail: "policyNotEnabled: state is disabled" };
}

function notAppliedTrace(p: ConditionalAccessPolicy, reportOnly: boolean, code: number): TraceEntry {
  if (code === CODE.policyNotEnabled) return disabledTrace(p);
  return {
    subject: p.address,
    result: reportOnly ? REPORT_ONLY_LABELS.notApplied : "not applied",
    detail: FAILING_CONDITION[code],
  };
}

const REASON_BY_INDEX = Object.keys(REASON_INDEX).sort(
  (a, b) => REASON_INDEX[a as NotAppliedReason] - REASON_INDEX[b as NotAppliedReason],
) as NotAppliedReason[];
/** `Applicability` by reason code; 0 applies. */
const BY_CODE: readonly Applicability[] = [APPLIES, ...REASON_BY_INDEX.map((r) => NOT_APPLIED[r])];
/** Trace detail by reason code. */
const FAILING_CONDITION: readonly string[] = [
  "",
  ...REASON_BY_INDEX.map((r) => `first failing condition: ${r}`),
];

function notAppliedPolicies(
  idx: ModelIndex,
  policies: readonly ConditionalAccessPolicy[],
  codes: Uint8Array,
): NotAppliedPolicy[] {
  const out: NotAppliedPolicy[] = [];
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] === 0) continue;
    const p = policies[i];
    const state = idx.state[i] === STATE_DISABLED ? 2 : idx.state[i] === STATE_REPORT_ONLY ? 1 : 0;
    out.push(notAppliedEntry(idx, i, p, state, codes[i]));
  }
  return out;
}

function reportOnlyOutcomes(
  policies: readonly ConditionalAccessPolicy[],
  states: Uint8Array,
  codes: Uint8Array,
  applied: readonly ReportOnlyOutcome[],
): ReportOnlyOutcome[] {
  const out: ReportOnlyOutcome[] = [];
  let next = 0;
  for (let i = 0; i < policies.length; i++) {
    if (states[i] !== STATE_REPORT_ONLY) continue;
    out.push(codes[i] !== 0 ? reportOnlyNotApplied(policies[i]) : applied[next++]);
  }
  return out;
}

const notAppliedReportOnly = new WeakMap<ConditionalAccessPolicy, ReportOnlyOutcome>();
function reportOnlyNotApplied(p: ConditionalAccessPolicy): ReportOnlyOutcome {
  let e = notAppliedReportOnly.get(p);
  if (!e) {
    e = Object.freeze({
      address: p.address,
      displayName: p.displayName,
      result: "notApplied" as const,
      label: REPORT_ONLY_LABELS.notApplied,
    });
    notAppliedReportOnly.set(p, e);
  }
  return e;
}

function mergeRequired(
  needs: readonly { address: string; controls: readonly GrantControl[] }[],
): RequiredControl[] {
  if (needs.length === 0) return [];
  if (needs.length === 1 && needs[0].controls.length === 1) {
    const c = needs[0].controls[0];
    return [
      {
        kind: c.kind,
        requirement: requirementOf(c),
        name: c.strength?.displayName ?? c.id,
        policies: [needs[0].address],
      },
    ];
  }
  const byKey = new Map<
    string,
    { kind: GrantControl["kind"]; requirement: Requirement; name?: string; policies: string[] }
  >();
  for (const n of needs) {
    for (const c of n.controls) {
      const requirement = requirementOf(c);
      const k = `${c.kind}|${requirement}`;
      const entry = byKey.get(k);
      if (entry) entry.policies.push(n.address);
      else
        byKey.set(k, {
          kind: c.kind,
          requirement,
          name: c.strength?.displayName ?? c.id,
          policies: [n.address],
        });
    }
  }
  // The documented prompt order (R20, https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies).
  return [...byKey.values()].sort(
    (a, b) =>
      PROMPT_ORDER.indexOf(a.kind) - PROMPT_ORDER.indexOf(b.kind) ||
      requirementRank(a.requirement) - requirementRank(b.requirement),
  );
}

/**
 * All applicable enforced policies must be satisfied and block wins (R18, R19,
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies); with
 * none applying, access proceeds (R5). A policy that cannot be interpreted cannot turn a block into access,
 * so a block stands; otherwise it makes the outcome indeterminate.
 */
function decide(
  blockers: readonly string[],
  failures: readonly string[],
  indeterminate: readonly string[],
  required: readonly RequiredControl[],
  model: EntraModel,
): Verdict {
  if (blockers.length > 0) return { outcome: "deny", summary: `blocked by ${blockers.join(", ")}` };
  if (failures.length > 0)
    return {
      outcome: "deny",
      summary: `access requirements of ${failures.join(", ")} cannot be satisfied in this sign-in`,
    };
  if (indeterminate.length > 0)
    return { outcome: "indeterminate", indeterminate, summary: `cannot decide: ${indeterminate[0]}` };
  if (required.length > 0) {
    const requires = requirementsOf(required, (r) => combinationsOf(r, model));
    const policies = [...new Set(required.flatMap((r) => r.policies))];
    return { outcome: "mfa", requires, summary: `requires ${requires.join(" + ")} (${policies.join(", ")})` };
  }
  return { outcome: "allow", summary: "no enforced policy blocks or requires more" };
}

function combinationsOf(r: RequiredControl, model: EntraModel): readonly (readonly string[])[] | undefined {
  if (r.kind === "mfa") return MFA_STRENGTH;
  if (r.kind !== "authenticationStrength") return undefined;
  for (const s of model.strengths.values()) if (s.requirement === r.requirement) return s.combinations;
  return undefined;
}
