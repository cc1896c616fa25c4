/**
 * The compiled Okta model: policies in evaluation order with their rules, zones with parsed ranges,
 * behaviours, ThreatInsight and app bindings. Built once by `compileOkta`; read by `evaluateOkta`.
 * Anything that could not be read stands as an `Unreadable` with its location, and every evaluation
 * that reaches it answers `indeterminate`.
 */
import type { Authenticator } from "./authenticators";
import type { OktaBehaviorKind, OktaRiskLevel } from "./context";
import type { IpRange } from "./ip";

/** A place the compiler could not interpret: `stack: address path: reason`. */
export interface Unreadable {
  readonly unreadable: string;
}

export type Maybe<T> = T | Unreadable;

export function isUnreadable<T>(v: Maybe<T>): v is Unreadable {
  return typeof v === "object" && v !== null && "unreadable" in v;
}

export type ZoneUsage = "POLICY" | "BLOCKLIST";

export interface IpZone {
  readonly kind: "ip";
  readonly gateways: readonly IpRange[];
  readonly proxies: readonly IpRange[];
}

export interface DynamicZone {
  readonly kind: "dynamic";
  /** Empty: every location ("When the location isn't defined, all locations are considered to be within that dynamic zone"). */
  readonly locations: readonly string[];
  readonly locationsExcluded: readonly string[];
  readonly asns: readonly number[];
  /** `DYNAMIC` proxy type, or undefined for Any. */
  readonly proxyType?: "TorAnonymizer" | "NotTorAnonymizer";
  /** `DYNAMIC_V2` IP service categories. */
  readonly categoriesIncluded: readonly string[];
  readonly categoriesExcluded: readonly string[];
}

export interface Zone {
  /** Address, or ID/name for data sources. */
  readonly key: string;
  readonly name: string;
  readonly active: boolean;
  /** Zones defined outside the configuration (data sources) count as POLICY: they take no part in pre-policy blocking. */
  readonly usage: Maybe<ZoneUsage>;
  /** `set_usage_as_exempt_list` or the built-in `DefaultExemptIpZone`. */
  readonly exempt: boolean;
  /** A data source: membership is stated by the context. */
  readonly external: boolean;
  readonly def: Maybe<IpZone | DynamicZone>;
}

export type NetworkCondition =
  | { readonly connection: "ANYWHERE" }
  | { readonly connection: "ZONE"; readonly include: readonly string[]; readonly exclude: readonly string[] };

export interface PeopleCondition {
  readonly usersIncluded: ReadonlySet<string>;
  readonly usersExcluded: ReadonlySet<string>;
  readonly groupsIncluded: ReadonlySet<string>;
  readonly groupsExcluded: ReadonlySet<string>;
}

export type RiskCondition = "ANY" | OktaRiskLevel;

export interface GspAction {
  readonly access: "ALLOW" | "DENY";
  readonly mfaRequired: boolean;
  readonly mfaPrompt?: "DEVICE" | "SESSION" | "ALWAYS";
  readonly mfaLifetimeMinutes?: number;
  readonly mfaRememberDevice: boolean;
  readonly primaryFactor: "PASSWORD_IDP" | "PASSWORD_IDP_ANY_FACTOR";
  readonly sessionIdleMinutes: number;
  readonly sessionLifetimeMinutes: number;
  readonly sessionPersistent: boolean;
}

export interface GspConditions {
  readonly usersExcluded: ReadonlySet<string>;
  readonly network: NetworkCondition;
  readonly authType: "ANY" | "RADIUS" | "LDAP_INTERFACE";
  readonly identityProvider:
    | { readonly provider: "ANY" | "OKTA" }
    | { readonly provider: "SPECIFIC_IDP"; readonly ids: ReadonlySet<string> };
  readonly risk: RiskCondition;
  /** Behaviour keys; any one detected satisfies the condition. */
  readonly behaviors: readonly string[];
}

export interface PlatformEntry {
  readonly type: "ANY" | "DESKTOP" | "MOBILE";
  readonly os: "ANY" | "WINDOWS" | "MACOS" | "CHROMEOS" | "IOS" | "ANDROID" | "OTHER";
}

export interface AppRuleConditions {
  readonly people: PeopleCondition;
  readonly userTypesIncluded: ReadonlySet<string>;
  readonly userTypesExcluded: ReadonlySet<string>;
  readonly network: NetworkCondition;
  readonly deviceRegistered: boolean;
  readonly deviceManaged: boolean;
  readonly deviceAssurances: ReadonlySet<string>;
  readonly platforms: readonly PlatformEntry[];
  readonly risk: RiskCondition;
}

export type ConstraintFlag = "REQUIRED" | "OPTIONAL";

