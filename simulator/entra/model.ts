/**
 * The compiled Entra model: Conditional Access policies, named locations, authentication strengths and
 * group nesting, precomputed for evaluation (sets, parsed filters, numeric IP ranges). Immutable.
 * Identities are reference keys (see `refKey`): a resource in the configuration by its address, anything
 * else by its literal ID.
 */
import type { Requirement } from "../decision";
import type { DeviceFilterExpr } from "./device-filter";
import type { ApplicationSuite, ClientAppType, GrantControlKind, GuestKind, UserAction } from "./vocabulary";

/** A part of a policy that could not be read or interpreted; evaluations it could affect are indeterminate. */
export interface Unreadable {
  readonly unreadable: string;
}
export function isUnreadable(v: unknown): v is Unreadable {
  return typeof v === "object" && v !== null && "unreadable" in v;
}
export type Readable<T> = T | Unreadable;

export type PolicyState = "enabled" | "disabled" | "enabledForReportingButNotEnforced";

export interface PrincipalSelection {
  readonly all: boolean;
  /** `GuestsOrExternalUsers` in the user list: every guest or external user. */
  readonly allGuests: boolean;
  /** Typed guest/external selection (`*_guests_or_external_users`). */
  readonly guestKinds?: {
    readonly kinds: ReadonlySet<GuestKind>;
    readonly tenants: "all" | ReadonlySet<string>;
  };
  readonly users: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
  readonly roles: ReadonlySet<string>;
}

export interface UsersCondition {
  readonly include: PrincipalSelection;
  readonly exclude: PrincipalSelection;
}

export interface ServicePrincipalsCondition {
  /** `ServicePrincipalsInMyTenant`. */
  readonly includeAll: boolean;
  readonly include: ReadonlySet<string>;
  readonly exclude: ReadonlySet<string>;
}

export interface ApplicationsCondition {
  readonly includeAll: boolean;
  readonly includeSuites: ReadonlySet<ApplicationSuite>;
  readonly includeApps: ReadonlySet<string>;
  readonly excludeSuites: ReadonlySet<ApplicationSuite>;
  readonly excludeApps: ReadonlySet<string>;
  readonly userActions: ReadonlySet<UserAction>;
}

export interface PlatformsCondition {
  readonly include: ReadonlySet<string>;
  readonly exclude: ReadonlySet<string>;
}

export interface LocationSelection {
  readonly all: boolean;
  readonly allTrusted: boolean;
  readonly locations: ReadonlySet<string>;
}
export interface LocationsCondition {
  readonly include: LocationSelection;
  readonly exclude: LocationSelection;
}

export interface DeviceFilterCondition {
  readonly mode: "include" | "exclude";
  readonly rule: string;
  readonly expr: DeviceFilterExpr;
}

export interface AuthenticationStrength {
  /** Reference key: built-in GUID or resource address. */
  readonly key: string;
  readonly displayName: string;
  /** Each allowed combination as the set of methods it needs. */
  readonly combinations: readonly (readonly string[])[];
  readonly requirement: Requirement;
}

export interface GrantControl {
  readonly kind: GrantControlKind;
  /** For `authenticationStrength`. */
  readonly strength?: AuthenticationStrength;
  /** For `termsOfUse` and `customAuthenticationFactor`. */
  readonly id?: string;
}

export interface GrantControls {
  readonly operator: "AND" | "OR";
  readonly block: boolean;
  /** In prompt order. */
  readonly controls: readonly GrantControl[];
}

export type SignInFrequency =
  | { readonly kind: "everyTime"; readonly authenticationType: string }
  | { readonly kind: "timeBased"; readonly hours: number; readonly authenticationType: string };

export interface SessionControls {
  readonly signInFrequency?: SignInFrequency;
  readonly persistentBrowser?: "always" | "never";
  readonly cloudAppSecurity?: string;
  readonly applicationEnforcedRestrictions: boolean;
  readonly disableResilienceDefaults: boolean;
}

export interface ConditionalAccessPolicy {
  readonly address: string;
  readonly displayName: string;
  readonly state: Readable<PolicyState>;
  /** Absent: no users block (a workload-identity policy). */
  readonly users?: Readable<UsersCondition>;
  readonly servicePrincipals?: Readable<ServicePrincipalsCondition>;
  readonly applications: Readable<ApplicationsCondition>;
  readonly platforms?: Readable<PlatformsCondition>;
  readonly locations?: Readable<LocationsCondition>;
  /** Absent or containing `all`: every client app type. */
  readonly clientAppTypes?: Readable<ReadonlySet<ClientAppType>>;
  readonly signInRisk?: Readable<ReadonlySet<string>>;
  readonly userRisk?: Readable<ReadonlySet<string>>;
  readonly servicePrincipalRisk?: Readable<ReadonlySet<string>>;
  readonly insiderRisk?: Readable<string>;
  readonly deviceFilter?: Readable<DeviceFilterCondition>;
  readonly transferMethods?: Readable<ReadonlySet<string>>;
  readonly grant?: Readable<GrantControls>;
  readonly session?: Readable<SessionControls>;
}

export type NamedLocation =
  | {
      readonly kind: "ip";
      readonly address: string;
      readonly displayName: string;
      readonly trusted: boolean;
      readonly v4: readonly (readonly [number, number])[];
      readonly v6: readonly (readonly [bigint, bigint])[];
    }
  | {
      readonly kind: "country";
      readonly address: string;
      readonly displayName: string;
      readonly countries: ReadonlySet<string>;
      readonly includeUnknown: boolean;
      readonly lookup: "clientIpAddress" | "authenticatorAppGps";
    }
  | { readonly kind: "unreadable"; readonly address: string; readonly unreadable: string };

export interface EntraDiagnostic {
  readonly severity: "error" | "warning";
  readonly address: string;
  readonly path?: string;
  readonly message: string;
  /** The documentation the rule comes from. */
  readonly source?: string;
}

export interface EntraModel {
  readonly stack: string;
  readonly policies: readonly ConditionalAccessPolicy[];
  readonly namedLocations: ReadonlyMap<string, NamedLocation>;
  readonly strengths: ReadonlyMap<string, AuthenticationStrength>;
  /** For a user or group key, every group that contains it directly or through nesting. */
  readonly memberOf: ReadonlyMap<string, ReadonlySet<string>>;
  readonly diagnostics: readonly EntraDiagnostic[];
}
