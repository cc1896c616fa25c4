import { entraAdapter } from "./adapter";
import { caPolicy, terraformModel } from "./testing";

describe("entraAdapter.findings", () => {
  // R21: https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths
  it("reports the validation problems compile found, each with its resource address and source", () => {
    const model = terraformModel({
      "azuread_conditional_access_policy.p": caPolicy({
        grant: {
          operator: "AND",
          built_in_controls: ["mfa"],
          authentication_strength_policy_id:
            "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004",
        },
      }) as never,
    });
    const findings = entraAdapter.findings(entraAdapter.compile(model));
    expect(findings).toContainEqual(
      expect.stringMatching(
        /^error: azuread_conditional_access_policy\.p.*: Require multifactor authentication and Require authentication strength can't be used together in the same policy/,
      ),
    );
  });

  it("finds nothing in a policy Microsoft accepts", () => {
    const model = terraformModel({
      "azuread_conditional_access_policy.p": caPolicy({
        grant: { operator: "OR", built_in_controls: ["mfa"] },
      }) as never,
    });
    expect(entraAdapter.findings(entraAdapter.compile(model))).toEqual([]);
  });
});
