/**
 * The Okta sign-in context space of one configuration: for each dimension of the context, the values
 * the policies mention (groups, users, apps, IP zones and their CIDR edges, locations, anonymisers,
 * risk levels, behaviours, devices, authenticators and their ages around every re-authentication
 * window) plus "anything else", which comes first.
 *
 * Two granularities:
 * - `classes` (default, for exhaustive verification): values that the configuration cannot tell apart
 *   are merged, keeping the first (least special) of each class. Two values are in one class when every
 *   condition of every rule (and every factor judgement) gives the same answer for both, so the product
 *   of the classes reaches every decision the configuration makes on contexts of this shape.
 * - `boundaries` (for fast-check): addresses and authenticator ages are not merged: every CIDR gives
 *   its first and last address and the addresses just outside, every re-authentication window its edge
 *   and one second past it, so random walks probe the edges themselves.
 *
 * Not in the space, by design: apps the configuration does not bind to an authentication policy it
 * defines (their policy is unknown, so every decision about them is indeterminate — such apps are
 * included when the spec lists them, to fail closed), authenticators used at different ages within one
 * session (all factors of a context share an age), and the enrollment policy, which shapes the
 * decision's enrollment detail but never its verdict.
 */
import ipaddr from "ipaddr.js";
import type { BaselineSpec } from "../../modules/spec";
import type { TerraformModel } from "../terraform/model";
import type { ContextSpace, Dimension } from "../verify/space";
import type { Authenticator } from "./authenticators";
import { compileOkta } from "./compile";
import { OKTA_OS, OKTA_PLATFORMS, OKTA_RISK_LEVELS, type OktaContext, type OktaRiskLevel } from "./context";
import { inRanges, parseIp, type IpRange } from "./ip";
import {
  isUnreadable,
  type AppAction,
  type AppRuleConditions,
  type DynamicZone,
  type GspAction,
  type GspConditions,
  type OktaModel,
  type Zone,
} from "./model";
import { judgeApp, judgeSession, usedAuthenticators } from "./requirements";

/** A user the configuration does not mention (a literal Okta user ID). */
export const OKTA_ANYONE = "00uSomeoneElse000000";
/** An identity provider the configuration does not mention. */
export const OKTA_OTHER_IDP = "0oaOtherIdp000000000";

export type OktaSpaceGranularity = "classes" | "boundaries";

export interface OktaSpaceOptions {
  readonly granularity?: OktaSpaceGranularity;
}

type AuthenticatorUse = OktaContext["authenticators"][number];
type Device = OktaContext["device"];

interface Network {
  readonly ip: string;
  readonly forwardedFor: readonly string[];
}

interface Location {
  readonly country?: string;
  readonly region?: string;
  readonly asn?: number;
}

interface IpService {
  readonly anonymizer: OktaContext["anonymizer"];
  readonly ipServiceCategories: readonly string[];
}

/** The dimensions in build order; each value is one field (or group of fields) of the context. */
interface Values {
  user: string;
  groups: readonly string[];
  userType: string | undefined;
  app: string | undefined;
  network: Network;
  location: Location;
  ipService: IpService;
  zones: Readonly<Record<string, boolean>>;
  threatSuspected: boolean;
  risk: OktaRiskLevel;
  behaviors: readonly string[];
  device: Device;
  entryPoint: OktaContext["entryPoint"];
  identityProvider: string;
  authenticators: readonly AuthenticatorUse[];
}

type Dims = { readonly [K in keyof Values]: readonly Values[K][] };

const ORDER: readonly (keyof Values)[] = [
  "user",
  "groups",
  "userType",
  "app",
  "network",
  "location",
  "ipService",
  "zones",
  "threatSuspected",
  "risk",
  "behaviors",
  "device",
  "entryPoint",
  "identityProvider",
  "authenticators",
];

const DEFAULT_DEVICE: Device = {
  registered: false,
  managed: false,
  platform: "DESKTOP",
  os: "WINDOWS",
  assurancePolicies: [],
  mfaRemembered: false,
};

