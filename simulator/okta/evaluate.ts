/**
 * Evaluates one Okta Identity Engine sign-in against the compiled model, in the documented order:
 * blocklisted zones, ThreatInsight, the global session policy, the app's authentication policy, their
 * union judged against the authenticators already used, and the authenticator enrollment policy.
 * Pure and synchronous; explanation strings are built only when a trace is asked for.
 */
import type { Requirement, TraceEntry, Verdict } from "../decision";
import { ENROLLMENT_KEYS, type Authenticator } from "./authenticators";
import { OKTA_BEHAVIOR_KINDS, type OktaContext } from "./context";
import { inRanges, parseIp, type IpAddress, type IpRange } from "./ip";
import {
  isUnreadable,
  type AppAction,
  type AppRuleConditions,
  type ConstraintObject,
  type DynamicZone,
  type EnrollmentAction,
  type EnrollmentConditions,
  type EnrollmentPolicy,
  type EnrollSetting,
  type GspAction,
  type GspConditions,
  type GspPolicy,
  type IpZone,
  type NetworkCondition,
  type OktaModel,
  type PlatformEntry,
  type Policy,
  type Rule,
  type Zone,
} from "./model";
import {
  judgeApp,
  judgeSessionFor,
  unionRequirements,
  usedAuthenticators,
  type UsedAuthenticator,
} from "./requirements";
import { ALL_ZONES, zoneSlotsOf, type ZoneSlots } from "./zone-slots";

export type OktaPolicyType = "global-session" | "authentication" | "enrollment";

/** The first condition a skipped rule (or policy) failed. */
export type OktaCondition =
  | "inactive"
  | "policy-groups"
  | "no-rules"
  | "users"
  | "people"
  | "user-type"
  | "network"
  | "auth-type"
  | "identity-provider"
  | "risk"
  | "behaviors"
  | "device"
  | "device-assurance"
  | "platform";

export interface OktaSkip {
  readonly type: OktaPolicyType;
  readonly policy: string;
  /** Absent when the whole policy was skipped. */
  readonly rule?: string;
  readonly condition: OktaCondition;
  /** Resolved values compared; only with `trace: true`. */
  readonly detail?: string;
}

export interface OktaMatch<A> {
  readonly policy: string;
  readonly rule: string;
  readonly action: A;
  /** A documented assumption supplied this rule (it is not in the configuration). */
  readonly assumed?: string;
}

export type OktaEnrollment =
  | {
      readonly status: "matched";
      readonly policy: string;
      readonly rule: string;
      readonly enroll: EnrollmentAction["enroll"];
      /** Per `okta_policy_mfa` authenticator attribute. */
      readonly settings: Readonly<Record<string, EnrollSetting>>;
      /** Whether authenticators the user may enroll can meet this sign-in's requirements (no enrollment lock-out). */
      readonly requirementsEnrollable: boolean;
    }
  | { readonly status: "indeterminate"; readonly reason: string };

export interface OktaDecision {
  readonly verdict: Verdict;
  /** Blocked before any policy: a blocklisted zone's key, or the ThreatInsight settings' address. */
  readonly blockedBy?: string;
  /** ThreatInsight in audit mode logged the request as suspicious. */
  readonly threatLogged?: boolean;
  readonly globalSession?: OktaMatch<GspAction>;
  readonly authentication?: OktaMatch<AppAction>;
  readonly factorMode?: AppAction["factorMode"];
  /** The authentication rule's constraint objects (JSON) — any one must be met. */
  readonly constraints?: readonly string[];
  readonly reauthentication?: { readonly frequency: string; readonly seconds: number; readonly due: boolean };
  readonly session?: {
    readonly idleMinutes: number;
    readonly lifetimeMinutes: number;
    readonly persistent: boolean;
    readonly primaryFactor: GspAction["primaryFactor"];
    readonly mfaPrompt?: GspAction["mfaPrompt"];
  };
  readonly enrollment?: OktaEnrollment;
  readonly skipped: readonly OktaSkip[];
  /** Documented assumptions this decision relied on. */
  readonly assumptions: readonly string[];
  readonly trace?: readonly TraceEntry[];
}

export interface OktaEvaluateOptions {
  readonly trace?: boolean;
}

/** Thrown to end an evaluation as indeterminate. Not an Error: it never leaves this module, and no stack is captured. */
class Undetermined {
  constructor(readonly message: string) {}
}

const KIND_SET: ReadonlySet<string> = new Set(OKTA_BEHAVIOR_KINDS);
/** "Okta stops when a gateway is found or after checking five IPs" (support KB "How is Okta evaluating my IP address while using an IP Zone in a policy"). */
const MAX_CHAIN_HOPS = 5;

