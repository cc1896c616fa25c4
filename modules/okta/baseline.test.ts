import "cdktf/lib/testing/adapters/jest";
import { AppAccessPolicyAssignment } from "@cdktf/provider-okta/lib/app-access-policy-assignment";
import { AppSignonPolicyRule } from "@cdktf/provider-okta/lib/app-signon-policy-rule";
import { Behavior } from "@cdktf/provider-okta/lib/behavior";
import { NetworkZone } from "@cdktf/provider-okta/lib/network-zone";
import { PolicyMfa } from "@cdktf/provider-okta/lib/policy-mfa";
import { PolicyRuleMfa } from "@cdktf/provider-okta/lib/policy-rule-mfa";
import { PolicyRuleSignon } from "@cdktf/provider-okta/lib/policy-rule-signon";
import { PolicySignon } from "@cdktf/provider-okta/lib/policy-signon";
import { ThreatInsightSettings } from "@cdktf/provider-okta/lib/threat-insight-settings";
import { Testing } from "cdktf";
import { parseBaselineSpec } from "../spec";
import { exampleOrg } from "../../stacks/example-org";
import { OktaMfaBaseline } from "./baseline";
import { named, refTo, resourcesOf, ruleOrder, synthOkta } from "./test-support";

const spec = parseBaselineSpec(exampleOrg);
const out = synthOkta(spec);
const BG = ["00u1breakglass0000x1", "00u1breakglass0000x2"];
const PHISHING_RESISTANT = JSON.stringify({
  possession: { phishingResistant: "REQUIRED", deviceBound: "REQUIRED" },
});

const zoneRef = (name: string) => refTo(out, "okta_network_zone", name);
const groupRef = (name: string) => refTo(out, "okta_group", name);

describe("network zones", () => {
  it("makes one IP zone per trusted network with its CIDRs as gateways (help.okta.com/oie/en-us/content/topics/security/network/about-ip-zones.htm)", () => {
    expect(out).toHaveResourceWithProperties(NetworkZone, {
      name: "MFA baseline: trusted: London office",
      type: "IP",
      usage: "POLICY",
      gateways: ["203.0.113.0/24"],
    });
    expect(out).toHaveResourceWithProperties(NetworkZone, {
      name: "MFA baseline: trusted: Corporate VPN",
      type: "IP",
      gateways: ["198.51.100.0/25", "2001:db8:100::/48"],
    });
  });

  it("puts the blocked countries in one DYNAMIC zone (help.okta.com/oie/en-us/content/topics/security/network/about-dynamic-zones.htm)", () => {
    expect(out).toHaveResourceWithProperties(NetworkZone, {
      name: "MFA baseline: blocked countries",
      type: "DYNAMIC",
      usage: "POLICY",
      dynamic_locations: ["KP", "IR", "SY", "CU"],
    });
  });

  it("detects anonymisers with an enhanced dynamic zone of ALL_ANONYMIZERS (help.okta.com/en-us/Content/Topics/security/network/about-enhanced-dynamic-zones.htm)", () => {
    expect(out).toHaveResourceWithProperties(NetworkZone, {
      name: "MFA baseline: anonymisers",
      type: "DYNAMIC_V2",
      ip_service_categories_include: ["ALL_ANONYMIZERS"],
    });
  });

  it("uses no BLOCKLIST zone: a blocklist acts before policy evaluation and cannot exclude break-glass (help.okta.com/oie/en-us/Content/Topics/security/healthinsight/blocklist-network-zone.htm)", () => {
    const zones = resourcesOf(out, "okta_network_zone");
    expect(zones).toHaveLength(4);
    expect(zones.every((z) => z.usage === "POLICY")).toBe(true);
  });
});

describe("groups", () => {
  it("creates the three tier groups the example organisation asks for", () => {
    expect(
      resourcesOf(out, "okta_group")
        .map((g) => g.name)
        .sort(),
    ).toEqual(["Example Corp Administrators", "Example Corp Contractors", "Example Corp Employees"]);
  });
});

