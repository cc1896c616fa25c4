/**
 * The baseline's Conditional Access policies as data: one definition per policy, before the parts every
 * policy shares (break-glass exclusion, state from the rollout) are added by `EntraMfaBaseline`.
 * Semantics follow learn.microsoft.com/entra/identity/conditional-access/ (CA/ below).
 */
import type {
  ConditionalAccessPolicyConditions,
  ConditionalAccessPolicyGrantControls,
  ConditionalAccessPolicySessionControls,
} from "@cdktf/provider-azuread/lib/conditional-access-policy";
import type { BaselineSpec, EntraPolicyKey, EntraSpec } from "../spec";
import type { HumanMfaClass } from "./authentication-strengths";
import { GUEST_KINDS } from "../../simulator/entra/vocabulary";

export interface PolicyDefinition {
  readonly key: EntraPolicyKey;
  /** Construct ID, unique within the baseline. */
  readonly id: string;
  readonly title: string;
  readonly conditions: ConditionalAccessPolicyConditions;
  readonly grantControls?: ConditionalAccessPolicyGrantControls;
  readonly sessionControls?: ConditionalAccessPolicySessionControls;
}

export interface PolicyInputs {
  readonly spec: BaselineSpec;
  readonly entra: EntraSpec;
  readonly strengthFor: (mfa: HumanMfaClass) => string;
  readonly contractorsGroupId: string;
  /** Present when the spec blocks countries. */
  readonly blockedCountriesLocationId?: string;
}

export const SECURITY_INFO_REGISTRATION = "urn:user:registersecurityinfo";

/** Every guest and external user type (CA/concept-conditional-access-users-groups). */
export const ALL_GUEST_TYPES = GUEST_KINDS;

/** Platforms Conditional Access recognises; anything else (e.g. ChromeOS, Windows Phone) only matches `all` (CA/concept-conditional-access-conditions). */
export const KNOWN_PLATFORMS = ["android", "iOS", "windows", "macOS", "linux"] as const;

const allGuests = [
  { guestOrExternalUserTypes: [...ALL_GUEST_TYPES], externalTenants: [{ membershipKind: "all" }] },
];
const allUsersAllApps = (
  extra: Partial<ConditionalAccessPolicyConditions> = {},
): ConditionalAccessPolicyConditions => ({
  clientAppTypes: ["all"],
  users: { includedUsers: ["All"] },
  applications: { includedApplications: ["All"] },
  ...extra,
});
const block: ConditionalAccessPolicyGrantControls = { operator: "OR", builtInControls: ["block"] };
const mfa: ConditionalAccessPolicyGrantControls = { operator: "OR", builtInControls: ["mfa"] };
const strength = (id: string): ConditionalAccessPolicyGrantControls => ({
  operator: "OR",
  authenticationStrengthPolicyId: id,
});
/** Risk policies re-evaluate on every sign-in so a remediated risk is proven fresh (CA/howto-conditional-access-policy-risk). */
const everyTime: ConditionalAccessPolicySessionControls = {
  signInFrequencyInterval: "everyTime",
  signInFrequencyAuthenticationType: "primaryAndSecondaryAuthentication",
};

