import "cdktf/lib/testing/adapters/jest";
import { AppSignonPolicyRule } from "@cdktf/provider-okta/lib/app-signon-policy-rule";
import { PolicyMfa } from "@cdktf/provider-okta/lib/policy-mfa";
import { PolicyRuleSignon } from "@cdktf/provider-okta/lib/policy-rule-signon";
import { PolicySignon } from "@cdktf/provider-okta/lib/policy-signon";
import { ThreatInsightSettings } from "@cdktf/provider-okta/lib/threat-insight-settings";
import { Testing } from "cdktf";
import { exampleOrg } from "../../stacks/example-org";
import { OktaMfaBaseline } from "./baseline";
import { named, refTo, resourcesOf, ruleOrder, specWith, synthOkta } from "./test-support";

const PHISHING_RESISTANT = JSON.stringify({
  possession: { phishingResistant: "REQUIRED", deviceBound: "REQUIRED" },
});

describe("ThreatInsight mode follows spec.okta.threatInsight", () => {
  it.each(["none", "audit", "block"] as const)("%s", (mode) => {
    const out = synthOkta(specWith({}, { threatInsight: mode }));
    expect(out).toHaveResourceWithProperties(ThreatInsightSettings, { action: mode });
  });

  it("sets no network exclusions when there is no trusted network (network_excludes takes IP zones only)", () => {
    const out = synthOkta(specWith({ networks: { ...exampleOrg.networks, trusted: [] } }));
    expect(resourcesOf(out, "okta_threat_insight_settings")[0].network_excludes).toBeUndefined();
  });
});

describe("groups: create or reference by ID", () => {
  const ADMINS = "00gadmins00000000001";
  const out = synthOkta(
    specWith({}, { groups: { ...exampleOrg.okta!.groups, administrators: { id: ADMINS } } }),
  );

  it("creates no group for a referenced one and uses its literal ID", () => {
    expect(
      resourcesOf(out, "okta_group")
        .map((g) => g.name)
        .sort(),
    ).toEqual(["Example Corp Contractors", "Example Corp Employees"]);
    expect(out).toHaveResourceWithProperties(PolicySignon, {
      name: "MFA baseline: administrators session",
      groups_included: [ADMINS],
    });
    expect(out).toHaveResourceWithProperties(PolicyMfa, {
      name: "MFA baseline: administrators enrollment",
      groups_included: [ADMINS],
    });
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      name: "Administrators: phishing-resistant MFA",
      groups_included: [ADMINS],
    });
  });

  it("still references created groups by their Terraform address", () => {
    expect(out).toHaveResourceWithProperties(PolicyMfa, {
      name: "MFA baseline: employees enrollment",
      groups_included: [refTo(out, "okta_group", "Example Corp Employees")],
    });
  });
});