describe("authenticator enrollment (developer.okta.com/docs/reference/api/policy/ §Authenticator enrollment policy)", () => {
  it("requires phishing-resistant authenticators for administrators and never allows phone (SMS/voice)", () => {
    expect(out).toHaveResourceWithProperties(PolicyMfa, {
      name: "MFA baseline: administrators enrollment",
      is_oie: true,
      priority: 1,
      groups_included: [groupRef("Example Corp Administrators")],
      webauthn: { enroll: "REQUIRED" },
      okta_verify: { enroll: "REQUIRED" },
      okta_password: { enroll: "REQUIRED" },
      phone_number: { enroll: "NOT_ALLOWED" },
      security_question: { enroll: "NOT_ALLOWED" },
    });
  });

  it("requires Okta Verify for any-MFA tiers and leaves WebAuthn and phone optional, in tier order", () => {
    for (const [tier, priority] of [
      ["employees", 2],
      ["contractors", 3],
    ] as const) {
      expect(out).toHaveResourceWithProperties(PolicyMfa, {
        name: `MFA baseline: ${tier} enrollment`,
        priority,
        okta_verify: { enroll: "REQUIRED" },
        webauthn: { enroll: "OPTIONAL" },
        phone_number: { enroll: "OPTIONAL" },
        security_question: { enroll: "NOT_ALLOWED" },
      });
    }
  });

  it("gives every enrollment policy a rule (a policy without rules is never applied) that keeps break-glass out", () => {
    const rules = resourcesOf(out, "okta_policy_rule_mfa");
    expect(rules).toHaveLength(3);
    expect(out).toHaveResourceWithProperties(PolicyRuleMfa, {
      enroll: "LOGIN",
      priority: 1,
      users_excluded: BG,
    });
    expect(rules.every((r) => JSON.stringify(r.users_excluded) === JSON.stringify(BG))).toBe(true);
  });
});

