import { compileEntra } from "./compile";
import { isUnreadable } from "./model";
import { caPolicy, sym, terraformModel } from "./testing";

const diagnosticsOf = (policy: Record<string, unknown>) =>
  compileEntra(terraformModel({ "azuread_conditional_access_policy.p": policy as never })).diagnostics.map(
    (d) => `${d.severity}: ${d.message}`,
  );

describe("compileEntra", () => {
  test("symbols become resource addresses; single blocks may be objects or one-element lists", () => {
    const model = compileEntra(
      terraformModel({
        "azuread_conditional_access_policy.p": {
          ...caPolicy({
            users: {
              included_groups: [sym("azuread_group.employees")],
              excluded_users: ["8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a61"],
            },
          }),
          grant_controls: [{ operator: "OR", built_in_controls: ["mfa"] }],
        },
      }),
    );
    const p = model.policies[0];
    expect(isUnreadable(p.users)).toBe(false);
    if (!p.users || isUnreadable(p.users)) throw new Error("users");
    expect([...p.users.include.groups]).toEqual(["azuread_group.employees"]);
    expect([...p.users.exclude.users]).toEqual(["8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a61"]);
    expect(p.grant).toMatchObject({ operator: "OR", block: false, controls: [{ kind: "mfa" }] });
    expect(model.diagnostics).toEqual([]);
  });

  test("named locations: CIDRs to ranges, path-form IDs normalised, a bad CIDR is unreadable", () => {
    const model = compileEntra(
      terraformModel({
        "azuread_named_location.office": {
          display_name: "office",
          ip: { ip_ranges: ["203.0.113.7/24"], trusted: true },
        },
        "azuread_named_location.bad": { display_name: "bad", ip: { ip_ranges: ["not-a-cidr"] } },
      }),
    );
    expect(model.namedLocations.get("azuread_named_location.office")).toMatchObject({
      kind: "ip",
      trusted: true,
      v4: [[3405803776, 3405804031]],
    });
    expect(model.namedLocations.get("azuread_named_location.bad")).toMatchObject({ kind: "unreadable" });
  });

  // R21: https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths
  test("MFA and an authentication strength in one policy is an error", () => {
    expect(
      diagnosticsOf(
        caPolicy({
          grant: {
            operator: "AND",
            built_in_controls: ["mfa"],
            authentication_strength_policy_id:
              "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004",
          },
        }),
      ),
    ).toContain(
      "error: Require multifactor authentication and Require authentication strength can't be used together in the same policy",
    );
  });

  // R21: https://learn.microsoft.com/graph/api/resources/conditionalaccessgrantcontrols
  test("password-change rules", () => {
    const d = diagnosticsOf(
      caPolicy({ grant: { operator: "OR", built_in_controls: ["passwordChange", "compliantDevice"] } }),
    );
    expect(d).toEqual(
      expect.arrayContaining([
        "error: passwordChange must be accompanied by mfa with the AND operator",
        "error: passwordChange can't be used with other controls",
        "error: passwordChange needs user risk levels in the conditions",
      ]),
    );
    expect(
      diagnosticsOf(
        caPolicy({
          conditions: { user_risk_levels: ["high"] },
          grant: { operator: "AND", built_in_controls: ["mfa", "passwordChange"] },
        }),
      ),
    ).toEqual([]);
  });

  // R3: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only
  test("user-action policies in report-only mode are warned about", () => {
    expect(
      diagnosticsOf(
        caPolicy({
          state: "enabledForReportingButNotEnforced",
          applications: { included_user_actions: ["urn:user:registersecurityinfo"] },
        }),
      ),
    ).toEqual(["warning: policies targeting user actions cannot be evaluated in report-only mode"]);
  });

  // R9: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps
  test("register-device policies only allow MFA", () => {
    expect(
      diagnosticsOf(
        caPolicy({
          applications: { included_user_actions: ["urn:user:registerdevice"] },
          grant: { operator: "OR", built_in_controls: ["compliantDevice"] },
        }),
      ),
    ).toContain(
      "error: Require multifactor authentication is the only access control available for Register or join devices",
    );
  });

  test("unreadable parts are reported with the resource address and attribute path", () => {
    const model = compileEntra(
      terraformModel({
        "azuread_conditional_access_policy.p": caPolicy({
          conditions: { devices: { filter: { mode: "include", rule: "device.model -like 'x'" } } },
        }),
      }),
    );
    expect(model.diagnostics[0]).toMatchObject({
      severity: "error",
      address: "azuread_conditional_access_policy.p",
      path: "deviceFilter",
    });
    expect(model.diagnostics[0].message).toContain(
      "test: azuread_conditional_access_policy.p conditions.devices.filter.rule: device filter rule",
    );
  });
});

// R22: https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths
test("a custom strength with exactly the built-in phishing-resistant combinations normalises to phishing-resistant", () => {
  const model = compileEntra(
    terraformModel({
      "azuread_authentication_strength_policy.pr": {
        display_name: "pr",
        allowed_combinations: ["x509CertificateMultiFactor", "fido2", "windowsHelloForBusiness"],
      },
      "azuread_authentication_strength_policy.fido": {
        display_name: "fido",
        allowed_combinations: ["fido2"],
      },
    }),
  );
  expect(model.strengths.get("azuread_authentication_strength_policy.pr")?.requirement).toBe(
    "phishing-resistant",
  );
  expect(model.strengths.get("azuread_authentication_strength_policy.fido")?.requirement).toBe(
    "custom:azuread_authentication_strength_policy.fido",
  );
  expect(model.strengths.get("00000000-0000-0000-0000-000000000002")?.requirement).toBe("mfa");
});