/** The fields of a context that the session judgement does not read, at their defaults. */
const SESSION_CONTEXT: OktaContext = {
  user: { id: OKTA_ANYONE, groups: [] },
  forwardedFor: [],
  anonymizer: "none",
  ipServiceCategories: [],
  zones: {},
  threatSuspected: false,
  risk: "LOW",
  behaviors: [],
  device: DEFAULT_DEVICE,
  authenticators: [],
  entryPoint: "web",
  identityProvider: "OKTA",
};

const ALL_ZONES = "ALL_ZONES";
/** Documentation and test ranges tried, in order, for the address outside every zone. */
const OUTSIDE_CANDIDATES = [
  "192.0.2.10",
  "198.18.0.10",
  "100.64.0.10",
  "10.0.0.10",
  "172.16.0.10",
  "8.8.8.8",
];

/** Factor combinations, least special first; ages are applied afterwards. */
const AUTHENTICATOR_SETS: readonly (readonly [Authenticator, boolean][])[] = [
  [["password", false]],
  [
    ["password", false],
    ["sms", false],
  ],
  [
    ["password", false],
    ["email", false],
  ],
  [
    ["password", false],
    ["okta_verify_totp", false],
  ],
  [
    ["password", false],
    ["okta_verify_push", false],
  ],
  [
    ["password", false],
    ["okta_verify_push", true],
  ],
  [
    ["password", false],
    ["webauthn", true],
  ],
  [
    ["password", false],
    ["okta_verify_fastpass", true],
  ],
  [
    ["password", false],
    ["smart_card", false],
  ],
  [["webauthn", true]],
  [["okta_verify_fastpass", true]],
  [["okta_verify_push", true]],
  [
    ["password", false],
    ["security_question", false],
  ],
];

// -- generic helpers --------------------------------------------------------------------------------