export interface ClassConstraint {
  readonly types?: ReadonlySet<string>;
  readonly methods?: ReadonlySet<string>;
  readonly reauthenticateSeconds?: number;
  readonly hardwareProtection: ConstraintFlag;
  readonly deviceBound: ConstraintFlag;
  readonly phishingResistant: ConstraintFlag;
  readonly userVerification: ConstraintFlag;
}

/** One constraint object: every class in it must be met ( (1A && 1B) || (2A && 2B) ). */
export interface ConstraintObject {
  readonly knowledge?: ClassConstraint;
  readonly possession?: ClassConstraint;
  /** The JSON as configured, for explanations. */
  readonly text: string;
}

export interface AppAction {
  readonly access: "ALLOW" | "DENY";
  readonly factorMode: "1FA" | "2FA";
  readonly constraints: readonly ConstraintObject[];
  /** ISO-8601 as configured, and in seconds. */
  readonly reauthenticate: string;
  readonly reauthenticateSeconds: number;
  readonly inactivityPeriod?: string;
}

export interface Rule<C, A> {
  readonly key: string;
  readonly name: string;
  readonly priority?: number;
  readonly active: boolean;
  /** Catch-all / Default Rule, implicit or managed. */
  readonly system: boolean;
  readonly body: Maybe<{ readonly conditions: C; readonly action: A }>;
  /** A documented assumption that supplied this rule's settings (shown in explanations). */
  readonly assumed?: string;
}

export interface Policy<C, A> {
  readonly key: string;
  readonly name: string;
  readonly priority?: number;
  readonly active: boolean;
  readonly isDefault: boolean;
  /** Group keys the policy applies to (GSP and enrollment); ignored for the default policy. */
  readonly groups: Maybe<ReadonlySet<string>>;
  /** In evaluation order; groups of equal priority are resolved at evaluation (ties that matter are indeterminate). */
  readonly rules: readonly (readonly Rule<C, A>[])[];
}

export type GspRule = Rule<GspConditions, GspAction>;
export type GspPolicy = Policy<GspConditions, GspAction>;
export type AppRule = Rule<AppRuleConditions, AppAction>;

export interface AppPolicy {
  readonly key: string;
  readonly name: string;
  readonly rules: readonly (readonly AppRule[])[];
}

export type EnrollSetting = "REQUIRED" | "OPTIONAL" | "NOT_ALLOWED";

export interface EnrollmentConditions {
  readonly usersExcluded: ReadonlySet<string>;
  readonly network: NetworkCondition;
}

export interface EnrollmentAction {
  readonly enroll: "CHALLENGE" | "LOGIN" | "NEVER";
}

export type EnrollmentPolicy = Policy<EnrollmentConditions, EnrollmentAction> & {
  /** Per `okta_policy_mfa` authenticator attribute; absent attributes are NOT_ALLOWED (Policy API: default NOT_ALLOWED). */
  readonly settings: Maybe<Readonly<Record<string, EnrollSetting>>>;
};

export interface Behavior {
  readonly key: string;
  readonly name?: string;
  readonly kind: Maybe<OktaBehaviorKind>;
  readonly active: boolean;
}

export interface ThreatInsight {
  readonly key: string;
  readonly action: "none" | "audit" | "block";
  readonly excludedZones: readonly string[];
}

export interface AppAssignments {
  readonly groups: ReadonlySet<string>;
  readonly users: ReadonlySet<string>;
}

export interface OktaModel {
  readonly stack: string;
  readonly zones: ReadonlyMap<string, Zone>;
  readonly blocklists: readonly Zone[];
  readonly exemptZones: readonly Zone[];
  /** Every IP zone's proxies, to find the client IP behind trusted proxies. */
  readonly trustedProxies: readonly IpRange[];
  readonly threatInsight?: Maybe<ThreatInsight>;
  /** Policy groups of equal priority, in evaluation order; the default policy last. */
  readonly globalSession: readonly (readonly GspPolicy[])[];
  readonly enrollment: readonly (readonly EnrollmentPolicy[])[];
  /** Set when a rule of that type could not be attached to a policy, so any evaluation of the type is indeterminate. */
  readonly globalSessionProblems: readonly string[];
  readonly enrollmentProblems: readonly string[];
  readonly appPolicies: ReadonlyMap<string, Maybe<AppPolicy>>;
  /** App key (address or ID) → authentication policy key, or unreadable binding. */
  readonly appBindings: ReadonlyMap<string, Maybe<string>>;
  readonly appAssignments: ReadonlyMap<string, Maybe<AppAssignments>>;
  /** Groups that contain every user (`data.okta_everyone_group`, a group data source named Everyone). */
  readonly everyoneGroups: ReadonlySet<string>;
  readonly behaviors: ReadonlyMap<string, Behavior>;
}

export type { Authenticator };