type Check<C> = (e: Evaluation, conditions: C) => OktaCondition | undefined;

interface Selected<P, R, A> {
  readonly policy: P;
  readonly rule: R;
  readonly action: A;
}

const NOT_SUSPICIOUS = { logged: false } as const;

class Evaluation {
  readonly skipped: OktaSkip[] = [];
  readonly assumptions: string[] = [];
  readonly trace: TraceEntry[] | undefined;
  private chainCache: IpAddress[] | undefined;
  private usedCache: UsedAuthenticator[] | undefined;
  private readonly zoneSlots: ZoneSlots;
  private readonly stamp: number;

  constructor(
    readonly model: OktaModel,
    readonly ctx: OktaContext,
    tracing: boolean,
  ) {
    this.trace = tracing ? [] : undefined;
    this.zoneSlots = zoneSlotsOf(model);
    this.stamp = this.zoneSlots.next();
  }

  /** X-Forwarded-For hops, then the IP connecting to Okta. */
  private get chain(): IpAddress[] {
    if (this.chainCache) return this.chainCache;
    const { forwardedFor, ip } = this.ctx;
    const chain: IpAddress[] = [];
    for (const hop of forwardedFor) chain.push(parseIp(hop));
    if (ip) chain.push(parseIp(ip));
    return (this.chainCache = chain);
  }

  get used(): UsedAuthenticator[] {
    return (this.usedCache ??= usedAuthenticators(this.ctx.authenticators));
  }

  note(subject: string, result: string, detail?: string): void {
    this.trace?.push(detail === undefined ? { subject, result } : { subject, result, detail });
  }

  assume(text: string | undefined): void {
    if (text === undefined || this.assumptions.includes(text)) return;
    this.assumptions.push(text);
    this.note("assumption", "applied", text);
  }

  // -- groups ----------------------------------------------------------------------------------------

  /** Whether the user (or Everyone) is in any of `groups`. */
  inAnyGroup(groups: ReadonlySet<string>): boolean {
    if (groups.size === 0) return false;
    for (const g of this.ctx.user.groups) if (groups.has(g)) return true;
    for (const g of this.model.everyoneGroups) if (groups.has(g)) return true;
    return false;
  }

  // -- zones (help about-ip-zones, about-dynamic-zones, about-enhanced-dynamic-zones) ------------------

  /**
   * IP zone membership, walking the chain from the IP connecting to Okta: a gateway means in the zone,
   * a proxy of the same zone means check the previous IP, anything else means not in the zone; one IP
   * alone must be a gateway; at most five IPs are checked. Source: help about-ip-zones (S11) and the
   * support KB "How is Okta evaluating my IP address" (S30).
   */
  private inIpZone(def: IpZone): boolean {
    const chain = this.chain;
    for (let i = chain.length - 1, hops = 0; i >= 0 && hops < MAX_CHAIN_HOPS; i--, hops++) {
      if (inRanges(chain[i], def.gateways)) return true;
      if (chain.length === 1 || !inRanges(chain[i], def.proxies)) return false;
    }
    return false;
  }

  private atLocation(locations: readonly string[]): boolean {
    const { country, region } = this.ctx;
    for (const loc of locations) if (loc === country || loc === region) return true;
    return false;
  }

  /**
   * Dynamic zones. Reference open point 7, decided: location, ASN and IP type are ANDed within one zone
   * (each listed criterion must hold); an empty location list means every location ("When the location
   * isn't defined, all locations are considered to be within that dynamic zone", about-dynamic-zones).
   * A request whose location or ASN the context does not give is not in a zone that lists them.
   */
  private inDynamicZone(def: DynamicZone): boolean {
    const { asn, anonymizer } = this.ctx;
    if (def.locations.length && !this.atLocation(def.locations)) return false;
    if (this.atLocation(def.locationsExcluded)) return false;
    if (def.asns.length && (asn === undefined || !def.asns.includes(asn))) return false;
    if (def.proxyType === "TorAnonymizer" && anonymizer !== "tor") return false;
    if (def.proxyType === "NotTorAnonymizer" && anonymizer !== "anonymizing-proxy") return false;
    if (def.categoriesIncluded.length && !this.inAnyCategory(def.categoriesIncluded)) return false;
    if (this.inAnyCategory(def.categoriesExcluded)) return false;
    return true;
  }

  private inAnyCategory(categories: readonly string[]): boolean {
    for (const c of categories) if (this.inCategory(c)) return true;
    return false;
  }