function uniqueBy<T>(values: readonly T[], key: (v: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Keeps the first value of every class. Dimensions with edges (addresses, authenticator ages) keep
 * every distinct value at `boundaries` granularity; the others stay merged there too, so random draws
 * are not skewed towards values the configuration treats alike.
 */
function pick<T>(
  granularity: OktaSpaceGranularity,
  values: readonly T[],
  signature: (v: T) => string,
  edges = false,
): T[] {
  const distinct = uniqueBy(values, (v) => JSON.stringify(v));
  return granularity === "boundaries" && edges ? distinct : uniqueBy(distinct, signature);
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

// -- what the compiled model mentions ---------------------------------------------------------------

interface Mentions {
  readonly gspPolicies: { readonly groups: ReadonlySet<string> }[];
  readonly gspRules: { readonly conditions: GspConditions; readonly action: GspAction }[];
  readonly appRules: { readonly conditions: AppRuleConditions; readonly action: AppAction }[];
  readonly assignments: { readonly groups: ReadonlySet<string>; readonly users: ReadonlySet<string> }[];
  readonly enrollment: {
    readonly groups: ReadonlySet<string>;
    readonly usersExcluded: ReadonlySet<string>;
  }[];
}

/** A rule every sign-in of its policy meets: the rules after it are never reached. */
function gspUnconditional(c: GspConditions): boolean {
  return (
    c.usersExcluded.size === 0 &&
    c.network.connection === "ANYWHERE" &&
    c.authType === "ANY" &&
    c.identityProvider.provider === "ANY" &&
    c.risk === "ANY" &&
    c.behaviors.length === 0
  );
}

function appUnconditional(c: AppRuleConditions): boolean {
  const p = c.people;
  return (
    p.usersIncluded.size + p.usersExcluded.size + p.groupsIncluded.size + p.groupsExcluded.size === 0 &&
    c.userTypesIncluded.size + c.userTypesExcluded.size === 0 &&
    c.network.connection === "ANYWHERE" &&
    !c.deviceRegistered &&
    !c.deviceManaged &&
    c.deviceAssurances.size === 0 &&
    c.platforms.length === 0 &&
    c.risk === "ANY"
  );
}

/** The readable, active rules of a policy in order; with `reachableOnly`, none after an unconditional one. */
function rulesOf<C, A>(
  groups: readonly (readonly {
    active: boolean;
    body: { conditions: C; action: A } | { unreadable: string };
  }[])[],
  unconditional: (c: C) => boolean,
  reachableOnly: boolean,
): { conditions: C; action: A }[] {
  const out: { conditions: C; action: A }[] = [];
  for (const group of groups) {
    let stop = false;
    for (const r of group) {
      if (!r.active || isUnreadable(r.body)) continue;
      out.push(r.body);
      if (reachableOnly && unconditional(r.body.conditions) && group.length === 1) stop = true;
    }
    if (stop) break;
  }
  return out;
}

function mentions(m: OktaModel, reachableOnly: boolean): Mentions {
  const out: Mentions = { gspPolicies: [], gspRules: [], appRules: [], assignments: [], enrollment: [] };
  for (const tier of m.globalSession)
    for (const p of tier) {
      if (!p.active) continue;
      if (!p.isDefault && !isUnreadable(p.groups)) out.gspPolicies.push({ groups: p.groups });
      out.gspRules.push(...rulesOf(p.rules, gspUnconditional, reachableOnly));
    }
  for (const p of m.appPolicies.values())
    if (!isUnreadable(p)) out.appRules.push(...rulesOf(p.rules, appUnconditional, reachableOnly));
  for (const a of m.appAssignments.values()) if (!isUnreadable(a)) out.assignments.push(a);
  for (const tier of m.enrollment)
    for (const p of tier) {
      const users = new Set<string>();
      for (const group of p.rules)
        for (const r of group)
          if (!isUnreadable(r.body)) r.body.conditions.usersExcluded.forEach((u) => users.add(u));
      out.enrollment.push({ groups: isUnreadable(p.groups) ? new Set() : p.groups, usersExcluded: users });
    }
  return out;
}

function readableZones(m: OktaModel): { zone: Zone; def: Exclude<Zone["def"], { unreadable: string }> }[] {
  const out: { zone: Zone; def: Exclude<Zone["def"], { unreadable: string }> }[] = [];
  for (const zone of m.zones.values())
    if (!zone.external && !isUnreadable(zone.def)) out.push({ zone, def: zone.def });
  return out;
}

// -- dimensions ---------------------------------------------------------------------------------------

function usersOf(m: Mentions, spec: BaselineSpec | undefined, g: OktaSpaceGranularity): string[] {
  const candidates = [OKTA_ANYONE, ...(spec?.okta?.breakGlassUserIds ?? [])];
  for (const r of m.gspRules) candidates.push(...r.conditions.usersExcluded);
  for (const r of m.appRules)
    candidates.push(...r.conditions.people.usersIncluded, ...r.conditions.people.usersExcluded);
  for (const a of m.assignments) candidates.push(...a.users);
  for (const e of m.enrollment) candidates.push(...e.usersExcluded);
  return pick(g, candidates, (u) =>
    bits([
      ...m.gspRules.map((r) => r.conditions.usersExcluded.has(u)),
      ...m.appRules.flatMap((r) => [
        r.conditions.people.usersIncluded.has(u),
        r.conditions.people.usersExcluded.has(u),
      ]),
      ...m.assignments.map((a) => a.users.has(u)),
    ]),
  );
}

function groupsOf(model: OktaModel, m: Mentions, g: OktaSpaceGranularity): string[][] {
  const candidates: string[] = [];
  for (const p of m.gspPolicies) candidates.push(...p.groups);
  for (const r of m.appRules)
    candidates.push(...r.conditions.people.groupsIncluded, ...r.conditions.people.groupsExcluded);
  for (const a of m.assignments) candidates.push(...a.groups);
  for (const e of m.enrollment) candidates.push(...e.groups);
  const groups = pick(
    g,
    candidates.filter((c) => !model.everyoneGroups.has(c)),
    // Enrollment policies only shape the decision's enrollment detail, never its verdict.
    (grp) =>
      bits([
        ...m.gspPolicies.map((p) => p.groups.has(grp)),
        ...m.appRules.flatMap((r) => [
          r.conditions.people.groupsIncluded.has(grp),
          r.conditions.people.groupsExcluded.has(grp),
        ]),
        ...m.assignments.map((a) => a.groups.has(grp)),
      ]),
  );
  return subsets(groups);
}

function userTypesOf(m: Mentions): (string | undefined)[] {
  const types = new Set<string>();
  for (const r of m.appRules) {
    r.conditions.userTypesIncluded.forEach((t) => types.add(t));
    r.conditions.userTypesExcluded.forEach((t) => types.add(t));
  }
  types.delete("default");
  return [undefined, ...types];
}

function appsOf(
  model: OktaModel,
  spec: BaselineSpec | undefined,
  g: OktaSpaceGranularity,
): (string | undefined)[] {
  // Keys ending in "(unattached)" stand for unreadable bindings, not apps a sign-in can name.
  const bound = [...model.appBindings.keys()].filter((k) => !k.endsWith("(unattached)"));
  const declared = [...(spec?.okta?.adminApps ?? []), ...(spec?.okta?.generalApps ?? [])];
  const signature = (app: string | undefined): string => {
    if (app === undefined) return "none";
    const binding = model.appBindings.get(app);
    const assigned = model.appAssignments.get(app);
    return JSON.stringify([
      binding === undefined ? "unbound" : isUnreadable(binding) ? binding.unreadable : binding,
      assigned === undefined
        ? "unmanaged"
        : isUnreadable(assigned)
          ? assigned.unreadable
          : [[...assigned.groups], [...assigned.users]],
    ]);
  };
  return pick<string | undefined>(g, [undefined, ...bound, ...declared], signature);
}

function formatIp(v6: boolean, n: bigint): string {
  const width = v6 ? 16 : 4;
  const bytes: number[] = [];
  for (let i = width - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Every zone list a condition tests: rule networks (ORed within a list), ThreatInsight exclusions. */
function zoneLists(model: OktaModel, m: Mentions): (readonly string[])[] {
  const lists: (readonly string[])[] = [];
  for (const n of [
    ...m.gspRules.map((r) => r.conditions.network),
    ...m.appRules.map((r) => r.conditions.network),
  ])
    if (n.connection === "ZONE") lists.push(n.include.length ? n.include : n.exclude);
  const ti = model.threatInsight;
  if (ti !== undefined && !isUnreadable(ti)) lists.push(ti.excludedZones);
  return lists;
}

function networksOf(model: OktaModel, m: Mentions, g: OktaSpaceGranularity): Network[] {
  const ipZones = readableZones(model).flatMap(({ zone, def }) => (def.kind === "ip" ? [{ zone, def }] : []));
  const ranges: IpRange[] = ipZones.flatMap(({ def }) => [...def.gateways, ...def.proxies]);
  const outside = OUTSIDE_CANDIDATES.find((ip) => !inRanges(parseIp(ip), ranges)) ?? OUTSIDE_CANDIDATES[0];
  const max = (v6: boolean) => (v6 ? (1n << 128n) - 1n : (1n << 32n) - 1n);
  const reps = (rs: readonly IpRange[]): string[] =>
    rs.flatMap((r) => {
      const out = [formatIp(r.v6, r.first), formatIp(r.v6, r.last)];
      if (g === "boundaries") {
        if (r.first > 0n) out.push(formatIp(r.v6, r.first - 1n));
        if (r.last < max(r.v6)) out.push(formatIp(r.v6, r.last + 1n));
      }
      return out;
    });
  const gatewayIps = [outside, ...reps(ipZones.flatMap(({ def }) => def.gateways))];
  const proxyIps = reps(ipZones.flatMap(({ def }) => def.proxies));
  const candidates: Network[] = gatewayIps.map((ip) => ({ ip, forwardedFor: [] }));
  // Behind a proxy the client address is the previous hop (help about-ip-zones).
  for (const proxy of proxyIps)
    for (const client of gatewayIps) candidates.push({ ip: proxy, forwardedFor: [client] });
  const perZone = (ip: string) => {
    const a = parseIp(ip);
    return ipZones.map(({ def }) => [inRanges(a, def.gateways), inRanges(a, def.proxies)] as const);
  };
  const special = ipZones
    .filter(({ zone }) => zone.usage !== "POLICY" || zone.exempt)
    .map(({ zone }) => zone.key);
  const lists = zoneLists(model, m);
  const signature = (n: Network): string => {
    // With proxies or blocklist/exempt zones in play, each hop's membership of each zone; otherwise a
    // single address matters only through the zone lists that conditions test (several zones ORed).
    if (proxyIps.length || special.length)
      return [...n.forwardedFor, n.ip].map((ip) => JSON.stringify(perZone(ip))).join("/");
    const member = new Map(ipZones.map(({ zone }, i) => [zone.key, perZone(n.ip)[i][0]]));
    return bits([
      ...lists.map((l) => l.some((k) => member.get(k) === true)),
      [...member.values()].some(Boolean),
    ]);
  };
  return pick(g, candidates, signature, true);
}

function dynamicZones(model: OktaModel): DynamicZone[] {
  return readableZones(model).flatMap(({ def }) => (def.kind === "dynamic" ? [def] : []));
}

function locationsOf(model: OktaModel, g: OktaSpaceGranularity): Location[] {
  const zones = dynamicZones(model);
  const places = uniqueBy(
    zones.flatMap((z) => [...z.locations, ...z.locationsExcluded]),
    (p) => p,
  );
  const asns = uniqueBy(
    zones.flatMap((z) => z.asns),
    String,
  );
  const where: Location[] = [
    {},
    ...places.map((p) => (p.includes("-") ? { country: p.slice(0, 2), region: p } : { country: p })),
  ];
  const candidates = where.flatMap((w) => [w, ...asns.map((asn) => ({ ...w, asn }))]);
  const signature = (l: Location) => {
    const at = (p: string) => p === l.country || p === l.region;
    return bits(
      zones.flatMap((z) => [
        z.locations.some(at),
        z.locationsExcluded.some(at),
        l.asn !== undefined && z.asns.includes(l.asn),
      ]),
    );
  };
  return pick(g, candidates, signature);
}

/** The categories the evaluator derives from an anonymiser (kept in step with evaluate.ts `categories`). */
function categoriesOf(s: IpService): Set<string> {
  const cats = new Set(s.ipServiceCategories);
  if (s.anonymizer === "tor") ["ANONYMIZER_TOR", "ALL_ANONYMIZERS"].forEach((c) => cats.add(c));
  if (s.anonymizer === "anonymizing-proxy") cats.add("ALL_ANONYMIZERS");
  if (cats.size) cats.add("ALL_IP_SERVICES");
  return cats;
}

function ipServicesOf(model: OktaModel, g: OktaSpaceGranularity): IpService[] {
  const zones = dynamicZones(model);
  const implied = new Set(["ANONYMIZER_TOR", "ALL_ANONYMIZERS", "ALL_IP_SERVICES"]);
  const mentioned = uniqueBy(
    zones.flatMap((z) => [...z.categoriesIncluded, ...z.categoriesExcluded]).filter((c) => !implied.has(c)),
    (c) => c,
  );
  const candidates: IpService[] = [
    { anonymizer: "none", ipServiceCategories: [] },
    { anonymizer: "tor", ipServiceCategories: [] },
    { anonymizer: "anonymizing-proxy", ipServiceCategories: [] },
    ...mentioned.map((c) => ({ anonymizer: "none" as const, ipServiceCategories: [c] })),
  ];
  const signature = (s: IpService) => {
    const cats = categoriesOf(s);
    return bits(
      zones.flatMap((z) => [
        z.proxyType === "TorAnonymizer" && s.anonymizer === "tor",
        z.proxyType === "NotTorAnonymizer" && s.anonymizer === "anonymizing-proxy",
        z.categoriesIncluded.some((c) => cats.has(c)),
        z.categoriesExcluded.some((c) => cats.has(c)),
      ]),
    );
  };
  return pick(g, candidates, signature);
}

/** Zones the context must state membership of: data sources, and zone IDs the rules name but the configuration does not define. */
function statedZonesOf(model: OktaModel, m: Mentions): Record<string, boolean>[] {
  const keys = new Set<string>();
  for (const z of model.zones.values()) if (z.external) keys.add(z.key);
  const conds = [
    ...m.gspRules.map((r) => r.conditions.network),
    ...m.appRules.map((r) => r.conditions.network),
  ];
  for (const n of conds)
    if (n.connection === "ZONE")
      for (const k of [...n.include, ...n.exclude]) if (k !== ALL_ZONES && !model.zones.has(k)) keys.add(k);
  const all = [...keys];
  const none = Object.fromEntries(all.map((k) => [k, false]));
  return [none, ...all.map((k) => ({ ...none, [k]: true }))];
}

function threatOf(model: OktaModel, g: OktaSpaceGranularity): boolean[] {
  const ti = model.threatInsight;
  if (ti === undefined) return [false];
  if (isUnreadable(ti)) return [false, true];
  return ti.action === "block" || g === "boundaries" ? [false, true] : [false];
}

function risksOf(m: Mentions, spec: BaselineSpec | undefined): OktaRiskLevel[] {
  const levels = new Set<string>(["LOW"]);
  for (const r of [...m.gspRules, ...m.appRules]) levels.add(r.conditions.risk);
  if (spec) ["MEDIUM", "HIGH"].forEach((l) => levels.add(l));
  return OKTA_RISK_LEVELS.filter((l) => levels.has(l));
}

function behaviorsOf(model: OktaModel, m: Mentions, g: OktaSpaceGranularity): string[][] {
  const keys = uniqueBy(
    m.gspRules.flatMap((r) => r.conditions.behaviors),
    (k) => k,
  );
  // The behaviour's name when the configuration gives one (readable in a scenario), else its key.
  const label = (k: string) => model.behaviors.get(k)?.name ?? k;
  const candidates: string[][] = [[], ...keys.map((k) => [label(k)])];
  const detected = (shown: readonly string[], k: string) => {
    const b = model.behaviors.get(k);
    if (b && !b.active) return false;
    return shown.includes(k) || (b?.name !== undefined && shown.includes(b.name));
  };
  return pick(g, candidates, (shown) =>
    bits(m.gspRules.map((r) => r.conditions.behaviors.some((k) => detected(shown, k)))),
  );
}

function devicesOf(m: Mentions, g: OktaSpaceGranularity): Device[] {
  const rules = m.appRules.map((r) => r.conditions);
  const registration = rules.some((c) => c.deviceRegistered || c.deviceManaged)
    ? [
        { registered: false, managed: false },
        { registered: true, managed: false },
        { registered: true, managed: true },
      ]
    : [{ registered: false, managed: false }];
  const platforms = rules.some((c) => c.platforms.length)
    ? OKTA_PLATFORMS.flatMap((platform) => OKTA_OS.map((os) => ({ platform, os })))
    : [{ platform: DEFAULT_DEVICE.platform, os: DEFAULT_DEVICE.os }];
  const assurance = [
    [],
    ...uniqueBy(
      rules.flatMap((c) => [...c.deviceAssurances]),
      (a) => a,
    ).map((a) => [a]),
  ];
  const remembered = m.gspRules.some((r) => r.action.mfaRequired && r.action.mfaPrompt === "DEVICE")
    ? [false, true]
    : [false];
  const candidates: Device[] = [];
  for (const reg of registration)
    for (const pl of platforms)
      for (const assurancePolicies of assurance)
        for (const mfaRemembered of remembered)
          candidates.push({ ...reg, ...pl, assurancePolicies, mfaRemembered });
  const signature = (d: Device) =>
    bits([
      d.mfaRemembered,
      ...rules.flatMap((c) => [
        !c.deviceRegistered || d.registered || d.managed,
        !c.deviceManaged || d.managed,
        !c.deviceAssurances.size || d.assurancePolicies.some((a) => c.deviceAssurances.has(a)),
        !c.platforms.length ||
          c.platforms.some(
            (p) => (p.type === "ANY" || p.type === d.platform) && (p.os === "ANY" || p.os === d.os),
          ),
      ]),
    ]);
  return pick(g, candidates, signature);
}

function entryPointsOf(m: Mentions): OktaContext["entryPoint"][] {
  const types = new Set(m.gspRules.map((r) => r.conditions.authType));
  return [
    "web",
    ...(types.has("RADIUS") ? (["radius"] as const) : []),
    ...(types.has("LDAP_INTERFACE") ? (["ldap-interface"] as const) : []),
  ];
}

function identityProvidersOf(m: Mentions): string[] {
  const out = ["OKTA"];
  for (const r of m.gspRules) {
    const idp = r.conditions.identityProvider;
    if (idp.provider !== "ANY") out.push(OKTA_OTHER_IDP);
    if (idp.provider === "SPECIFIC_IDP") out.push(...idp.ids);
  }
  return uniqueBy(out, (i) => i);
}

/** Seconds after which some rule asks again: re-authentication frequencies, constraint windows, session MFA lifetimes. */
function windowsOf(m: Mentions): number[] {
  const w = new Set<number>([0]);
  for (const r of m.appRules.filter((x) => x.action.access === "ALLOW")) {
    w.add(r.action.reauthenticateSeconds);
    for (const c of r.action.constraints)
      for (const cls of [c.knowledge, c.possession])
        if (cls?.reauthenticateSeconds !== undefined) w.add(cls.reauthenticateSeconds);
  }
  for (const r of m.gspRules)
    if (r.action.access === "ALLOW" && r.action.mfaRequired && r.action.mfaPrompt === "SESSION")
      w.add((r.action.mfaLifetimeMinutes ?? 15) * 60);
  return [...w].filter(Number.isFinite).sort((a, b) => a - b);
}

function authenticatorsOf(
  m: Mentions,
  devices: readonly Device[],
  idps: readonly string[],
  g: OktaSpaceGranularity,
): AuthenticatorUse[][] {
  const ages = uniqueBy(
    windowsOf(m).flatMap((w) => [w, w + 1]),
    String,
  );
  const candidates: AuthenticatorUse[][] = [];
  for (const set of AUTHENTICATOR_SETS)
    for (const ageSeconds of ages)
      candidates.push(
        set.map(([authenticator, userVerified]) => ({ authenticator, ageSeconds, userVerified })),
      );
  // The verdict sees the authenticators only through these judgements (requirements.ts).
  const sessionContexts = idps.flatMap((identityProvider) =>
    uniqueBy(devices, (d) => String(d.mfaRemembered)).map((device) => ({
      ...SESSION_CONTEXT,
      identityProvider,
      device,
    })),
  );
  const appActions = m.appRules.map((r) => r.action).filter((a) => a.access === "ALLOW");
  const gspActions = m.gspRules.map((r) => r.action).filter((a) => a.access === "ALLOW");
  const signature = (uses: readonly AuthenticatorUse[]) => {
    const used = usedAuthenticators(uses);
    return JSON.stringify([
      appActions.map((a) => judgeApp(a, used).requires),
      gspActions.map((a) => sessionContexts.map((c) => judgeSession(a, used, c).requires)),
    ]);
  };
  return pick(g, candidates, signature, true);
}

// -- the space ----------------------------------------------------------------------------------------

function minimal(v: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {
    user: {
      id: v.user,
      ...(v.groups.length ? { groups: v.groups } : {}),
      ...(v.userType !== undefined ? { type: v.userType } : {}),
    },
  };
  if (v.app !== undefined) out.app = v.app;
  out.ip = v.network.ip;
  if (v.network.forwardedFor.length) out.forwardedFor = v.network.forwardedFor;
  Object.assign(out, v.location);
  if (v.ipService.anonymizer !== "none") out.anonymizer = v.ipService.anonymizer;
  if (v.ipService.ipServiceCategories.length) out.ipServiceCategories = v.ipService.ipServiceCategories;
  if (Object.keys(v.zones).length) out.zones = v.zones;
  if (v.threatSuspected) out.threatSuspected = true;
  if (v.risk !== "LOW") out.risk = v.risk;
  if (v.behaviors.length) out.behaviors = v.behaviors;
  const device = Object.fromEntries(
    Object.entries(v.device).filter(
      ([k, val]) => JSON.stringify(val) !== JSON.stringify(DEFAULT_DEVICE[k as keyof Device]),
    ),
  );
  if (Object.keys(device).length) out.device = device;
  const auth = v.authenticators;
  if (!(auth.length === 1 && auth[0].authenticator === "password" && auth[0].ageSeconds === 0))
    out.authenticators = auth.map((a) => ({
      authenticator: a.authenticator,
      ...(a.ageSeconds ? { ageSeconds: a.ageSeconds } : {}),
      ...(a.userVerified ? { userVerified: true } : {}),
    }));
  if (v.entryPoint !== "web") out.entryPoint = v.entryPoint;
  if (v.identityProvider !== "OKTA") out.identityProvider = v.identityProvider;
  return out;
}

function contextOf(v: Values): OktaContext {
  const ctx: OktaContext = {
    user: { id: v.user, groups: [...v.groups], ...(v.userType !== undefined ? { type: v.userType } : {}) },
    ...(v.app !== undefined ? { app: v.app } : {}),
    ip: v.network.ip,
    forwardedFor: [...v.network.forwardedFor],
    ...v.location,
    anonymizer: v.ipService.anonymizer,
    ipServiceCategories: [...v.ipService.ipServiceCategories],
    zones: { ...v.zones },
    threatSuspected: v.threatSuspected,
    risk: v.risk,
    behaviors: [...v.behaviors],
    device: { ...v.device, assurancePolicies: [...v.device.assurancePolicies] },
    authenticators: v.authenticators.map((a) => ({ ...a })),
    entryPoint: v.entryPoint,
    identityProvider: v.identityProvider,
  };
  // Printed (scenario cases, YAML, JSON) without the fields left at their defaults; the schema fills them back in.
  Object.defineProperty(ctx, "toJSON", { value: () => minimal(v), enumerable: false });
  return ctx;
}

/**
 * The context space of one Okta configuration. `spec` adds what the organisation declares even where
 * the configuration has lost it (break-glass users, its apps, the risk levels it responds to), so a
 * configuration that forgot them is still tested on them.
 */
export function oktaContextSpace(
  model: TerraformModel,
  spec?: BaselineSpec,
  options: OktaSpaceOptions = {},
): ContextSpace<OktaContext> {
  const g = options.granularity ?? "classes";
  const compiled = compileOkta(model);
  const m = mentions(compiled, g === "classes");
  const devices = devicesOf(m, g);
  const identityProviders = identityProvidersOf(m);
  const dims: Dims = {
    user: usersOf(m, spec, g),
    groups: groupsOf(compiled, m, g),
    userType: userTypesOf(m),
    app: appsOf(compiled, spec, g),
    network: networksOf(compiled, m, g),
    location: locationsOf(compiled, g),
    ipService: ipServicesOf(compiled, g),
    zones: statedZonesOf(compiled, m),
    threatSuspected: threatOf(compiled, g),
    risk: risksOf(m, spec),
    behaviors: behaviorsOf(compiled, m, g),
    device: devices,
    entryPoint: entryPointsOf(m),
    identityProvider: identityProviders,
    authenticators: authenticatorsOf(m, devices, identityProviders, g),
  };
  const dimensions: Dimension[] = ORDER.map((name) => ({ name, values: dims[name] }));
  return {
    provider: "okta",
    dimensions,
    build(values) {
      const v = Object.fromEntries(ORDER.map((name, i) => [name, values[i]])) as unknown as Values;
      return contextOf(v);
    },
  };
}
