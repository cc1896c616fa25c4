/**
 * Closed value sets of Conditional Access and the Microsoft-defined objects a policy can name without
 * declaring them (built-in authentication strengths, application suites).
 * Reference: ../shared/reference/entra-conditional-access.md.
 */

// https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions (R10)
export const CLIENT_APP_TYPES = [
  "browser",
  "mobileAppsAndDesktopClients",
  "exchangeActiveSync",
  "other",
] as const;
export type ClientAppType = (typeof CLIENT_APP_TYPES)[number];
export const LEGACY_CLIENT_APP_TYPES: ReadonlySet<ClientAppType> = new Set(["exchangeActiveSync", "other"]);

// https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions (R11)
export const DEVICE_PLATFORMS = ["android", "iOS", "windows", "macOS", "linux", "windowsPhone"] as const;
export type DevicePlatform = (typeof DEVICE_PLATFORMS)[number];

// https://learn.microsoft.com/graph/api/resources/conditionalaccessconditionset (R13)
export const RISK_LEVELS = ["none", "low", "medium", "high", "hidden"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const SERVICE_PRINCIPAL_RISK_LEVELS = ["none", "low", "medium", "high"] as const;
export type ServicePrincipalRiskLevel = (typeof SERVICE_PRINCIPAL_RISK_LEVELS)[number];

// https://learn.microsoft.com/entra/identity/conditional-access/how-to-policy-insider-risk (R14)
export const INSIDER_RISK_LEVELS = ["none", "minor", "moderate", "elevated"] as const;
export type InsiderRiskLevel = (typeof INSIDER_RISK_LEVELS)[number];

// https://learn.microsoft.com/entra/identity/conditional-access/concept-authentication-flows (R16)
export const TRANSFER_METHODS = ["deviceCodeFlow", "authenticationTransfer"] as const;
export type TransferMethod = (typeof TRANSFER_METHODS)[number];

// https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups (R6)
export const GUEST_KINDS = [
  "internalGuest",
  "b2bCollaborationGuest",
  "b2bCollaborationMember",
  "b2bDirectConnectUser",
  "otherExternalUser",
  "serviceProvider",
] as const;
export type GuestKind = (typeof GUEST_KINDS)[number];

// https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps (R9)
export const USER_ACTIONS = ["urn:user:registersecurityinfo", "urn:user:registerdevice"] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

/** Authentication method modes of Graph `authenticationMethodModes`, the parts of a strength's combinations. */
export const AUTHENTICATION_METHODS = [
  "password",
  "voice",
  "hardwareOath",
  "softwareOath",
  "sms",
  "fido2",
  "windowsHelloForBusiness",
  "microsoftAuthenticatorPush",
  "deviceBasedPush",
  "temporaryAccessPassOneTime",
  "temporaryAccessPassMultiUse",
  "email",
  "x509CertificateSingleFactor",
  "x509CertificateMultiFactor",
  "federatedSingleFactor",
  "federatedMultiFactor",
  "qrCodePin",
] as const;
export type AuthenticationMethod = (typeof AUTHENTICATION_METHODS)[number];
const METHOD_SET: ReadonlySet<string> = new Set(AUTHENTICATION_METHODS);
export function isAuthenticationMethod(s: string): s is AuthenticationMethod {
  return METHOD_SET.has(s);
}

// https://learn.microsoft.com/graph/api/resources/conditionalaccessgrantcontrols (R17)
export const BUILT_IN_CONTROLS = [
  "block",
  "mfa",
  "compliantDevice",
  "domainJoinedDevice",
  "approvedApplication",
  "compliantApplication",
  "passwordChange",
] as const;
export type BuiltInControl = (typeof BUILT_IN_CONTROLS)[number];

/**
 * Grant controls in the documented prompt order: MFA, compliant device, hybrid joined, approved client
 * app, app protection, password change, terms of use, custom controls (R20,
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies).
 * An authentication strength is prompted where MFA is.
 */
export const PROMPT_ORDER = [
  "mfa",
  "authenticationStrength",
  "compliantDevice",
  "domainJoinedDevice",
  "approvedApplication",
  "compliantApplication",
  "passwordChange",
  "termsOfUse",
  "customAuthenticationFactor",
] as const;
export type GrantControlKind = (typeof PROMPT_ORDER)[number];

export const BUILT_IN_STRENGTH_IDS = {
  mfa: "00000000-0000-0000-0000-000000000002",
  passwordless: "00000000-0000-0000-0000-000000000003",
  phishingResistant: "00000000-0000-0000-0000-000000000004",
} as const;

/**
 * The built-in strengths' allowed combinations. MFA is the list the Graph evaluate example returns; the
 * passwordless and phishing-resistant rows follow the combination table of
 * https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths (R22).
 */
export const BUILT_IN_STRENGTHS: Readonly<
  Record<string, { readonly displayName: string; readonly combinations: readonly string[] }>
> = {
  [BUILT_IN_STRENGTH_IDS.mfa]: {
    displayName: "Multifactor authentication",
    combinations: [
      "windowsHelloForBusiness",
      "fido2",
      "x509CertificateMultiFactor",
      "deviceBasedPush",
      "temporaryAccessPassOneTime",
      "temporaryAccessPassMultiUse",
      "password,microsoftAuthenticatorPush",
      "password,softwareOath",
      "password,hardwareOath",
      "password,x509CertificateSingleFactor",
      "password,x509CertificateMultiFactor",
      "password,sms",
      "password,voice",
      "federatedMultiFactor",
      "microsoftAuthenticatorPush,federatedSingleFactor",
      "softwareOath,federatedSingleFactor",
      "hardwareOath,federatedSingleFactor",
      "sms,federatedSingleFactor",
      "voice,federatedSingleFactor",
    ],
  },
  [BUILT_IN_STRENGTH_IDS.passwordless]: {
    displayName: "Passwordless MFA",
    combinations: ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush"],
  },
  [BUILT_IN_STRENGTH_IDS.phishingResistant]: {
    displayName: "Phishing-resistant MFA",
    combinations: ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"],
  },
};

/**
 * Concrete app IDs known to belong to the Office 365 suite (a subset; the documented list is by name:
 * https://learn.microsoft.com/entra/identity/conditional-access/reference-office-365-application-contents).
 * A context can declare membership of other apps with `applicationSuites`.
 */
export const OFFICE_365_APP_IDS: ReadonlySet<string> = new Set([
  "00000002-0000-0ff1-ce00-000000000000", // Office 365 Exchange Online
  "00000003-0000-0ff1-ce00-000000000000", // Office 365 SharePoint Online
  "00000004-0000-0ff1-ce00-000000000000", // Skype for Business Online
  "00000005-0000-0ff1-ce00-000000000000", // Office 365 Yammer
  "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", // Microsoft Teams Services
  "09abbdfd-ed23-44ee-a2d9-a627aa1c90f3", // Microsoft Planner
  "c9a559d2-7aab-4f13-a6ed-e7e9c52aec87", // Microsoft Forms
  "cf53fce8-def6-4aeb-8d30-b158e7b1cf83", // Microsoft Stream Portal
]);

/** Concrete app IDs of the Microsoft Admin Portals group (Azure portal); others via `applicationSuites`. */
export const ADMIN_PORTAL_APP_IDS: ReadonlySet<string> = new Set(["c44b4083-3bb0-49c1-b47d-974e53cbdf3c"]);

export const APPLICATION_SUITES = ["Office365", "MicrosoftAdminPortals"] as const;
export type ApplicationSuite = (typeof APPLICATION_SUITES)[number];

/** The What-If `analysisReasons` this simulator reports for a policy that did not apply (R25). */
export type NotAppliedReason =
  | "policyNotEnabled"
  | "users"
  | "workloadIdentities"
  | "application"
  | "userActions"
  | "devicePlatform"
  | "location"
  | "clientApps"
  | "signInRisk"
  | "userRisk"
  | "servicePrincipalRisk"
  | "insiderRisk"
  | "devices"
  | "authenticationFlow";