describe("global session policies (help.okta.com/oie/en-us/content/topics/identity-engine/policies/add-okta-sign-on-policy-rule.htm)", () => {
  const adminPolicy = refTo(out, "okta_policy_signon", "MFA baseline: administrators session");
  const workforcePolicy = refTo(out, "okta_policy_signon", "MFA baseline: workforce session");

  it("evaluates the administrators' policy before the workforce policy (priority 1 first)", () => {
    expect(out).toHaveResourceWithProperties(PolicySignon, {
      name: "MFA baseline: administrators session",
      priority: 1,
      groups_included: [groupRef("Example Corp Administrators")],
    });
    expect(out).toHaveResourceWithProperties(PolicySignon, {
      name: "MFA baseline: workforce session",
      priority: 2,
      groups_included: [groupRef("Example Corp Employees"), groupRef("Example Corp Contractors")],
    });
  });

  it("orders rules most specific first: denies, then behaviours, then the trusted network, then the unconditional rule", () => {
    expect(ruleOrder(out, "okta_policy_rule_signon", adminPolicy)).toEqual([
      "Deny blocked countries",
      "Deny anonymisers",
      "Administrators: MFA every sign-in",
    ]);
    expect(ruleOrder(out, "okta_policy_rule_signon", workforcePolicy)).toEqual([
      "Deny blocked countries",
      "Deny anonymisers",
      "New country or impossible travel: MFA",
      "Trusted networks: no MFA prompt",
      "Everywhere else: MFA",
    ]);
    const priorities = resourcesOf(out, "okta_policy_rule_signon")
      .filter((r) => r.policy_id === workforcePolicy)
      .map((r) => Number(r.priority))
      .sort();
    expect(priorities).toEqual([1, 2, 3, 4, 5]);
  });

  it("denies the blocked-country and anonymiser zones in both policies, excluding break-glass", () => {
    for (const policy of [adminPolicy, workforcePolicy]) {
      expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
        policy_id: policy,
        name: "Deny blocked countries",
        access: "DENY",
        network_connection: "ZONE",
        network_includes: [zoneRef("MFA baseline: blocked countries")],
        users_excluded: BG,
      });
      expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
        policy_id: policy,
        name: "Deny anonymisers",
        access: "DENY",
        network_includes: [zoneRef("MFA baseline: anonymisers")],
        users_excluded: BG,
      });
    }
  });

  it("prompts administrators for MFA on every sign-in with sessions as long as the admin sign-in frequency", () => {
    expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
      policy_id: adminPolicy,
      name: "Administrators: MFA every sign-in",
      access: "ALLOW",
      network_connection: "ANYWHERE",
      mfa_required: true,
      mfa_prompt: "ALWAYS",
      session_lifetime: 4 * 60,
      session_idle: 60,
      session_persistent: false,
    });
    expect(
      named(out, "okta_policy_rule_signon", "Administrators: MFA every sign-in").users_excluded,
    ).toBeUndefined();
  });

  it("uses the new-country and velocity behaviours only to require MFA, never to deny (help.okta.com/en-us/content/topics/security/behavior-detection/add-rule-behavior-detection.htm)", () => {
    expect(out).toHaveResourceWithProperties(Behavior, {
      name: "MFA baseline: new country",
      type: "ANOMALOUS_LOCATION",
      location_granularity_type: "COUNTRY",
      number_of_authentications: 10,
    });
    expect(out).toHaveResourceWithProperties(Behavior, {
      name: "MFA baseline: velocity",
      type: "VELOCITY",
      velocity: 805,
    });
    expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
      name: "New country or impossible travel: MFA",
      access: "ALLOW",
      behaviors: [
        refTo(out, "okta_behavior", "MFA baseline: new country"),
        refTo(out, "okta_behavior", "MFA baseline: velocity"),
      ],
      mfa_required: true,
      mfa_prompt: "ALWAYS",
      users_excluded: BG,
    });
    const withBehaviours = resourcesOf(out, "okta_policy_rule_signon").filter(
      (r) => r.behaviors !== undefined,
    );
    expect(withBehaviours.every((r) => r.access === "ALLOW")).toBe(true);
  });

  it("skips the MFA prompt on the trusted networks and requires it everywhere else, with user session lifetimes", () => {
    expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
      name: "Trusted networks: no MFA prompt",
      access: "ALLOW",
      network_connection: "ZONE",
      network_includes: [
        zoneRef("MFA baseline: trusted: London office"),
        zoneRef("MFA baseline: trusted: Corporate VPN"),
      ],
      mfa_required: false,
      users_excluded: BG,
      session_lifetime: 12 * 60,
    });
    const last = named(out, "okta_policy_rule_signon", "Everywhere else: MFA");
    expect(last).toMatchObject({
      access: "ALLOW",
      network_connection: "ANYWHERE",
      mfa_required: true,
      mfa_prompt: "SESSION",
      mfa_lifetime: 12 * 60,
      session_lifetime: 12 * 60,
      session_idle: 120,
      session_persistent: false,
    });
    // Break-glass lands here after the conditional rules: it must neither deny nor exclude them.
    expect(last.users_excluded).toBeUndefined();
  });
});

