import { TfIndeterminate } from "../terraform/model";
import type { TfObject } from "../terraform/model";
import { compileEntra } from "./compile";
import { parseEntraContext, type EntraContextInput } from "./context";
import { evaluateEntra } from "./evaluate";
import { caPolicy, sym, terraformModel } from "./testing";

const CA = "https://learn.microsoft.com/entra/identity/conditional-access/";
const EXO = "00000002-0000-0ff1-ce00-000000000000";
const APP = "11111111-1111-1111-1111-111111111111";
const BREAK_GLASS = "8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a61";
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const PHISHING_RESISTANT = "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004";

function run(resources: Record<string, TfObject>, context: EntraContextInput) {
  const model = compileEntra(terraformModel(resources));
  return evaluateEntra(model, parseEntraContext(context), { trace: true });
}
const alice = (extra: Partial<EntraContextInput> = {}): EntraContextInput => ({
  user: { id: "azuread_user.alice" },
  application: APP,
  ...extra,
});

describe("policy selection and states", () => {
  // R5: https://learn.microsoft.com/entra/identity/conditional-access/what-if-tool — no policy applies: access proceeds
  test("no policies: allow", () => {
    expect(run({}, alice()).verdict.outcome).toBe("allow");
  });

  // R1/R17: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies
  test("an applying MFA policy requires MFA, and is satisfied by password + Authenticator push", () => {
    const res = { "azuread_conditional_access_policy.mfa": caPolicy({}) };
    const d = run(res, alice());
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(d.requiredControls[0]).toMatchObject({
      kind: "mfa",
      policies: ["azuread_conditional_access_policy.mfa"],
    });
    expect(
      run(res, alice({ satisfied: { methods: ["password", "microsoftAuthenticatorPush"] } })).verdict.outcome,
    ).toBe("allow");
    expect(run(res, alice({ satisfied: { methods: ["password"] } })).applied[0].result).toBe(
      "userActionRequired",
    );
  });

  // R3: CA/concept-conditional-access-report-only — disabled ignored; report-only evaluated, never enforced
  test("disabled and report-only policies never enforce; report-only gets Microsoft's labels", () => {
    const res = {
      "azuread_conditional_access_policy.off": caPolicy({
        state: "disabled",
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
      "azuread_conditional_access_policy.ro_block": caPolicy({
        state: "enabledForReportingButNotEnforced",
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
      "azuread_conditional_access_policy.ro_mfa": caPolicy({ state: "enabledForReportingButNotEnforced" }),
      "azuread_conditional_access_policy.ro_guest": caPolicy({
        state: "enabledForReportingButNotEnforced",
        users: { included_users: ["GuestsOrExternalUsers"] },
      }),
      "azuread_conditional_access_policy.ro_session": caPolicy({
        state: "enabledForReportingButNotEnforced",
        grant: null,
        session: { sign_in_frequency: 1, sign_in_frequency_period: "hours" },
      }),
    };
    const d = run(res, alice());
    expect(d.verdict.outcome).toBe("allow");
    expect(d.applied).toEqual([]);
    const labels = Object.fromEntries(d.reportOnly.map((r) => [r.address.split(".")[1], r.label]));
    expect(labels).toEqual({
      ro_block: "Report-only: Failure",
      ro_mfa: "Report-only: User action required",
      ro_guest: "Report-only: Not applied",
      ro_session: "Report-only: Success",
    });
    expect(d.notApplied).toContainEqual({
      address: "azuread_conditional_access_policy.off",
      state: "disabled",
      reason: "policyNotEnabled",
    });
    expect(d.sessionControls.signInFrequency).toBeUndefined();
    expect(
      run(res, alice({ satisfied: { methods: ["fido2"] } })).reportOnly.find((r) =>
        r.address.endsWith("ro_mfa"),
      )?.label,
    ).toBe("Report-only: Success");
  });

  // R19: CA/concept-conditional-access-policies — "If there's a policy that is configured to block access ... the user will be blocked"
  // R18: all policies that apply must be satisfied
  test("block wins; several policies must all be satisfied", () => {
    const res = {
      "azuread_conditional_access_policy.mfa": caPolicy({}),
      "azuread_conditional_access_policy.device": caPolicy({
        grant: { operator: "AND", built_in_controls: ["compliantDevice"] },
      }),
    };
    const both = alice({ device: { isCompliant: true }, satisfied: { methods: ["password", "sms"] } });
    expect(run(res, both).verdict.outcome).toBe("allow");
    // Device controls cannot be satisfied mid sign-in: deny.
    expect(run(res, alice({ satisfied: { methods: ["password", "sms"] } })).verdict.outcome).toBe("deny");
    expect(run(res, alice({ device: { isCompliant: true } })).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["mfa"],
    });
    const withBlock = {
      ...res,
      "azuread_conditional_access_policy.block": caPolicy({
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(run(withBlock, both).verdict).toMatchObject({
      outcome: "deny",
      summary: "blocked by azuread_conditional_access_policy.block",
    });
  });

  // R17: CA/concept-conditional-access-grant — OR requires one, AND requires all
  test("OR is satisfied by any control, AND needs all; OR prompts the first actionable control", () => {
    const or = {
      "azuread_conditional_access_policy.p": caPolicy({
        grant: { operator: "OR", built_in_controls: ["compliantDevice", "mfa"] },
      }),
    };
    expect(run(or, alice({ device: { isCompliant: true } })).verdict.outcome).toBe("allow");
    expect(run(or, alice()).verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    const and = {
      "azuread_conditional_access_policy.p": caPolicy({
        grant: { operator: "AND", built_in_controls: ["compliantDevice", "mfa"] },
      }),
    };
    expect(run(and, alice({ device: { isCompliant: true } })).verdict.outcome).toBe("mfa");
    expect(
      run(and, alice({ device: { isCompliant: true }, satisfied: { methods: ["windowsHelloForBusiness"] } }))
        .verdict.outcome,
    ).toBe("allow");
  });
});

describe("users", () => {
  // R6/R7: CA/concept-conditional-access-users-groups
  const base = (users: TfObject) => ({ "azuread_conditional_access_policy.p": caPolicy({ users }) });

  test("exclusion beats inclusion (break-glass)", () => {
    const d = run(base({ included_users: ["All"], excluded_users: [BREAK_GLASS] }), {
      user: { id: BREAK_GLASS },
      application: APP,
    });
    expect(d.verdict.outcome).toBe("allow");
    expect(d.notApplied[0]).toMatchObject({ reason: "users" });
  });

  test("All includes guests; None includes nobody", () => {
    expect(
      run(base({ included_users: ["All"] }), { user: { id: "x", type: "guest" }, application: APP }).verdict
        .outcome,
    ).toBe("mfa");
    expect(run(base({ included_users: ["None"] }), alice()).verdict.outcome).toBe("allow");
  });

  test("groups by symbol, with nested membership from the model", () => {
    const res = {
      "azuread_group.admins": { display_name: "admins", members: [sym("azuread_group.tier0")] },
      "azuread_group.tier0": { display_name: "tier0", members: [sym("azuread_user.alice")] },
      "azuread_conditional_access_policy.p": caPolicy({
        users: { included_groups: [sym("azuread_group.admins")] },
      }),
    };
    expect(run(res, alice()).verdict.outcome).toBe("mfa");
    expect(run(res, { user: { id: "azuread_user.bob" }, application: APP }).verdict.outcome).toBe("allow");
    // A group named by the context, nested via azuread_group_member.
    const res2 = {
      "azuread_group_member.m": {
        group_object_id: sym("azuread_group.admins"),
        member_object_id: sym("azuread_group.ops"),
      },
      "azuread_conditional_access_policy.p": caPolicy({
        users: { included_groups: [sym("azuread_group.admins")] },
      }),
    };
    expect(
      run(res2, { user: { id: "u", groups: ["azuread_group.ops"] }, application: APP }).verdict.outcome,
    ).toBe("mfa");
  });

  test("directory roles by template ID (active assignments)", () => {
    const res = base({ included_roles: [GLOBAL_ADMIN] });
    expect(run(res, { user: { id: "u", roles: [GLOBAL_ADMIN] }, application: APP }).verdict.outcome).toBe(
      "mfa",
    );
    expect(run(res, { user: { id: "u" }, application: APP }).verdict.outcome).toBe("allow");
  });

  test("GuestsOrExternalUsers and typed guest kinds with tenant scoping", () => {
    expect(
      run(base({ included_users: ["GuestsOrExternalUsers"] }), {
        user: { id: "g", type: "guest" },
        application: APP,
      }).verdict.outcome,
    ).toBe("mfa");
    expect(run(base({ included_users: ["GuestsOrExternalUsers"] }), alice()).verdict.outcome).toBe("allow");
    const typed = base({
      included_guests_or_external_users: [
        {
          guest_or_external_user_types: ["b2bDirectConnectUser"],
          external_tenants: [{ membership_kind: "enumerated", members: ["t1"] }],
        },
      ],
    });
    expect(
      run(typed, { user: { id: "g", guestKind: "b2bDirectConnectUser", homeTenant: "t1" }, application: APP })
        .verdict.outcome,
    ).toBe("mfa");
    expect(
      run(typed, { user: { id: "g", guestKind: "b2bDirectConnectUser", homeTenant: "t2" }, application: APP })
        .verdict.outcome,
    ).toBe("allow");
    expect(run(typed, { user: { id: "g", type: "guest" }, application: APP }).verdict.outcome).toBe("allow");
  });

  // R8: CA/concept-conditional-access-users-groups — workload identities; managed identities and multi-tenant apps out of scope
  test("workload identities are their own sign-in kind", () => {
    const res = {
      "azuread_conditional_access_policy.users": caPolicy({}),
      "azuread_conditional_access_policy.sp": caPolicy({
        users: { included_users: ["None"] },
        conditions: {
          client_applications: {
            included_service_principals: ["ServicePrincipalsInMyTenant"],
            excluded_service_principals: [sym("azuread_service_principal.ci")],
          },
        },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(
      run(res, { servicePrincipal: { id: "azuread_service_principal.x" }, application: APP }).verdict.outcome,
    ).toBe("deny");
    expect(
      run(res, { servicePrincipal: { id: "azuread_service_principal.ci" }, application: APP }).verdict
        .outcome,
    ).toBe("allow");
    expect(
      run(res, { servicePrincipal: { id: "mi", kind: "managedIdentity" }, application: APP }).verdict.outcome,
    ).toBe("allow");
    expect(run(res, alice()).notApplied).toContainEqual({
      address: "azuread_conditional_access_policy.sp",
      state: "enabled",
      reason: "users",
    });
  });
});

describe("applications and user actions", () => {
  // R9: CA/concept-conditional-access-cloud-apps
  test("Office365 suite membership, app IDs, exclusions", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({
        applications: { included_applications: ["Office365"], excluded_applications: [APP] },
      }),
    };
    expect(run(res, alice({ application: EXO })).verdict.outcome).toBe("mfa");
    expect(run(res, alice({ application: "22222222-2222-2222-2222-222222222222" })).verdict.outcome).toBe(
      "allow",
    );
    expect(run(res, alice({ application: APP, applicationSuites: ["Office365"] })).verdict.outcome).toBe(
      "allow",
    );
    const d = run(
      res,
      alice({ application: "22222222-2222-2222-2222-222222222222", applicationSuites: ["Office365"] }),
    );
    expect(d.verdict.outcome).toBe("mfa");
  });

  test("user-action policies apply only to that action, and app policies not to actions", () => {
    const res = {
      "azuread_conditional_access_policy.reg": caPolicy({
        applications: { included_user_actions: ["urn:user:registersecurityinfo"] },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
      "azuread_conditional_access_policy.all": caPolicy({}),
    };
    const reg = run(res, { user: { id: "u" }, userAction: "urn:user:registersecurityinfo" });
    expect(reg.verdict.outcome).toBe("deny");
    expect(reg.notApplied).toContainEqual({
      address: "azuread_conditional_access_policy.all",
      state: "enabled",
      reason: "userActions",
    });
    expect(run(res, { user: { id: "u" }, userAction: "urn:user:registerdevice" }).verdict.outcome).toBe(
      "allow",
    );
    expect(run(res, alice()).notApplied).toContainEqual({
      address: "azuread_conditional_access_policy.reg",
      state: "enabled",
      reason: "application",
    });
  });
});

describe("client apps, platforms, locations, risk, flows", () => {
  // R10: CA/concept-conditional-access-conditions — legacy clients are blocked by MFA / device grant controls
  test("legacy clients cannot satisfy MFA: an MFA requirement blocks them", () => {
    const res = { "azuread_conditional_access_policy.mfa": caPolicy({}) };
    expect(
      run(res, alice({ clientApp: "exchangeActiveSync", satisfied: { methods: ["password", "sms"] } }))
        .verdict.outcome,
    ).toBe("deny");
    expect(run(res, alice({ clientApp: "other" })).applied[0].result).toBe("failure");
    const modernOnly = {
      "azuread_conditional_access_policy.mfa": caPolicy({ conditions: { client_app_types: ["browser"] } }),
    };
    expect(run(modernOnly, alice({ clientApp: "other" })).notApplied[0].reason).toBe("clientApps");
  });

  // R11: CA/concept-conditional-access-conditions — unknown platforms only match "all"
  test("device platforms: include then exclude; unknown platforms match only all", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({
        conditions: {
          platforms: {
            included_platforms: ["all"],
            excluded_platforms: ["android", "iOS", "windows", "macOS", "linux"],
          },
        },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(run(res, alice({ platform: "unknown" })).verdict.outcome).toBe("deny");
    expect(run(res, alice({ platform: "windowsPhone" })).verdict.outcome).toBe("deny");
    expect(run(res, alice({ platform: "macOS" })).verdict.outcome).toBe("allow");
    const ios = {
      "azuread_conditional_access_policy.p": caPolicy({
        conditions: { platforms: { included_platforms: ["iOS"] } },
      }),
    };
    expect(run(ios, alice({ platform: "unknown" })).notApplied[0].reason).toBe("devicePlatform");
  });

  // R12: CA/concept-assignment-network
  test("locations: All minus AllTrusted, IP ranges (v4 and v6), countries with unknown", () => {
    const res = {
      "azuread_named_location.office": {
        display_name: "office",
        ip: { ip_ranges: ["203.0.113.0/24", "2001:db8:100::/48"], trusted: true },
      },
      "azuread_named_location.untrusted": {
        display_name: "cafe",
        ip: { ip_ranges: ["192.0.2.0/24"], trusted: false },
      },
      "azuread_named_location.blocked": {
        display_name: "blocked",
        country: { countries_and_regions: ["KP"], include_unknown_countries_and_regions: true },
      },
      "azuread_conditional_access_policy.mfa": caPolicy({
        conditions: { locations: { included_locations: ["All"], excluded_locations: ["AllTrusted"] } },
      }),
      "azuread_conditional_access_policy.block": caPolicy({
        conditions: { locations: { included_locations: [sym("azuread_named_location.blocked", "id")] } },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(run(res, alice({ ip: "203.0.113.9", country: "GB" })).verdict.outcome).toBe("allow");
    expect(run(res, alice({ ip: "2001:db8:100::1", country: "GB" })).verdict.outcome).toBe("allow");
    expect(run(res, alice({ ip: "192.0.2.1", country: "GB" })).verdict.outcome).toBe("mfa");
    expect(run(res, alice({ ip: "198.51.100.1", country: "KP" })).verdict.outcome).toBe("deny");
    // An IP that maps to no country is inside a location with include_unknown_countries_and_regions.
    expect(run(res, alice({ ip: "198.51.100.1" })).verdict.outcome).toBe("deny");
    const noUnknown = {
      ...res,
      "azuread_named_location.blocked": {
        display_name: "blocked",
        country: { countries_and_regions: ["KP"] },
      },
    };
    expect(run(noUnknown, alice({ ip: "198.51.100.1" })).verdict.outcome).toBe("mfa");
  });

  // R13: GRAPH/resources/conditionalaccessconditionset and CA/what-if-tool — risk lists are exact sets, default none
  test("risk levels are exact sets; the context defaults to none", () => {
    const res = {
      "azuread_conditional_access_policy.high": caPolicy({
        conditions: { sign_in_risk_levels: ["high"] },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
      "azuread_conditional_access_policy.user": caPolicy({
        conditions: { user_risk_levels: ["high"] },
        grant: { operator: "AND", built_in_controls: ["mfa", "passwordChange"] },
      }),
    };
    expect(run(res, alice()).verdict.outcome).toBe("allow");
    expect(run(res, alice({ signInRisk: "medium" })).notApplied[0].reason).toBe("signInRisk");
    expect(run(res, alice({ signInRisk: "high" })).verdict.outcome).toBe("deny");
    expect(run(res, alice({ userRisk: "high" })).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["mfa", "password-change"],
    });
    expect(
      run(res, alice({ userRisk: "high", satisfied: { methods: ["fido2"], passwordChanged: true } })).verdict
        .outcome,
    ).toBe("allow");
  });

  // R14: CA/how-to-policy-insider-risk — exact match, default none
  test("insider risk", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({
        conditions: { insider_risk_levels: "elevated" },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(run(res, alice({ insiderRisk: "elevated" })).verdict.outcome).toBe("deny");
    expect(run(res, alice({ insiderRisk: "moderate" })).notApplied[0].reason).toBe("insiderRisk");
  });

  // R16: CA/concept-authentication-flows
  test("authentication flows", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({
        conditions: { authentication_flow_transfer_methods: ["deviceCodeFlow"] },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(run(res, alice({ authenticationFlow: "deviceCodeFlow" })).verdict.outcome).toBe("deny");
    expect(run(res, alice()).notApplied[0].reason).toBe("authenticationFlow");
  });

  // R21: CA/concept-conditional-access-grant — device-state controls are not supported with device code flow
  test("compliant device cannot be satisfied in device code flow", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({
        grant: { operator: "AND", built_in_controls: ["compliantDevice"] },
      }),
    };
    expect(run(res, alice({ device: { isCompliant: true } })).verdict.outcome).toBe("allow");
    expect(
      run(res, alice({ device: { isCompliant: true }, authenticationFlow: "deviceCodeFlow" })).verdict
        .outcome,
    ).toBe("deny");
  });

  // R15: CA/concept-condition-filters-for-devices
  test("device filter: exclude mode for privileged workstations; unregistered devices have null properties", () => {
    const res = {
      "azuread_conditional_access_policy.saw": caPolicy({
        conditions: {
          devices: { filter: { mode: "exclude", rule: 'device.extensionAttribute1 -eq "SAW"' } },
        },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(
      run(res, alice({ device: { isCompliant: true, extensionAttributes: { "1": "SAW" } } })).verdict.outcome,
    ).toBe("allow");
    // Extension attributes are only visible on managed, compliant or hybrid-joined devices.
    expect(run(res, alice({ device: { extensionAttributes: { "1": "SAW" } } })).verdict.outcome).toBe("deny");
    expect(run(res, alice({ device: { registered: false } })).verdict.outcome).toBe("deny");
    expect(run(res, alice()).verdict.outcome).toBe("deny");
    const neg = {
      "azuread_conditional_access_policy.p": caPolicy({
        conditions: { devices: { filter: { mode: "include", rule: 'device.trustType -ne "AzureAD"' } } },
      }),
    };
    expect(run(neg, alice()).verdict.outcome).toBe("mfa"); // negative operator on null: filter applies
    expect(run(neg, alice({ device: { trustType: "AzureAD" } })).verdict.outcome).toBe("allow");
  });
});

describe("authentication strengths", () => {
  // R22: https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths
  test("phishing-resistant strength: password+push is not enough, FIDO2 and WHfB are", () => {
    const res = {
      "azuread_conditional_access_policy.admins": caPolicy({
        grant: { operator: "OR", authentication_strength_policy_id: PHISHING_RESISTANT },
      }),
    };
    expect(
      run(res, alice({ satisfied: { methods: ["password", "microsoftAuthenticatorPush"] } })).verdict,
    ).toMatchObject({ outcome: "mfa", requires: ["phishing-resistant"] });
    expect(run(res, alice({ satisfied: { methods: ["fido2"] } })).verdict.outcome).toBe("allow");
    expect(run(res, alice({ satisfied: { methods: ["windowsHelloForBusiness"] } })).verdict.outcome).toBe(
      "allow",
    );
  });

  test("several strengths must all be satisfied; implied ones are not listed; custom combinations", () => {
    const res = {
      "azuread_authentication_strength_policy.otp": {
        display_name: "OTP",
        allowed_combinations: ["password,softwareOath"],
      },
      "azuread_conditional_access_policy.mfa": caPolicy({}),
      "azuread_conditional_access_policy.pr": caPolicy({
        grant: { operator: "OR", authentication_strength_policy_id: PHISHING_RESISTANT },
      }),
    };
    const d = run(res, alice());
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["phishing-resistant"] });
    expect(d.requiredControls.map((r) => r.kind)).toEqual(["mfa", "authenticationStrength"]);
    const custom = {
      ...res,
      "azuread_conditional_access_policy.pr": caPolicy({
        grant: {
          operator: "OR",
          authentication_strength_policy_id: sym("azuread_authentication_strength_policy.otp", "id"),
        },
      }),
    };
    expect(run(custom, alice({ satisfied: { methods: ["password", "sms"] } })).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["custom:azuread_authentication_strength_policy.otp"],
    });
    expect(run(custom, alice({ satisfied: { methods: ["password", "softwareOath"] } })).verdict.outcome).toBe(
      "allow",
    );
  });
});

describe("session controls", () => {
  // R23: CA/concept-conditional-access-session (combination undocumented: the strictest is reported)
  test("sign-in frequency and persistent browser are aggregated from applying enforced policies", () => {
    const res = {
      "azuread_conditional_access_policy.a": caPolicy({
        grant: null,
        session: {
          sign_in_frequency: 12,
          sign_in_frequency_period: "hours",
          persistent_browser_mode: "always",
        },
      }),
      "azuread_conditional_access_policy.b": caPolicy({
        grant: null,
        session: {
          sign_in_frequency: 4,
          sign_in_frequency_period: "hours",
          persistent_browser_mode: "never",
        },
      }),
      "azuread_conditional_access_policy.c": caPolicy({
        grant: null,
        session: { sign_in_frequency: 1, sign_in_frequency_period: "days" },
      }),
    };
    const d = run(res, alice());
    expect(d.verdict.outcome).toBe("allow");
    expect(d.sessionControls.signInFrequency).toMatchObject({
      kind: "timeBased",
      hours: 4,
      policies: ["azuread_conditional_access_policy.b"],
    });
    expect(d.sessionControls.persistentBrowser).toEqual({
      mode: "never",
      policies: ["azuread_conditional_access_policy.b"],
    });
  });
});

describe("fail closed", () => {
  const unreadable = new TfIndeterminate(
    {
      stack: "test",
      address: "azuread_conditional_access_policy.p",
      path: "conditions.users.included_groups[0]",
    },
    "unknown function",
  );

  test("an unreadable condition makes a policy that could apply indeterminate, naming the location", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({ users: { included_groups: [unreadable] } }),
    };
    const d = run(res, alice());
    expect(d.verdict.outcome).toBe("indeterminate");
    expect(d.verdict.indeterminate?.[0]).toContain("conditions.users.included_groups[0]");
  });

  test("…but not when another condition definitely fails, nor when a block already applies", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({
        users: { included_groups: [unreadable] },
        conditions: { sign_in_risk_levels: ["high"] },
      }),
    };
    expect(run(res, alice()).verdict.outcome).toBe("allow");
    const withBlock = {
      ...res,
      "azuread_conditional_access_policy.b": caPolicy({
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(run(withBlock, alice({ signInRisk: "high" })).verdict.outcome).toBe("deny");
  });

  test("a reference to a named location or strength outside the configuration is indeterminate", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({
        conditions: { locations: { included_locations: ["0f0f0f0f-0000-0000-0000-000000000000"] } },
      }),
    };
    const d = run(res, alice());
    expect(d.verdict.outcome).toBe("indeterminate");
    expect(d.verdict.indeterminate?.[0]).toMatch(
      /azuread_conditional_access_policy\.p conditions\.locations\.included_locations\[0\]: named location/,
    );
    const s = {
      "azuread_conditional_access_policy.p": caPolicy({
        grant: {
          operator: "OR",
          authentication_strength_policy_id:
            "/policies/authenticationStrengthPolicies/12345678-0000-0000-0000-000000000000",
        },
      }),
    };
    expect(run(s, alice()).verdict.outcome).toBe("indeterminate");
  });

  test("an unknown enum value is indeterminate, not ignored", () => {
    const res = {
      "azuread_conditional_access_policy.p": caPolicy({ conditions: { client_app_types: ["browzer"] } }),
    };
    const d = run(res, alice());
    expect(d.verdict.outcome).toBe("indeterminate");
    expect(d.verdict.indeterminate?.[0]).toContain('unsupported value "browzer"');
  });

  test("unreadable state: indeterminate unless the policy is satisfied", () => {
    const res = { "azuread_conditional_access_policy.p": { ...caPolicy({}), state: unreadable } };
    expect(run(res, alice()).verdict.outcome).toBe("indeterminate");
    expect(run(res, alice({ satisfied: { methods: ["fido2"] } })).verdict.outcome).toBe("allow");
  });
});

test(`trace explains every policy (${CA}what-if-tool)`, () => {
  const res = {
    "azuread_conditional_access_policy.a": caPolicy({ conditions: { sign_in_risk_levels: ["high"] } }),
    "azuread_conditional_access_policy.b": caPolicy({}),
  };
  const d = run(res, alice());
  expect(d.trace).toEqual([
    {
      subject: "azuread_conditional_access_policy.a",
      result: "not applied",
      detail: "first failing condition: signInRisk",
    },
    { subject: "azuread_conditional_access_policy.b", result: "userActionRequired", detail: "requires mfa" },
  ]);
  expect(evaluateEntra(compileEntra(terraformModel(res)), parseEntraContext(alice())).trace).toBeUndefined();
});

describe("more documented details", () => {
  // R13: https://learn.microsoft.com/graph/api/resources/conditionalaccessconditionset — servicePrincipalRiskLevels
  test("service principal risk applies to workload sign-ins only", () => {
    const res = {
      "azuread_conditional_access_policy.sp": caPolicy({
        users: { included_users: ["None"] },
        conditions: {
          client_applications: { included_service_principals: ["ServicePrincipalsInMyTenant"] },
          service_principal_risk_levels: ["high"],
        },
        grant: { operator: "OR", built_in_controls: ["block"] },
      }),
    };
    expect(run(res, { servicePrincipal: { id: "sp", risk: "high" }, application: APP }).verdict.outcome).toBe(
      "deny",
    );
    expect(run(res, { servicePrincipal: { id: "sp" }, application: APP }).notApplied[0].reason).toBe(
      "servicePrincipalRisk",
    );
  });

  // R20: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies — prompt order
  test("required controls come in the documented prompt order: MFA, then password change, then terms of use", () => {
    const res = {
      "azuread_conditional_access_policy.tou": caPolicy({
        grant: { operator: "AND", terms_of_use: [sym("azuread_conditional_access_terms_of_use.t", "id")] },
      }),
      "azuread_conditional_access_policy.risk": caPolicy({
        conditions: { user_risk_levels: ["high"] },
        grant: { operator: "AND", built_in_controls: ["passwordChange", "mfa"] },
      }),
    };
    const d = run(res, alice({ userRisk: "high" }));
    expect(d.requiredControls.map((r) => r.kind)).toEqual(["mfa", "passwordChange", "termsOfUse"]);
    expect(d.verdict.requires).toEqual([
      "mfa",
      "password-change",
      "custom:termsOfUse:azuread_conditional_access_terms_of_use.t",
    ]);
    expect(
      run(
        res,
        alice({
          userRisk: "high",
          satisfied: {
            methods: ["fido2"],
            passwordChanged: true,
            termsOfUse: ["azuread_conditional_access_terms_of_use.t"],
          },
        }),
      ).verdict.outcome,
    ).toBe("allow");
  });

  // R12: https://learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network — the public IP decides
  test("an IPv4-mapped IPv6 address is matched as its IPv4 address; no IP is in no IP location", () => {
    const res = {
      "azuread_named_location.office": {
        display_name: "office",
        ip: { ip_ranges: ["203.0.113.0/24"], trusted: true },
      },
      "azuread_conditional_access_policy.p": caPolicy({
        conditions: { locations: { included_locations: ["All"], excluded_locations: ["AllTrusted"] } },
      }),
    };
    expect(run(res, alice({ ip: "::ffff:203.0.113.9" })).verdict.outcome).toBe("allow");
    expect(run(res, alice()).verdict.outcome).toBe("mfa");
  });
});