  /** The client IP's service categories: the context's, plus those its anonymizer implies. */
  private inCategory(category: string): boolean {
    const { ipServiceCategories, anonymizer } = this.ctx;
    if (ipServiceCategories.includes(category)) return true;
    switch (category) {
      case "ANONYMIZER_TOR":
        return anonymizer === "tor";
      case "ALL_ANONYMIZERS":
        return anonymizer !== "none";
      case "ALL_IP_SERVICES":
        return ipServiceCategories.length > 0 || anonymizer !== "none";
      default:
        return false;
    }
  }

  private zoneMembership(zone: Zone): boolean {
    if (zone.external) {
      const v = this.ctx.zones[zone.key] ?? this.ctx.zones[zone.name];
      if (v === undefined)
        throw new Undetermined(
          `${this.model.stack}: ${zone.key}: zone "${zone.name}" is defined outside this configuration; state membership in the context's zones`,
        );
      return v;
    }
    if (isUnreadable(zone.def)) throw new Undetermined(zone.def.unreadable);
    // Reference open point 3, decided: an INACTIVE zone contains nothing.
    if (!zone.active) return false;
    return zone.def.kind === "ip" ? this.inIpZone(zone.def) : this.inDynamicZone(zone.def);
  }

  inZone(key: string): boolean {
    const slot = this.zoneSlots.slotOf(key);
    if (slot < 0) {
      const stated = this.ctx.zones[key];
      if (stated === undefined)
        throw new Undetermined(
          `${this.model.stack}: zone ${key} is not defined in this configuration; state membership in the context's zones`,
        );
      return stated;
    }
    const cached = this.zoneSlots.get(slot, this.stamp);
    if (cached >= 0) return cached === 1;
    const zone = key === ALL_ZONES ? undefined : this.model.zones.get(key);
    const v = zone ? this.zoneMembership(zone) : this.inAnyZone();
    this.zoneSlots.set(slot, this.stamp, v);
    return v;
  }

  /** ALL_ZONES: any zone of the configuration, or any the context states it is in. */
  private inAnyZone(): boolean {
    let unknown: string | undefined;
    for (const zone of this.model.zones.values()) {
      try {
        if (this.zoneMembership(zone)) return true;
      } catch (e) {
        if (!(e instanceof Undetermined)) throw e;
        unknown ??= e.message;
      }
    }
    const stated = this.ctx.zones;
    for (const key in stated) if (stated[key]) return true;
    if (unknown !== undefined) throw new Undetermined(unknown);
    return false;
  }

  private inAnyZoneOf(keys: readonly string[]): boolean {
    for (const key of keys) if (this.inZone(key)) return true;
    return false;
  }

  network(n: NetworkCondition): boolean {
    if (n.connection === "ANYWHERE") return true;
    if (n.include.length) return this.inAnyZoneOf(n.include);
    return !this.inAnyZoneOf(n.exclude);
  }

  // -- pre-policy filters -------------------------------------------------------------------------------

  /** In an active IP exempt zone (or an external one the context states it is in). */
  private exempt(ip: IpAddress): boolean {
    for (const z of this.model.exemptZones) {
      if (!z.active) continue;
      if (z.external) {
        if (this.ctx.zones[z.key] === true || this.ctx.zones[z.name] === true) return true;
      } else if (!isUnreadable(z.def) && z.def.kind === "ip" && inRanges(ip, z.def.gateways)) return true;
    }
    return false;
  }

  /** The client: the rightmost IP that is not a trusted proxy (help about-ip-zones: trusted proxies resolve the client IP). */
  private clientIp(): IpAddress | undefined {
    const chain = this.chain;
    for (let i = chain.length - 1; i >= 0; i--)
      if (i === 0 || !inRanges(chain[i], this.model.trustedProxies)) return chain[i];
    return undefined;
  }

  /** Some IP of the chain is in `ranges` and not exempt. */
  private blockedIpInChain(ranges: readonly IpRange[]): boolean {
    for (const ip of this.chain) if (inRanges(ip, ranges) && !this.exempt(ip)) return true;
    return false;
  }

  /**
   * Blocklisted zones: "Okta blocks these requests before any type of policy evaluation occurs" (help
   * blocklist-network-zone). Decided: any IP of the chain in a blocklisted IP zone blocks, unless every
   * such IP is in the IP exempt zone ("every blocklisted IP in the chain must be in the exempt zone",
   * help about-ip-exempt-zone). Dynamic blocklists judge the client's location, ASN and IP type.
   */
  blockedBy(): string | undefined {
    for (const zone of this.model.blocklists) {
      if (isUnreadable(zone.usage)) throw new Undetermined(zone.usage.unreadable);
      if (!zone.active) continue;
      if (isUnreadable(zone.def)) throw new Undetermined(zone.def.unreadable);
      if (zone.def.kind === "ip") {
        if (this.blockedIpInChain(zone.def.gateways)) return zone.key;
      } else if (this.inDynamicZone(zone.def)) {
        const client = this.clientIp();
        if (!client || !this.exempt(client)) return zone.key;
      }
    }
    return undefined;
  }