export function baselinePolicyDefinitions(inputs: PolicyInputs): PolicyDefinition[] {
  const { spec, entra } = inputs;
  const adminRoles = [...entra.adminRoleTemplateIds];
  const definitions: PolicyDefinition[] = [
    {
      key: "mfa-all-users",
      id: "mfa-all-users",
      title: "MFA for all users",
      // All users rather than the employees group: a missing group membership must never mean no MFA.
      // Contractors meet this policy and mfa-guests; Entra requires both (CA/concept-conditional-access-policies).
      conditions: allUsersAllApps(),
      grantControls: strength(inputs.strengthFor(spec.tiers.employees.mfa)),
    },
    {
      key: "admins-phishing-resistant",
      id: "admins-phishing-resistant",
      title:
        spec.tiers.administrators.mfa === "phishing-resistant"
          ? "Phishing-resistant MFA for administrators"
          : "MFA for administrators",
      conditions: allUsersAllApps({ users: { includedRoles: adminRoles } }),
      grantControls: strength(inputs.strengthFor(spec.tiers.administrators.mfa)),
    },
    {
      key: "block-legacy-auth",
      id: "block-legacy-auth",
      title: "Block legacy authentication",
      // Legacy clients cannot do MFA (CA/concept-conditional-access-conditions#legacy-authentication-clients).
      conditions: allUsersAllApps({ clientAppTypes: ["exchangeActiveSync", "other"] }),
      grantControls: block,
    },
    // Sign-in risk: one MFA policy for medium and high, and, when the spec blocks high risk, a second
    // policy that blocks high. Risk lists are exact sets (CA/howto-conditional-access-policy-risk) and a
    // block in any applying policy wins (CA/concept-conditional-access-policies), so high risk is blocked
    // while medium needs MFA; one grant per policy keeps each policy's effect readable in the sign-in log.
    // Anonymous IP addresses have no Conditional Access condition of their own: Entra ID Protection
    // raises them as sign-in risk, so `networks.anonymisers` is served by these policies.
    {
      key: "sign-in-risk",
      id: "sign-in-risk-mfa",
      title: "MFA for medium and high sign-in risk",
      conditions: allUsersAllApps({ signInRiskLevels: ["medium", "high"] }),
      grantControls: mfa,
      sessionControls: everyTime,
    },
  ];
  if (spec.risk.signIn.high === "block") {
    definitions.push({
      key: "sign-in-risk",
      id: "sign-in-risk-high-block",
      title: "Block high sign-in risk",
      conditions: allUsersAllApps({ signInRiskLevels: ["high"] }),
      grantControls: block,
    });
  }
  definitions.push(
    {
      key: "user-risk",
      id: "user-risk",
      title: "Secure password change for high user risk",
      // passwordChange must be paired with mfa under AND, on all apps (CA/concept-conditional-access-grant).
      conditions: allUsersAllApps({ userRiskLevels: ["high"] }),
      grantControls: { operator: "AND", builtInControls: ["mfa", "passwordChange"] },
      sessionControls: everyTime,
    },
    {
      key: "mfa-azure-management",
      id: "mfa-azure-management",
      title: "MFA for Azure management",
      conditions: allUsersAllApps({ applications: { includedApplications: [entra.azureManagementAppId] } }),
      grantControls: mfa,
    },
    {
      key: "mfa-guests",
      id: "mfa-guests",
      title: "MFA for guests and contractors",
      conditions: allUsersAllApps({
        users: { includedGroups: [inputs.contractorsGroupId], includedGuestsOrExternalUsers: allGuests },
      }),
      grantControls: strength(inputs.strengthFor(spec.tiers.contractors.mfa)),
    },
    {
      key: "security-info-registration",
      id: "security-info-registration",
      title: "Security info registration from trusted networks or with MFA",
      // Microsoft's template: MFA (a Temporary Access Pass satisfies it for new users) outside trusted
      // locations, guests excluded because a Temporary Access Pass does not work for them
      // (CA/howto-conditional-access-policy-registration). MFA rather than block, so remote staff can
      // still enrol with a Temporary Access Pass.
      conditions: {
        clientAppTypes: ["all"],
        users: { includedUsers: ["All"], excludedGuestsOrExternalUsers: allGuests },
        applications: { includedUserActions: [SECURITY_INFO_REGISTRATION] },
        locations: { includedLocations: ["All"], excludedLocations: ["AllTrusted"] },
      },
      grantControls: mfa,
    },
    {
      key: "block-device-code-flow",
      id: "block-device-code-flow",
      title: "Block device code flow",
      conditions: allUsersAllApps({ authenticationFlowTransferMethods: ["deviceCodeFlow"] }),
      grantControls: block,
    },
    {
      key: "admin-session",
      id: "admin-session",
      title: "Administrator sign-in frequency, no persistent browser",
      // Persistent browser needs All resources (CA/concept-conditional-access-session).
      conditions: allUsersAllApps({ users: { includedRoles: adminRoles } }),
      sessionControls: {
        signInFrequency: spec.sessions.adminSignInFrequencyHours,
        signInFrequencyPeriod: "hours",
        persistentBrowserMode: "never",
      },
    },
  );
  if (entra.blockUnknownPlatforms) {
    definitions.push({
      key: "block-unknown-platforms",
      id: "block-unknown-platforms",
      title: "Block unknown device platforms",
      conditions: allUsersAllApps({
        platforms: { includedPlatforms: ["all"], excludedPlatforms: [...KNOWN_PLATFORMS] },
      }),
      grantControls: block,
    });
  }
  if (inputs.blockedCountriesLocationId) {
    definitions.push({
      key: "block-countries",
      id: "block-countries",
      title: "Block sign-in from blocked countries",
      conditions: allUsersAllApps({ locations: { includedLocations: [inputs.blockedCountriesLocationId] } }),
      grantControls: block,
    });
  }
  return definitions;
}