// Users in no tier group would otherwise reach Okta's default global session policy, whose Default Rule
// the provider cannot manage. The built-in Everyone group "contains all users in your Okta org"
// (help.okta.com/en-us/content/topics/users-groups-profiles/usgp-group-types.htm), read with the
// okta_everyone_group data source (registry.terraform.io/providers/okta/okta/latest/docs/data-sources/everyone_group).
describe("global session policy for everyone else", () => {
  const everyoneData = Object.keys(
    (JSON.parse(out) as { data: Record<string, Record<string, unknown>> }).data.okta_everyone_group,
  );
  const everyonePolicy = refTo(out, "okta_policy_signon", "MFA baseline: everyone else session");

  it("is assigned to the built-in Everyone group, after the tier policies (priority 3)", () => {
    expect(everyoneData).toHaveLength(1);
    expect(out).toHaveResourceWithProperties(PolicySignon, {
      name: "MFA baseline: everyone else session",
      status: "ACTIVE",
      priority: 3,
      groups_included: [`\${data.okta_everyone_group.${everyoneData[0]}.id}`],
    });
  });

  it("denies blocked countries and anonymisers for everyone but break-glass, then asks for MFA everywhere, with no trusted-network exemption", () => {
    expect(ruleOrder(out, "okta_policy_rule_signon", everyonePolicy)).toEqual([
      "Deny blocked countries",
      "Deny anonymisers",
      "New country or impossible travel: MFA",
      "Anywhere: MFA",
    ]);
    expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
      policy_id: everyonePolicy,
      name: "Deny blocked countries",
      access: "DENY",
      network_includes: [zoneRef("MFA baseline: blocked countries")],
      users_excluded: BG,
    });
    expect(out).toHaveResourceWithProperties(PolicyRuleSignon, {
      policy_id: everyonePolicy,
      name: "Deny anonymisers",
      access: "DENY",
      network_includes: [zoneRef("MFA baseline: anonymisers")],
      users_excluded: BG,
    });
    const last = named(out, "okta_policy_rule_signon", "Anywhere: MFA");
    expect(last).toMatchObject({
      policy_id: everyonePolicy,
      access: "ALLOW",
      network_connection: "ANYWHERE",
      primary_factor: "PASSWORD_IDP",
      mfa_required: true,
      mfa_prompt: "SESSION",
      mfa_lifetime: 12 * 60,
      session_lifetime: 12 * 60,
      session_persistent: false,
    });
    expect(last.users_excluded).toBeUndefined();
  });
});

describe("authentication policies (help.okta.com/oie/en-us/Content/Topics/identity-engine/policies/add-app-sign-on-policy-rule.htm)", () => {
  const adminApps = refTo(out, "okta_app_signon_policy", "MFA baseline: admin apps");
  const generalApps = refTo(out, "okta_app_signon_policy", "MFA baseline: general apps");

  it("assigns each app to exactly one policy", () => {
    expect(out).toHaveResourceWithProperties(AppAccessPolicyAssignment, {
      app_id: "0oa1awsconsole00000x",
      policy_id: adminApps,
    });
    expect(out).toHaveResourceWithProperties(AppAccessPolicyAssignment, {
      app_id: "0oa1slack0000000000x",
      policy_id: generalApps,
    });
    expect(out).toHaveResourceWithProperties(AppAccessPolicyAssignment, {
      app_id: "0oa1github000000000x",
      policy_id: generalApps,
    });
    expect(resourcesOf(out, "okta_app_access_policy_assignment")).toHaveLength(3);
  });

  it("admin apps: deny high risk, step up medium risk, phishing-resistant 2FA re-authenticated at the admin frequency", () => {
    expect(ruleOrder(out, "okta_app_signon_policy_rule", adminApps)).toEqual([
      "High risk: deny",
      "Medium risk: MFA every sign-in",
      "Phishing-resistant MFA",
      "Break-glass and fallback: 2FA",
    ]);
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      policy_id: adminApps,
      name: "High risk: deny",
      priority: 0,
      risk_score: "HIGH",
      access: "DENY",
      users_excluded: BG,
    });
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      policy_id: adminApps,
      name: "Medium risk: MFA every sign-in",
      risk_score: "MEDIUM",
      factor_mode: "2FA",
      constraints: [PHISHING_RESISTANT],
      re_authentication_frequency: "PT0S",
    });
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      policy_id: adminApps,
      name: "Phishing-resistant MFA",
      access: "ALLOW",
      factor_mode: "2FA",
      constraints: [PHISHING_RESISTANT],
      re_authentication_frequency: "PT4H",
      users_excluded: BG,
    });
    const fallback = named(out, "okta_app_signon_policy_rule", "Break-glass and fallback: 2FA");
    expect(fallback).toMatchObject({
      access: "ALLOW",
      factor_mode: "2FA",
      re_authentication_frequency: "PT4H",
      priority: 3,
    });
    expect(fallback.users_excluded).toBeUndefined();
    expect(fallback.risk_score).toBeUndefined();
  });

  it("general apps: deny high risk, phishing-resistant for administrators, 2FA for everyone", () => {
    expect(ruleOrder(out, "okta_app_signon_policy_rule", generalApps)).toEqual([
      "High risk: deny",
      "Administrators: medium risk, phishing-resistant MFA every sign-in",
      "Medium risk: MFA every sign-in",
      "Administrators: phishing-resistant MFA",
      "Everyone: 2FA",
    ]);
    // The first matching rule wins: a risk step-up that matches administrators must keep their
    // phishing-resistant strength, or medium risk would let them in with weaker MFA than low risk.
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      policy_id: generalApps,
      name: "Administrators: medium risk, phishing-resistant MFA every sign-in",
      risk_score: "MEDIUM",
      groups_included: [groupRef("Example Corp Administrators")],
      constraints: [PHISHING_RESISTANT],
      re_authentication_frequency: "PT0S",
      users_excluded: BG,
    });
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      policy_id: generalApps,
      name: "Administrators: phishing-resistant MFA",
      groups_included: [groupRef("Example Corp Administrators")],
      constraints: [PHISHING_RESISTANT],
      users_excluded: BG,
    });
    expect(out).toHaveResourceWithProperties(AppSignonPolicyRule, {
      policy_id: generalApps,
      name: "Everyone: 2FA",
      access: "ALLOW",
      factor_mode: "2FA",
      re_authentication_frequency: "PT12H",
    });
  });
});

