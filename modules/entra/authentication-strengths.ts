/**
 * Authentication strengths for the persona tiers.
 *
 * "any-mfa" uses the built-in Multifactor authentication strength, whose ID Microsoft documents in the
 * Graph evaluate example (learn.microsoft.com/graph/api/conditionalaccessroot-evaluate).
 * "phishing-resistant" uses a custom strength with the same three combinations as the built-in
 * Phishing-resistant MFA strength (learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths):
 * the built-in's ID (…0004) is not documented by Microsoft, and a custom strength puts the allowed
 * combinations in the Terraform itself, where review and the simulator can read them.
 */
import { AuthenticationStrengthPolicy } from "@cdktf/provider-azuread/lib/authentication-strength-policy";
import { Construct } from "constructs";
import type { MfaClass } from "../spec";

export const BUILT_IN_MFA_STRENGTH_ID =
  "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000002";

export const PHISHING_RESISTANT_COMBINATIONS = [
  "fido2",
  "windowsHelloForBusiness",
  "x509CertificateMultiFactor",
] as const;

export type HumanMfaClass = Exclude<MfaClass, "compensating-controls">;

export class BaselineAuthenticationStrengths extends Construct {
  private phishingResistant?: AuthenticationStrengthPolicy;

  constructor(
    scope: Construct,
    id: string,
    private readonly organisation: string,
  ) {
    super(scope, id);
  }

  /** The `authentication_strength_policy_id` for a tier's MFA class; creates the custom strength on first use. */
  idFor(mfa: HumanMfaClass): string {
    switch (mfa) {
      case "any-mfa":
        return BUILT_IN_MFA_STRENGTH_ID;
      case "phishing-resistant":
        this.phishingResistant ??= new AuthenticationStrengthPolicy(this, "phishing-resistant", {
          displayName: `${this.organisation} phishing-resistant MFA`,
          description:
            "FIDO2 security key, Windows Hello for Business or multifactor certificate. Managed by mfa-baseline.",
          allowedCombinations: [...PHISHING_RESISTANT_COMBINATIONS],
        });
        return this.phishingResistant.id;
    }
  }
}
