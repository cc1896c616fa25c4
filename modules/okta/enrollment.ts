/**
 * Authenticator enrollment policies (type MFA_ENROLL), one per tier, highest tier first.
 * Each authenticator's `enroll` is NOT_ALLOWED | OPTIONAL | REQUIRED and defaults to NOT_ALLOWED
 * (developer.okta.com/docs/reference/api/policy/ §Authenticator enrollment policy). The provider refuses
 * anything but NOT_ALLOWED for an authenticator that is not enabled in the org, so Okta Verify, WebAuthn,
 * email and (for any-MFA tiers) phone must be enabled first.
 */
import { PolicyMfa } from "@cdktf/provider-okta/lib/policy-mfa";
import { PolicyRuleMfa } from "@cdktf/provider-okta/lib/policy-rule-mfa";
import { Construct } from "constructs";
import type { BaselineSpec, MfaClass } from "../spec";
import { OKTA_TIERS, type OktaTier, type OktaTierGroupIds } from "./groups";

export type EnrollMode = "REQUIRED" | "OPTIONAL" | "NOT_ALLOWED";

/** The Identity Engine authenticator keys of okta_policy_mfa this baseline sets. */
export interface AuthenticatorEnrollment {
  readonly oktaPassword: EnrollMode;
  readonly oktaEmail: EnrollMode;
  readonly oktaVerify: EnrollMode;
  readonly webauthn: EnrollMode;
  /** The OIE phone authenticator: SMS and voice call both. */
  readonly phoneNumber: EnrollMode;
  readonly securityQuestion: EnrollMode;
}

/**
 * Phishing-resistant tiers must enrol WebAuthn (FIDO2) and Okta Verify (FastPass) and may not enrol phone
 * (SMS/voice); administrators never may, whatever their class. Security questions are never allowed.
 */
export function enrollmentFor(tier: OktaTier, mfa: MfaClass): AuthenticatorEnrollment {
  const phishingResistant = mfa === "phishing-resistant";
  return {
    oktaPassword: "REQUIRED",
    oktaEmail: "OPTIONAL",
    oktaVerify: "REQUIRED",
    webauthn: phishingResistant ? "REQUIRED" : "OPTIONAL",
    phoneNumber: phishingResistant || tier === "administrators" ? "NOT_ALLOWED" : "OPTIONAL",
    securityQuestion: "NOT_ALLOWED",
  };
}

export interface OktaEnrollmentPolicy {
  readonly policy: PolicyMfa;
  readonly rule: PolicyRuleMfa;
}

export class OktaEnrollmentPolicies extends Construct {
  readonly byTier: Readonly<Record<OktaTier, OktaEnrollmentPolicy>>;

  constructor(
    scope: Construct,
    id: string,
    spec: BaselineSpec,
    groups: OktaTierGroupIds,
    breakGlassUserIds: readonly string[],
  ) {
    super(scope, id);
    const byTier = {} as Record<OktaTier, OktaEnrollmentPolicy>;
    OKTA_TIERS.forEach((tier, i) => {
      const enrollment = enrollmentFor(tier, spec.tiers[tier].mfa);
      const policy = new PolicyMfa(this, `${tier}-policy`, {
        name: `MFA baseline: ${tier} enrollment`,
        description: `Authenticators the ${tier} tier (${spec.tiers[tier].mfa}) enrols`,
        status: "ACTIVE",
        priority: i + 1,
        isOie: true,
        groupsIncluded: [groups[tier]],
        oktaPassword: { enroll: enrollment.oktaPassword },
        oktaEmail: { enroll: enrollment.oktaEmail },
        oktaVerify: { enroll: enrollment.oktaVerify },
        webauthn: { enroll: enrollment.webauthn },
        phoneNumber: { enroll: enrollment.phoneNumber },
        securityQuestion: { enroll: enrollment.securityQuestion },
      });
      // A policy without a rule is never applied. Break-glass users are kept out: a forced enrollment
      // prompt in an emergency (no phone for Okta Verify) would be a lockout.
      const rule = new PolicyRuleMfa(this, `${tier}-rule`, {
        policyId: policy.id,
        name: "Enroll at sign-in",
        status: "ACTIVE",
        priority: 1,
        enroll: "LOGIN",
        usersExcluded: [...breakGlassUserIds],
      });
      byTier[tier] = { policy, rule };
    });
    this.byTier = byTier;
  }
}