describe("ThreatInsight (help.okta.com/en-us/content/topics/security/threat-insight/configure-threatinsight.htm)", () => {
  it("follows the spec's mode and exempts only the trusted IP zones", () => {
    expect(out).toHaveResourceWithProperties(ThreatInsightSettings, {
      action: "block",
      network_excludes: [
        zoneRef("MFA baseline: trusted: London office"),
        zoneRef("MFA baseline: trusted: Corporate VPN"),
      ],
    });
  });
});

describe("break-glass", () => {
  it("is excluded from every deny rule of either kind", () => {
    const denies = [
      ...resourcesOf(out, "okta_policy_rule_signon"),
      ...resourcesOf(out, "okta_app_signon_policy_rule"),
    ].filter((r) => r.access === "DENY");
    // Country and anonymiser denies in three session policies, high risk in two authentication policies.
    expect(denies.length).toBe(8);
    for (const rule of denies) expect(rule.users_excluded).toEqual(BG);
  });

  it("always has an unconditional, non-deny rule to land on at the end of each policy", () => {
    for (const [type, policies] of [
      ["okta_policy_rule_signon", resourcesOf(out, "okta_policy_signon")],
      ["okta_app_signon_policy_rule", resourcesOf(out, "okta_app_signon_policy")],
    ] as const) {
      for (const policy of policies) {
        const order = ruleOrder(
          out,
          type,
          refTo(
            out,
            type === "okta_policy_rule_signon" ? "okta_policy_signon" : "okta_app_signon_policy",
            String(policy.name),
          ),
        );
        const last = named(out, type, order[order.length - 1]);
        expect(last).toMatchObject({ access: "ALLOW" });
        for (const condition of [
          "users_excluded",
          "network_includes",
          "network_excludes",
          "behaviors",
          "risk_score",
          "groups_included",
        ]) {
          expect(last[condition]).toBeUndefined();
        }
      }
    }
  });
});

describe("construction errors", () => {
  it("names the missing okta section", () => {
    const withoutOkta = { ...exampleOrg, okta: undefined };
    const noOkta = parseBaselineSpec(withoutOkta);
    expect(() => new OktaMfaBaseline(Testing.app(), "okta", noOkta)).toThrow(/spec has no okta section/);
  });
});