  /**
   * ThreatInsight: `block` blocks suspicious IPs, `audit` logs them, `none` does neither; "IPs in the
   * excluded Network Zones aren't logged or blocked by Okta ThreatInsight and proceed to Sign On rules
   * evaluation" (help configure-threatinsight; provider docs threat_insight_settings). The IP exempt zone
   * also bypasses it (help about-ip-exempt-zone).
   */
  threatInsight(): { readonly blocked?: string; readonly logged: boolean } {
    if (!this.ctx.threatSuspected) return NOT_SUSPICIOUS;
    const ti = this.model.threatInsight;
    if (ti === undefined)
      throw new Undetermined(
        `${this.model.stack}: okta_threat_insight_settings is not in this configuration, and the context marks the IP suspicious`,
      );
    if (isUnreadable(ti)) throw new Undetermined(ti.unreadable);
    const client = this.clientIp();
    if (client && this.exempt(client) && this.model.exemptZones.length) return NOT_SUSPICIOUS;
    if (this.inAnyZoneOf(ti.excludedZones)) return NOT_SUSPICIOUS;
    if (ti.action === "block") return { blocked: ti.key, logged: true };
    return { logged: ti.action === "audit" };
  }

  // -- conditions ----------------------------------------------------------------------------------------

  private hasBehaviorKind(): boolean {
    for (const b of this.ctx.behaviors) if (KIND_SET.has(b)) return true;
    return false;
  }

  private behaviorDetected(key: string): boolean {
    const detected = this.ctx.behaviors;
    if (detected.includes(key)) return true;
    const b = this.model.behaviors.get(key);
    if (b && !b.active) return false;
    if (b?.name !== undefined && detected.includes(b.name)) return true;
    if (!this.hasBehaviorKind()) return false;
    if (!b)
      throw new Undetermined(
        `${this.model.stack}: behaviour ${key} is not defined in this configuration, so its kind is unknown; name it in the context's behaviors`,
      );
    if (isUnreadable(b.kind)) throw new Undetermined(b.kind.unreadable);
    return detected.includes(b.kind);
  }

  anyBehaviorDetected(keys: readonly string[]): boolean {
    for (const key of keys) if (this.behaviorDetected(key)) return true;
    return false;
  }

  // -- selection -----------------------------------------------------------------------------------------

  private skip(
    type: OktaPolicyType,
    policy: string,
    rule: string | undefined,
    condition: OktaCondition,
    conditions?: unknown,
  ): void {
    if (this.trace === undefined) {
      this.skipped.push(rule === undefined ? { type, policy, condition } : { type, policy, rule, condition });
      return;
    }
    const detail = this.describe(condition, conditions);
    this.skipped.push(
      rule === undefined ? { type, policy, condition, detail } : { type, policy, rule, condition, detail },
    );
    this.note(
      rule ?? policy,
      rule === undefined ? "policy not applied" : "rule skipped",
      `${condition}: ${detail}`,
    );
  }

