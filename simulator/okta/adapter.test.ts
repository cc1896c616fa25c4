import { oktaAdapter } from "./adapter";
import { parseOktaContext, type OktaContextInput } from "./context";
import { oktaModel, ref } from "./test-fixture";

const APP = "okta_app_oauth.slack";
const GSP = "okta_policy_signon.everyone";

const model = oktaModel(
  {
    okta_network_zone: {
      bad_ips: { name: "Bad IPs", type: "IP", usage: "BLOCKLIST", gateways: ["192.0.2.0/24"] },
      blocked_countries: { name: "Blocked", type: "DYNAMIC", dynamic_locations: ["KP"] },
    },
    okta_threat_insight_settings: { ti: { action: "block" } },
    okta_policy_signon: {
      everyone: { name: "Everyone", priority: 1, groups_included: [ref("data.okta_everyone_group.all")] },
    },
    okta_policy_rule_signon: {
      deny_countries: {
        policy_id: ref(GSP),
        name: "Deny blocked countries",
        priority: 1,
        access: "DENY",
        network_connection: "ZONE",
        network_includes: [ref("okta_network_zone.blocked_countries")],
      },
      anywhere: {
        policy_id: ref(GSP),
        name: "Anywhere",
        priority: 2,
        mfa_required: true,
        mfa_prompt: "ALWAYS",
      },
    },
    okta_app_signon_policy: { general: { name: "General apps", description: "d" } },
    okta_app_oauth: {
      slack: { label: "Slack", type: "web", authentication_policy: ref("okta_app_signon_policy.general") },
    },
    okta_app_signon_policy_rule: {
      high_risk: {
        policy_id: ref("okta_app_signon_policy.general"),
        name: "High risk: deny",
        priority: 0,
        risk_score: "HIGH",
        access: "DENY",
      },
      everyone: {
        policy_id: ref("okta_app_signon_policy.general"),
        name: "Everyone: 2FA",
        priority: 1,
        factor_mode: "2FA",
      },
    },
  },
  { okta_everyone_group: { all: {} }, okta_default_policy: { gsp: { type: "OKTA_SIGN_ON" } } },
);

function decide(input: Partial<OktaContextInput>) {
  return oktaAdapter.evaluate(
    model,
    parseOktaContext({ user: { id: "00u1partner00000pat1" }, app: APP, ip: "198.51.100.7", ...input }),
  );
}

// decidedBy names what decided: the matched global session and authentication rules (with their
// policies), or the blocklisted zone / ThreatInsight settings that stopped the request before any
// policy ("Okta blocks these requests before any type of policy evaluation occurs",
// https://help.okta.com/oie/en-us/Content/Topics/security/healthinsight/blocklist-network-zone.htm).
describe("okta adapter: decidedBy", () => {
  it("names the authentication rule that denies (help add-app-sign-on-policy-rule: 'If you deny access, skip to the last step')", () => {
    const facts = decide({ risk: "HIGH" });
    expect(facts.verdict.outcome).toBe("deny");
    expect(facts.decidedBy).toEqual([
      GSP,
      "okta_policy_rule_signon.anywhere",
      "okta_app_signon_policy.general",
      "okta_app_signon_policy_rule.high_risk",
    ]);
    expect(facts.session?.factorMode).toBeUndefined();
  });

  it("names the global session rule that denies", () => {
    const facts = decide({ country: "KP" });
    expect(facts.verdict.outcome).toBe("deny");
    expect(facts.decidedBy).toContain("okta_policy_rule_signon.deny_countries");
  });

  it("names both rules whose union asks for MFA", () => {
    const facts = decide({});
    expect(facts.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(facts.decidedBy).toEqual(
      expect.arrayContaining(["okta_policy_rule_signon.anywhere", "okta_app_signon_policy_rule.everyone"]),
    );
    expect(facts.session?.factorMode).toBe("2FA");
  });

  it("names only the blocklisted zone, or the ThreatInsight settings, for a pre-policy block", () => {
    expect(decide({ ip: "192.0.2.9", risk: "HIGH" }).decidedBy).toEqual(["okta_network_zone.bad_ips"]);
    // ThreatInsight action block: "log and block" suspicious IPs before sign-on rules
    // (https://help.okta.com/en-us/content/topics/security/threat-insight/configure-threatinsight.htm).
    expect(decide({ threatSuspected: true }).decidedBy).toEqual(["okta_threat_insight_settings.ti"]);
  });
});