describe("networks", () => {
  it("without trusted networks, the workforce policy has no trusted-network rule and MFA applies everywhere", () => {
    const out = synthOkta(specWith({ networks: { ...exampleOrg.networks, trusted: [] } }));
    const policy = refTo(out, "okta_policy_signon", "MFA baseline: workforce session");
    expect(ruleOrder(out, "okta_policy_rule_signon", policy)).toEqual([
      "Deny blocked countries",
      "Deny anonymisers",
      "New country or impossible travel: MFA",
      "Everywhere else: MFA",
    ]);
    expect(resourcesOf(out, "okta_network_zone").filter((z) => z.type === "IP")).toHaveLength(0);
  });

  it("without blocked countries, there is no country zone and priorities stay contiguous from 1", () => {
    const out = synthOkta(specWith({ networks: { ...exampleOrg.networks, blockedCountries: [] } }));
    expect(resourcesOf(out, "okta_network_zone").some((z) => z.type === "DYNAMIC")).toBe(false);
    expect(out).toHaveResourceWithProperties(PolicyRuleSignon, { name: "Deny anonymisers", priority: 1 });
    expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
      name: "Administrators: MFA every sign-in",
      priority: 2,
    });
  });

  it("anonymisers: require-mfa prompts every sign-in from the zone instead of denying", () => {
    const out = synthOkta(specWith({ networks: { ...exampleOrg.networks, anonymisers: "require-mfa" } }));
    expect(resourcesOf(out, "okta_policy_rule_signon").some((r) => r.name === "Deny anonymisers")).toBe(
      false,
    );
    expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
      name: "Anonymisers: MFA every sign-in",
      access: "ALLOW",
      network_includes: [refTo(out, "okta_network_zone", "MFA baseline: anonymisers")],
      mfa_required: true,
      mfa_prompt: "ALWAYS",
      priority: 2,
    });
    expect(
      ruleOrder(
        out,
        "okta_policy_rule_signon",
        refTo(out, "okta_policy_signon", "MFA baseline: everyone else session"),
      ),
    ).toEqual([
      "Deny blocked countries",
      "Anonymisers: MFA every sign-in",
      "New country or impossible travel: MFA",
      "Anywhere: MFA",
    ]);
  });

  it("anonymisers: ignore creates neither the zone nor a rule", () => {
    const out = synthOkta(specWith({ networks: { ...exampleOrg.networks, anonymisers: "ignore" } }));
    expect(resourcesOf(out, "okta_network_zone").some((z) => z.type === "DYNAMIC_V2")).toBe(false);
    expect(
      resourcesOf(out, "okta_policy_rule_signon").some((r) => String(r.name).includes("nonymiser")),
    ).toBe(false);
  });

  it("refuses a trusted network with more gateways than an Okta IP zone holds", () => {
    const cidrs = Array.from({ length: 151 }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`);
    const spec = specWith({ networks: { ...exampleOrg.networks, trusted: [{ name: "Big", cidrs }] } });
    expect(() => synthOkta(spec)).toThrow(/"Big": 151 CIDRs, but an Okta IP zone holds at most 150 gateways/);
  });
});

describe("tiers and risk", () => {
  it("sign-in risk high → mfa steps up instead of denying, so no app rule denies", () => {
    const out = synthOkta(
      specWith({ risk: { signIn: { medium: "mfa", high: "mfa" }, user: { high: "password-change" } } }),
    );
    expect(resourcesOf(out, "okta_app_signon_policy_rule").some((r) => r.access === "DENY")).toBe(false);
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      name: "High risk: MFA every sign-in",
      risk_score: "HIGH",
      access: "ALLOW",
      re_authentication_frequency: "PT0S",
      constraints: [PHISHING_RESISTANT],
    });
  });

  it("a phishing-resistant employee tier gets its own general-apps rule and enrollment without phone", () => {
    const out = synthOkta(
      specWith({ tiers: { ...exampleOrg.tiers, employees: { mfa: "phishing-resistant" } } }),
    );
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      name: "Employees: phishing-resistant MFA",
      groups_included: [refTo(out, "okta_group", "Example Corp Employees")],
      constraints: [PHISHING_RESISTANT],
      re_authentication_frequency: "PT12H",
    });
    expect(out).toHaveResourceWithProperties(PolicyMfa, {
      name: "MFA baseline: employees enrollment",
      webauthn: { enroll: "REQUIRED" },
      phone_number: { enroll: "NOT_ALLOWED" },
    });
  });

  it("an any-MFA administrator tier drops the phishing-resistant constraint but still never allows phone for admins", () => {
    const out = synthOkta(specWith({ tiers: { ...exampleOrg.tiers, administrators: { mfa: "any-mfa" } } }));
    expect(resourcesOf(out, "okta_app_signon_policy_rule").some((r) => r.constraints !== undefined)).toBe(
      false,
    );
    expect(out).toHaveResourceWithProperties(PolicyMfa, {
      name: "MFA baseline: administrators enrollment",
      webauthn: { enroll: "OPTIONAL" },
      phone_number: { enroll: "NOT_ALLOWED" },
    });
  });

  it("session lengths follow spec.sessions", () => {
    const out = synthOkta(
      specWith({ sessions: { ...exampleOrg.sessions!, adminSignInFrequencyHours: 1, userSessionHours: 8 } }),
    );
    expect(named(out, "okta_policy_rule_signon", "Administrators: MFA every sign-in")).toMatchObject({
      session_lifetime: 60,
      session_idle: 60,
    });
    expect(named(out, "okta_policy_rule_signon", "Everywhere else: MFA")).toMatchObject({
      session_lifetime: 480,
      mfa_lifetime: 480,
    });
    expect(
      named(out, "okta_app_signon_policy_rule", "Phishing-resistant MFA").re_authentication_frequency,
    ).toBe("PT1H");
    expect(named(out, "okta_app_signon_policy_rule", "Everyone: 2FA").re_authentication_frequency).toBe(
      "PT8H",
    );
  });
});

describe("apps", () => {
  it("without apps, no authentication policy is created", () => {
    const out = synthOkta(specWith({}, { adminApps: [], generalApps: [] }));
    expect(resourcesOf(out, "okta_app_signon_policy")).toHaveLength(0);
    expect(resourcesOf(out, "okta_app_access_policy_assignment")).toHaveLength(0);
  });

  it("refuses an app listed as both admin and general (an app has exactly one authentication policy)", () => {
    const spec = specWith({}, { generalApps: ["0oa1awsconsole00000x"] });
    expect(() => new OktaMfaBaseline(Testing.app(), "okta", spec)).toThrow(
      /okta.adminApps and okta.generalApps both list 0oa1awsconsole00000x/,
    );
  });
});