  /** First full match within one policy's rules, by priority; equal priorities where more than one rule matches are indeterminate (creation order decides, which the configuration does not fix). */
  firstRule<C, A>(
    type: OktaPolicyType,
    policyKey: string,
    groups: readonly (readonly Rule<C, A>[])[],
    check: Check<C>,
  ): Rule<C, A> | undefined {
    for (const group of groups) {
      let found: Rule<C, A> | undefined;
      for (const rule of group) {
        if (!rule.active) {
          // Reference open point 3, decided: INACTIVE rules are skipped.
          this.skip(type, policyKey, rule.key, "inactive");
          continue;
        }
        if (isUnreadable(rule.body)) throw new Undetermined(rule.body.unreadable);
        const failed = check(this, rule.body.conditions);
        if (failed !== undefined) {
          this.skip(type, policyKey, rule.key, failed, rule.body.conditions);
          continue;
        }
        if (found)
          throw new Undetermined(
            `${this.model.stack}: ${found.key} and ${rule.key} have the same priority and both match; Okta orders them by creation, which the configuration does not fix`,
          );
        found = rule;
      }
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Policies by priority, then their rules; first full match wins, and "If none of the Policy Rules have
   * conditions that can be met, then the next Policy in the list is considered"; "Policies that have no
   * Rules aren't considered" (Policy API "Policy evaluation"; concepts/policies "How policies work").
   * A policy applies to the users of its groups; the default policy to everyone, always last.
   */
  selectPolicy<C, A, P extends Policy<C, A>>(
    type: OktaPolicyType,
    tiers: readonly (readonly P[])[],
    check: Check<C>,
  ): Selected<P, Rule<C, A>, A> | undefined {
    for (const tier of tiers) {
      let foundPolicy: P | undefined;
      let foundRule: Rule<C, A> | undefined;
      for (const policy of tier) {
        if (!policy.active) {
          this.skip(type, policy.key, undefined, "inactive");
          continue;
        }
        if (!policy.isDefault) {
          if (isUnreadable(policy.groups)) throw new Undetermined(policy.groups.unreadable);
          if (!this.inAnyGroup(policy.groups)) {
            this.skip(type, policy.key, undefined, "policy-groups", policy.groups);
            continue;
          }
          if (policy.rules.length === 0) {
            this.skip(type, policy.key, undefined, "no-rules");
            continue;
          }
        }
        const rule = this.firstRule(type, policy.key, policy.rules, check);
        if (!rule) continue;
        if (foundPolicy)
          throw new Undetermined(
            `${this.model.stack}: ${foundPolicy.key} and ${policy.key} have the same priority and both apply; Okta orders them by creation, which the configuration does not fix`,
          );
        foundPolicy = policy;
        foundRule = rule;
      }
      if (foundPolicy && foundRule)
        return { policy: foundPolicy, rule: foundRule, action: actionOf(foundRule) };
    }
    return undefined;
  }

  // -- explanations (trace only) -----------------------------------------------------------------------

  private describe(condition: OktaCondition, conditions: unknown): string {
    const ctx = this.ctx;
    switch (condition) {
      case "inactive":
        return "status INACTIVE";
      case "no-rules":
        return "a policy without rules is never applied";
      case "policy-groups":
        return `user ${ctx.user.id} (groups ${ctx.user.groups.join(", ") || "none"}) is in none of ${[...(conditions as ReadonlySet<string>)].join(", ") || "no groups"}`;
      case "users":
        return `user ${ctx.user.id} is excluded`;
      case "people":
        return `user ${ctx.user.id} (groups ${ctx.user.groups.join(", ") || "none"}) is excluded or not included`;
      case "user-type":
        return `user type ${ctx.user.type ?? "default"} not included or excluded`;
      case "network": {
        const n = (conditions as { network: NetworkCondition }).network;
        const ip = ctx.ip ?? "no IP";
        return n.connection === "ZONE" && n.include.length
          ? `${ip} is in none of ${n.include.join(", ")}`
          : `${ip} is in an excluded zone`;
      }
      case "auth-type":
        return `entry point ${ctx.entryPoint}`;
      case "identity-provider":
        return `identity provider ${ctx.identityProvider}`;
      case "risk":
        return `risk ${ctx.risk} is not the rule's ${(conditions as { risk: string }).risk}`;
      case "behaviors":
        return `none of ${(conditions as GspConditions).behaviors.join(", ")} detected (detected: ${ctx.behaviors.join(", ") || "none"})`;
      case "device":
        return `device registered=${ctx.device.registered} managed=${ctx.device.managed}`;
      case "device-assurance":
        return `device satisfies ${ctx.device.assurancePolicies.join(", ") || "no assurance policy"}`;
      case "platform":
        return `platform ${ctx.device.platform}/${ctx.device.os} not included`;
    }
  }
}

function actionOf<C, A>(rule: Rule<C, A>): A {
  if (isUnreadable(rule.body)) throw new Undetermined(rule.body.unreadable);
  return rule.body.action;
}

/**
 * Global session rule conditions, in this order. Sources: help add-okta-sign-on-policy-rule (S6)
 * for people (exclude users), network, authentication type, identity provider, risk and behaviours;
 * "If you add multiple behaviors, they're considered OR conditions" and "All of the conditions of the
 * rule in addition to the behaviors must be met" (help add-rule-behavior-detection, S17); risk "limits
 * the rule to only the specified risk level" (help security_risk_scoring, S19).
 */
const gspCheck: Check<GspConditions> = (e, c) => {
  const ctx = e.ctx;
  if (c.usersExcluded.has(ctx.user.id)) return "users";
  if (!e.network(c.network)) return "network";
  if (c.authType === "RADIUS" && ctx.entryPoint !== "radius") return "auth-type";
  if (c.authType === "LDAP_INTERFACE" && ctx.entryPoint !== "ldap-interface") return "auth-type";
  const idp = c.identityProvider;
  if (idp.provider === "OKTA" && ctx.identityProvider !== "OKTA") return "identity-provider";
  if (idp.provider === "SPECIFIC_IDP" && !idp.ids.has(ctx.identityProvider)) return "identity-provider";
  if (c.risk !== "ANY" && c.risk !== ctx.risk) return "risk";
  if (c.behaviors.length && !e.anyBehaviorDetected(c.behaviors)) return "behaviors";
  return undefined;
};

function platformIncluded(platforms: readonly PlatformEntry[], device: OktaContext["device"]): boolean {
  for (const pl of platforms)
    if ((pl.type === "ANY" || pl.type === device.platform) && (pl.os === "ANY" || pl.os === device.os))
      return true;
  return false;
}

function anyIn(values: readonly string[], set: ReadonlySet<string>): boolean {
  for (const v of values) if (set.has(v)) return true;
  return false;
}

/**
 * Authentication rule conditions; each defaults to "any" when absent (help add-app-sign-on-policy-rule,
 * S7). Reference open point 1, decided: exclusion of the user or one of their groups always wins; an
 * included user or an included group suffices (users and groups includes are ORed).
 */
const appCheck: Check<AppRuleConditions> = (e, c) => {
  const ctx = e.ctx;
  const p = c.people;
  const user = ctx.user.id;
  if (p.usersExcluded.has(user) || e.inAnyGroup(p.groupsExcluded)) return "people";
  if (
    (p.usersIncluded.size || p.groupsIncluded.size) &&
    !p.usersIncluded.has(user) &&
    !e.inAnyGroup(p.groupsIncluded)
  )
    return "people";
  const userType = ctx.user.type ?? "default";
  if (c.userTypesExcluded.has(userType)) return "user-type";
  if (c.userTypesIncluded.size && !c.userTypesIncluded.has(userType)) return "user-type";
  if (!e.network(c.network)) return "network";
  const d = ctx.device;
  // device.managed "requires registered: true" (Policy API Device condition).
  if (c.deviceRegistered && !(d.registered || d.managed)) return "device";
  if (c.deviceManaged && !d.managed) return "device";
  if (c.deviceAssurances.size && !anyIn(d.assurancePolicies, c.deviceAssurances)) return "device-assurance";
  if (c.platforms.length && !platformIncluded(c.platforms, d)) return "platform";
  if (c.risk !== "ANY" && c.risk !== ctx.risk) return "risk";
  return undefined;
};

const enrollCheck: Check<EnrollmentConditions> = (e, c) => {
  if (c.usersExcluded.has(e.ctx.user.id)) return "users";
  if (!e.network(c.network)) return "network";
  return undefined;
};

function indeterminate(e: Evaluation, reason: string): OktaDecision {
  e.note("evaluation", "indeterminate", reason);
  return {
    verdict: { outcome: "indeterminate", indeterminate: [reason], summary: `indeterminate: ${reason}` },
    skipped: e.skipped,
    assumptions: e.assumptions,
    trace: e.trace,
  };
}

/** Evaluates one sign-in. The context must have been parsed with `parseOktaContext` (defaults filled). */
export function evaluateOkta(
  model: OktaModel,
  context: OktaContext,
  options?: OktaEvaluateOptions,
): OktaDecision {
  const e = new Evaluation(model, context, options?.trace === true);
  try {
    return decide(e);
  } catch (err) {
    if (err instanceof Undetermined) return indeterminate(e, err.message);
    throw err;
  }
}

/** What a sign-in that reached the policies reports, whatever its verdict. */
interface SignIn {
  readonly threatLogged: boolean;
  readonly globalSession: OktaMatch<GspAction>;
  readonly authentication: OktaMatch<AppAction> | undefined;
  readonly session: NonNullable<OktaDecision["session"]>;
  readonly enrollment: OktaEnrollment;
  readonly factorMode: AppAction["factorMode"] | undefined;
  readonly constraints: readonly string[] | undefined;
}

function withThreatLogged(d: OktaDecision): OktaDecision {
  const { skipped, assumptions, trace, ...rest } = d;
  return { skipped, assumptions, trace, threatLogged: true, ...rest };
}

/** The decision of a sign-in that reached the policies; `reauthentication` is set only when it was judged, not denied. */
function decision(
  e: Evaluation,
  s: SignIn,
  verdict: Verdict,
  reauthentication?: OktaDecision["reauthentication"],
): OktaDecision {
  const d: OktaDecision = {
    skipped: e.skipped,
    assumptions: e.assumptions,
    trace: e.trace,
    globalSession: s.globalSession,
    authentication: s.authentication,
    session: s.session,
    enrollment: s.enrollment,
    factorMode: s.factorMode,
    constraints: s.constraints,
    reauthentication,
    verdict,
  };
  return s.threatLogged ? withThreatLogged(d) : d;
}

function blockedDecision(
  e: Evaluation,
  blockedBy: string,
  verdict: Verdict,
  threatLogged: boolean,
): OktaDecision {
  const { skipped, assumptions, trace } = e;
  return threatLogged
    ? { skipped, assumptions, trace, blockedBy, threatLogged: true, verdict }
    : { skipped, assumptions, trace, blockedBy, verdict };
}

function constraintTexts(constraints: readonly ConstraintObject[]): string[] {
  const out: string[] = new Array(constraints.length);
  for (let i = 0; i < constraints.length; i++) out[i] = constraints[i].text;
  return out;
}

function decide(e: Evaluation): OktaDecision {
  const { model, ctx } = e;

  const blocked = e.blockedBy();
  if (blocked) {
    e.note(blocked, "blocked", "blocklisted network zone: blocked before any policy evaluation");
    return blockedDecision(
      e,
      blocked,
      { outcome: "deny", summary: `blocked by blocklisted zone ${blocked}` },
      false,
    );
  }
  const threat = e.threatInsight();
  if (threat.blocked) {
    e.note(threat.blocked, "blocked", "ThreatInsight action block: suspicious IP");
    return blockedDecision(
      e,
      threat.blocked,
      { outcome: "deny", summary: `blocked by ThreatInsight (${threat.blocked})` },
      true,
    );
  }
  if (threat.logged) e.note("ThreatInsight", "logged", "action audit: suspicious IP logged, not blocked");

  if (model.globalSessionProblems.length) throw new Undetermined(model.globalSessionProblems[0]);
  const gsp = e.selectPolicy<GspConditions, GspAction, GspPolicy>(
    "global-session",
    model.globalSession,
    gspCheck,
  );
  // The default policy's implicit Default Rule matches every request.
  if (!gsp) throw new Undetermined(`${model.stack}: no global session policy rule applies`);
  e.assume(gsp.rule.assumed);
  if (e.trace)
    e.note(gsp.rule.key, "matched", `global session policy ${gsp.policy.key}: access ${gsp.action.access}`);
  const a = gsp.action;

  // The matched authentication rule is reported whatever its access, so a deny names its rule.
  let authentication: OktaMatch<AppAction> | undefined;
  let appDenied: string | undefined;
  if (ctx.app !== undefined) {
    const found = appPolicyFor(e, ctx.app);
    authentication = found.match;
    appDenied = found.denied;
  }
  const granting = authentication?.action.access === "ALLOW" ? authentication.action : undefined;

  const s: SignIn = {
    threatLogged: threat.logged,
    globalSession: { policy: gsp.policy.key, rule: gsp.rule.key, action: a, assumed: gsp.rule.assumed },
    authentication,
    session: {
      idleMinutes: a.sessionIdleMinutes,
      lifetimeMinutes: a.sessionLifetimeMinutes,
      persistent: a.sessionPersistent,
      primaryFactor: a.primaryFactor,
      mfaPrompt: a.mfaPrompt,
    },
    enrollment: evaluateEnrollment(e, a, authentication?.action),
    factorMode: granting?.factorMode,
    constraints: granting ? constraintTexts(granting.constraints) : undefined,
  };

  // "A session DENY denies every app" (reference X4, inferred from the union of both policies).
  if (a.access === "DENY")
    return decision(e, s, { outcome: "deny", summary: `denied by global session rule ${gsp.rule.key}` });
  if (appDenied) return decision(e, s, { outcome: "deny", summary: appDenied });

  // "Identity Engine always evaluates both the global session policy and the authentication policy for
  // the app. The resulting user experience is the union of both policies" (Policy API; help about-policies).
  const used = e.used;
  const sessionNeeds = judgeSessionFor(a, used, ctx.identityProvider, ctx.device.mfaRemembered);
  const appNeeds = granting ? judgeApp(granting, used) : undefined;
  const reauthentication =
    granting && appNeeds
      ? {
          frequency: granting.reauthenticate,
          seconds: granting.reauthenticateSeconds,
          due: appNeeds.reauthenticationDue,
        }
      : undefined;
  const requires: Requirement[] = unionRequirements(sessionNeeds.requires, appNeeds ? appNeeds.requires : []);
  const decidedBy = authentication ? `${gsp.rule.key} + ${authentication.rule}` : gsp.rule.key;
  if (requires.length) {
    if (e.trace) e.note("union", "mfa", requires.join(", "));
    return decision(
      e,
      s,
      {
        outcome: "mfa",
        requires,
        summary: `${requires.join(" + ")} required by ${decidedBy}`,
      },
      reauthentication,
    );
  }
  e.note("union", "allow", "requirements met by the authenticators already used");
  return decision(e, s, { outcome: "allow", summary: `allowed by ${decidedBy}` }, reauthentication);
}

function appPolicyFor(e: Evaluation, app: string): { match?: OktaMatch<AppAction>; denied?: string } {
  const { model, ctx } = e;
  const binding = model.appBindings.get(app);
  if (binding === undefined)
    throw new Undetermined(`${model.stack}: app ${app} has no authentication policy in this configuration`);
  if (isUnreadable(binding)) throw new Undetermined(binding.unreadable);
  const policy = model.appPolicies.get(binding);
  if (policy === undefined)
    throw new Undetermined(
      `${model.stack}: ${app}: authentication policy ${binding} is not in this configuration`,
    );
  if (isUnreadable(policy)) throw new Undetermined(policy.unreadable);

  // The user must be assigned to the app: "Access to YourAppName is not allowed. <user> is not assigned
  // to this application" (guide policy-simulation, S4).
  let assigned = ctx.appAssigned;
  if (assigned === undefined) {
    const a = model.appAssignments.get(app);
    if (a === undefined) {
      assigned = true;
      e.assume(`${app}: assignments not managed in this configuration; the user is taken as assigned`);
    } else if (isUnreadable(a)) throw new Undetermined(a.unreadable);
    else assigned = a.users.has(ctx.user.id) || e.inAnyGroup(a.groups);
  }
  if (!assigned) {
    e.note(app, "denied", `user ${ctx.user.id} is not assigned to the app`);
    return { denied: `${ctx.user.id} is not assigned to ${app}` };
  }

  const rule = e.firstRule("authentication", policy.key, policy.rules, appCheck);
  if (!rule) throw new Undetermined(`${model.stack}: ${policy.key}: no rule matched, not even the catch-all`);
  const action = actionOf(rule);
  e.assume(rule.assumed);
  if (e.trace)
    e.note(
      rule.key,
      "matched",
      `authentication policy ${policy.key}: access ${action.access}, ${action.factorMode}`,
    );
  const match = { policy: policy.key, rule: rule.key, action, assumed: rule.assumed };
  // "If you deny access, skip to the last step" (help add-app-sign-on-policy-rule).
  return action.access === "DENY"
    ? { match, denied: `denied by authentication rule ${rule.key}` }
    : { match };
}

/**
 * Authenticator enrollment policy: chosen like any policy (by priority, groups, rules), its settings
 * say per authenticator REQUIRED / OPTIONAL / NOT_ALLOWED (Policy API "Authenticator enrollment
 * policy"). `requirementsEnrollable` judges this sign-in's requirements against every authenticator the
 * user may enroll, freshly used and user-verified (an authentication rule accepting only NOT_ALLOWED
 * authenticators can never be met; reference E5).
 */
function evaluateEnrollment(e: Evaluation, session: GspAction, app: AppAction | undefined): OktaEnrollment {
  const { model } = e;
  if (model.enrollmentProblems.length)
    return { status: "indeterminate", reason: model.enrollmentProblems[0] };
  try {
    const hit = e.selectPolicy<EnrollmentConditions, EnrollmentAction, EnrollmentPolicy>(
      "enrollment",
      model.enrollment,
      enrollCheck,
    );
    if (!hit) return { status: "indeterminate", reason: `${model.stack}: no enrollment policy rule applies` };
    if (isUnreadable(hit.policy.settings))
      return { status: "indeterminate", reason: hit.policy.settings.unreadable };
    const settings = hit.policy.settings;
    const best = enrollableAuthenticators(settings);
    const ok =
      session.access === "DENY" ||
      (judgeSessionFor(session, best, "OKTA", e.ctx.device.mfaRemembered).met &&
        (app === undefined || app.access === "DENY" || judgeApp(app, best).met));
    return {
      status: "matched",
      policy: hit.policy.key,
      rule: hit.rule.key,
      enroll: hit.action.enroll,
      settings,
      requirementsEnrollable: ok,
    };
  } catch (err) {
    if (err instanceof Undetermined) return { status: "indeterminate", reason: err.message };
    throw err;
  }
}

const enrollableBySettings = new WeakMap<object, readonly UsedAuthenticator[]>();

/** Every authenticator the settings let the user enroll, as if used just now and user-verified. */
function enrollableAuthenticators(
  settings: Readonly<Record<string, EnrollSetting>>,
): readonly UsedAuthenticator[] {
  const cached = enrollableBySettings.get(settings);
  if (cached) return cached;
  const enrollable = new Set<Authenticator>();
  for (const key in settings)
    if (settings[key] !== "NOT_ALLOWED") for (const a of ENROLLMENT_KEYS[key] ?? []) enrollable.add(a);
  const used = usedAuthenticators(
    [...enrollable].map((authenticator) => ({ authenticator, ageSeconds: 0, userVerified: true })),
  );
  enrollableBySettings.set(settings, used);
  return used;
}
