/**
 * The authenticators a context can have used, with the properties Okta's authentication policy
 * constraints test. Sources:
 * - Factor types (knowledge, possession, inherence) and constraint properties: Okta Policy API,
 *   "Authentication policy" / "Constraints" (developer.okta.com/docs/reference/api/policy/).
 * - Device-bound: "Email and SMS are the only possession factors that aren't device bound" (and voice, on
 *   the same phone number), help.okta.com/oie/en-us/Content/Topics/identity-engine/policies/add-app-sign-on-policy-rule.htm
 * - Hardware protection: "Currently, only Okta Verify meets this constraint" (same page).
 * - Phishing resistance (reference open point 6, decided): FIDO2/WebAuthn, Okta FastPass and smart
 *   card (PIV/CAC), following the newer Okta docs; Okta Verify push and every OTP are not.
 */

export const AUTHENTICATORS = [
  "password",
  "security_question",
  "okta_verify_push",
  "okta_verify_totp",
  "okta_verify_fastpass",
  "webauthn",
  "smart_card",
  "email",
  "sms",
  "voice",
  "google_otp",
  "yubikey_otp",
  "custom_otp",
  "duo",
] as const;
export type Authenticator = (typeof AUTHENTICATORS)[number];

export type FactorClass = "knowledge" | "possession";
export type FactorType = FactorClass | "inherence";

export interface AuthenticatorTraits {
  readonly class: FactorClass;
  /** Okta constraint `types` value. */
  readonly type: string;
  /** Okta constraint `methods` value. */
  readonly method: string;
  readonly deviceBound: boolean;
  readonly hardwareProtection: boolean;
  readonly phishingResistant: boolean;
  /** Can verify the user (biometric/PIN), adding the inherence factor type when it did. */
  readonly userVerification: boolean;
}

const possession = (
  type: string,
  method: string,
  p: Partial<AuthenticatorTraits> = {},
): AuthenticatorTraits => ({
  class: "possession",
  type,
  method,
  deviceBound: true,
  hardwareProtection: false,
  phishingResistant: false,
  userVerification: false,
  ...p,
});

export const AUTHENTICATOR_TRAITS: Readonly<Record<Authenticator, AuthenticatorTraits>> = {
  password: {
    class: "knowledge",
    type: "PASSWORD",
    method: "PASSWORD",
    deviceBound: false,
    hardwareProtection: false,
    phishingResistant: false,
    userVerification: false,
  },
  security_question: {
    class: "knowledge",
    type: "SECURITY_QUESTION",
    method: "SECURITY_QUESTION",
    deviceBound: false,
    hardwareProtection: false,
    phishingResistant: false,
    userVerification: false,
  },
  okta_verify_push: possession("APP", "PUSH", { hardwareProtection: true, userVerification: true }),
  okta_verify_totp: possession("APP", "TOTP"),
  okta_verify_fastpass: possession("APP", "SIGNED_NONCE", {
    hardwareProtection: true,
    phishingResistant: true,
    userVerification: true,
  }),
  webauthn: possession("SECURITY_KEY", "WEBAUTHN", { phishingResistant: true, userVerification: true }),
  smart_card: possession("SMARTCARD", "CERT", { phishingResistant: true }),
  email: possession("EMAIL", "EMAIL", { deviceBound: false }),
  sms: possession("PHONE", "SMS", { deviceBound: false }),
  voice: possession("PHONE", "VOICE", { deviceBound: false }),
  google_otp: possession("APP", "OTP"),
  yubikey_otp: possession("SECURITY_KEY", "OTP"),
  custom_otp: possession("APP", "OTP"),
  duo: possession("APP", "DUO"),
};

export const KNOWN_CONSTRAINT_TYPES: ReadonlySet<string> = new Set(
  Object.values(AUTHENTICATOR_TRAITS).map((t) => t.type),
);
export const KNOWN_CONSTRAINT_METHODS: ReadonlySet<string> = new Set(
  Object.values(AUTHENTICATOR_TRAITS).map((t) => t.method),
);

/**
 * `okta_policy_mfa` / `okta_policy_mfa_default` authenticator attributes and the authenticators each
 * lets a user enroll (terraform-provider-okta docs/resources/policy_mfa.md).
 */
export const ENROLLMENT_KEYS: Readonly<Record<string, readonly Authenticator[]>> = {
  okta_password: ["password"],
  okta_question: ["security_question"],
  security_question: ["security_question"],
  okta_verify: ["okta_verify_push", "okta_verify_totp", "okta_verify_fastpass"],
  okta_push: ["okta_verify_push"],
  okta_otp: ["okta_verify_totp"],
  fido_webauthn: ["webauthn"],
  webauthn: ["webauthn"],
  fido_u2f: ["webauthn"],
  okta_email: ["email"],
  okta_sms: ["sms"],
  okta_call: ["voice"],
  phone_number: ["sms", "voice"],
  google_otp: ["google_otp"],
  yubikey_token: ["yubikey_otp"],
  smart_card_idp: ["smart_card"],
  duo: ["duo"],
  rsa_token: ["custom_otp"],
  symantec_vip: ["custom_otp"],
  hotp: ["custom_otp"],
  onprem_mfa: ["custom_otp"],
  external_idp: [],
};
