import { formatTrace } from "../decision";
import { oktaModel, ref, run, type Blocks } from "./test-fixture";

const DEFAULT = ref("data.okta_default_policy.gsp");
const data = {
  okta_default_policy: { gsp: { type: "OKTA_SIGN_ON" } },
  okta_behavior: { new_country: { name: "New Country" } },
};
const model = (resource: Blocks) =>
  oktaModel({ okta_group: { admins: { name: "Admins" }, staff: { name: "Staff" } }, ...resource }, data);

// Policies by priority, rules by priority, first full match, fall through to the next policy when no
// rule matches; "Policies that have no Rules aren't considered during evaluation and are never applied".
// Source: https://developer.okta.com/docs/concepts/policies/ (How policies work) and Policy API
// "Policy evaluation" (developer.okta.com/docs/reference/api/policy/).
describe("global session policy: selection", () => {
  const m = model({
    okta_policy_signon: {
      // Declared first, priority 2: evaluated after `admins`.
      staff: {
        name: "Staff",
        priority: 2,
        groups_included: [ref("okta_group.staff"), ref("okta_group.admins")],
      },
      admins: { name: "Admins", priority: 1, groups_included: [ref("okta_group.admins")] },
      empty: { name: "No rules", priority: 3, groups_included: [ref("okta_group.staff")] },
      nobody: { name: "No groups", priority: 4 },
    },
    okta_policy_rule_signon: {
      admins_office: {
        policy_id: ref("okta_policy_signon.admins"),
        name: "admins office",
        priority: 1,
        network_connection: "ZONE",
        network_includes: ["ALL_ZONES"],
        mfa_required: true,
        mfa_prompt: "ALWAYS",
      },
      staff_any: {
        policy_id: ref("okta_policy_signon.staff"),
        name: "staff",
        priority: 2,
        session_lifetime: 480,
      },
      staff_high: {
        policy_id: ref("okta_policy_signon.staff"),
        name: "staff high risk",
        priority: 1,
        risk_level: "HIGH",
        access: "DENY",
      },
      staff_off: {
        policy_id: ref("okta_policy_signon.staff"),
        name: "inactive",
        priority: 0,
        status: "INACTIVE",
        access: "DENY",
      },
      nobody_rule: {
        policy_id: ref("okta_policy_signon.nobody"),
        name: "nobody",
        priority: 1,
        access: "DENY",
      },
    },
  });

  it("evaluates policies by priority, not declaration order", () => {
    const d = run(m, { user: { id: "okta_user.a", groups: ["okta_group.admins"] }, zones: { corp: true } });
    expect(d.globalSession?.policy).toBe("okta_policy_signon.admins");
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
  });

  it("falls through to the next policy when no rule of a policy matches", () => {
    const d = run(m, { user: { id: "okta_user.a", groups: ["okta_group.admins"] } });
    expect(d.globalSession?.rule).toBe("okta_policy_rule_signon.staff_any");
    expect(d.skipped).toContainEqual(
      expect.objectContaining({
        policy: "okta_policy_signon.admins",
        rule: "okta_policy_rule_signon.admins_office",
        condition: "network",
      }),
    );
  });

  it("evaluates rules by priority and skips inactive rules", () => {
    const d = run(m, { user: { id: "okta_user.s", groups: ["okta_group.staff"] }, risk: "HIGH" });
    expect(d.globalSession?.rule).toBe("okta_policy_rule_signon.staff_high");
    expect(d.verdict.outcome).toBe("deny");
    expect(d.skipped).toContainEqual(
      expect.objectContaining({ rule: "okta_policy_rule_signon.staff_off", condition: "inactive" }),
    );
  });

  it("applies a policy only to its groups, and a policy without groups to nobody", () => {
    const d = run(m, { user: { id: "okta_user.x", groups: [] } });
    expect(d.globalSession?.policy).toBe("data.okta_default_policy.gsp");
    expect(d.skipped).toContainEqual(
      expect.objectContaining({ policy: "okta_policy_signon.nobody", condition: "policy-groups" }),
    );
  });

  it("uses the documented default of the default policy's Default Rule and says so", () => {
    const d = run(m, { user: { id: "okta_user.x" } });
    expect(d.globalSession?.rule).toMatch(/Default Rule/);
    expect(d.verdict.outcome).toBe("allow");
    expect(d.assumptions.join(" ")).toMatch(/Default Rule of the default global session policy/);
    expect(d.session).toMatchObject({ primaryFactor: "PASSWORD_IDP_ANY_FACTOR" });
  });

  it("reports session settings of the matched rule", () => {
    const d = run(m, { user: { id: "okta_user.s", groups: ["okta_group.staff"] } });
    expect(d.session).toMatchObject({ lifetimeMinutes: 480, idleMinutes: 120, persistent: false });
  });

  it("explains skipped rules with the first failing condition", () => {
    const d = run(m, { user: { id: "okta_user.a", groups: ["okta_group.admins"] } });
    expect(formatTrace(d.trace ?? [])).toMatch(
      /admins_office: rule skipped — network: no IP is in none of ALL_ZONES/,
    );
  });
});

// The built-in Everyone group: "The default Everyone group contains all users in your Okta org"
// (https://help.okta.com/en-us/content/topics/users-groups-profiles/usgp-group-types.htm). The provider
// reads it with `data.okta_everyone_group`, or the `okta_group` data source with name = "Everyone"
// ("This is simply a shortcut", registry.terraform.io/providers/okta/okta/latest/docs/data-sources/everyone_group).
// A policy assigned to it applies to every user, in its priority place; the default policy stays last
// (https://developer.okta.com/docs/concepts/policies/, "Default policies").
describe("global session policy: the Everyone group", () => {
  const everyoneModel = (group: Blocks) =>
    oktaModel(
      {
        okta_group: { admins: { name: "Admins" } },
        okta_policy_signon: {
          everyone: { name: "Everyone", priority: 2, groups_included: [ref(Object.keys(group)[0])] },
          admins: { name: "Admins", priority: 1, groups_included: [ref("okta_group.admins")] },
        },
        okta_policy_rule_signon: {
          admins_mfa: {
            policy_id: ref("okta_policy_signon.admins"),
            name: "admins",
            priority: 1,
            mfa_required: true,
            mfa_prompt: "ALWAYS",
          },
          everyone_deny: {
            policy_id: ref("okta_policy_signon.everyone"),
            name: "deny high risk",
            priority: 1,
            risk_level: "HIGH",
            access: "DENY",
            users_excluded: ["00u1breakglass0000x1"],
          },
          everyone_mfa: {
            policy_id: ref("okta_policy_signon.everyone"),
            name: "mfa",
            priority: 2,
            mfa_required: true,
            mfa_prompt: "SESSION",
            mfa_lifetime: 60,
            users_excluded: ["00u1breakglass0000x1"],
          },
        },
      },
      { ...data, ...Object.values(group)[0] },
    );
  const viaDataSource = everyoneModel({
    "data.okta_everyone_group.all": { okta_everyone_group: { all: {} } },
  });
  const viaGroupByName = everyoneModel({
    "data.okta_group.everyone": { okta_group: { everyone: { name: "Everyone" } } },
  });

  it.each([
    ["okta_everyone_group", viaDataSource],
    ["okta_group named Everyone", viaGroupByName],
  ])("a policy assigned to the Everyone group (%s) applies to a user in no group", (_label, m) => {
    const d = run(m, { user: { id: "00u1partner00000pat1", groups: [] }, risk: "HIGH" });
    expect(d.globalSession?.policy).toBe("okta_policy_signon.everyone");
    expect(d.globalSession?.rule).toBe("okta_policy_rule_signon.everyone_deny");
    expect(d.verdict.outcome).toBe("deny");
    expect(d.assumptions).toEqual([]);
  });

  it("a higher-priority policy of the user's own group still comes first", () => {
    const d = run(viaDataSource, {
      user: { id: "okta_user.a", groups: ["okta_group.admins"] },
      risk: "HIGH",
    });
    expect(d.globalSession?.rule).toBe("okta_policy_rule_signon.admins_mfa");
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
  });

  it("the Everyone policy comes before the default policy; a user excluded from all its rules falls through to it", () => {
    const partner = run(viaDataSource, { user: { id: "00u1partner00000pat1" } });
    expect(partner.globalSession?.rule).toBe("okta_policy_rule_signon.everyone_mfa");
    const excluded = run(viaDataSource, { user: { id: "00u1breakglass0000x1" }, risk: "HIGH" });
    expect(excluded.globalSession?.policy).toBe("data.okta_default_policy.gsp");
    expect(excluded.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: "okta_policy_rule_signon.everyone_deny", condition: "users" }),
        expect.objectContaining({ rule: "okta_policy_rule_signon.everyone_mfa", condition: "users" }),
      ]),
    );
  });

  it("a group data source with another name is not taken for Everyone", () => {
    const m = everyoneModel({
      "data.okta_group.partners": { okta_group: { partners: { name: "Partners" } } },
    });
    const d = run(m, { user: { id: "00u1partner00000pat1" }, risk: "HIGH" });
    expect(d.globalSession?.policy).toBe("data.okta_default_policy.gsp");
    expect(d.skipped).toContainEqual(
      expect.objectContaining({ policy: "okta_policy_signon.everyone", condition: "policy-groups" }),
    );
  });
});

// Rule conditions: "Exclude users"; risk "limits the rule to only the specified risk level";
// behaviours are ORed and ANDed with the other conditions; a rule cannot deny on behaviours.
// Sources: https://help.okta.com/oie/en-us/content/topics/identity-engine/policies/add-okta-sign-on-policy-rule.htm ,
// https://help.okta.com/en-us/content/topics/security/behavior-detection/add-rule-behavior-detection.htm ,
// https://help.okta.com/oie/en-us/content/topics/security/security_risk_scoring.htm
describe("global session policy: rule conditions and actions", () => {
  const rules = (extra: Record<string, Record<string, unknown>>) => model({ okta_policy_rule_signon: extra });

  it("excluded users skip the rule and continue with the next", () => {
    const m = rules({
      deny_all: {
        policy_id: DEFAULT,
        name: "deny",
        priority: 1,
        access: "DENY",
        users_excluded: ["00u1breakglass0000x1"],
      },
    });
    expect(run(m, { user: { id: "00u1breakglass0000x1" } }).verdict.outcome).toBe("allow");
    expect(run(m, { user: { id: "okta_user.other" } }).verdict.outcome).toBe("deny");
  });

  it("behaviours: any one listed behaviour, by address, name or kind, together with the other conditions", () => {
    const m = rules({
      nc: {
        policy_id: DEFAULT,
        name: "new country",
        priority: 1,
        behaviors: [ref("data.okta_behavior.new_country"), "abc0000000000000beh1"],
        mfa_required: true,
        mfa_prompt: "ALWAYS",
        risk_level: "LOW",
      },
    });
    expect(run(m, { behaviors: ["new-country"] }).verdict.outcome).toBe("mfa");
    expect(run(m, { behaviors: ["New Country"] }).verdict.outcome).toBe("mfa");
    expect(run(m, { behaviors: ["abc0000000000000beh1"] }).verdict.outcome).toBe("mfa");
    expect(run(m, { behaviors: ["New Country"], risk: "MEDIUM" }).verdict.outcome).toBe("allow");
    expect(run(m, { behaviors: [] }).verdict.outcome).toBe("allow");
  });

  it("a rule that denies on behaviours is not interpreted", () => {
    const m = rules({
      bad: {
        policy_id: DEFAULT,
        name: "bad",
        priority: 1,
        behaviors: [ref("data.okta_behavior.new_country")],
        access: "DENY",
      },
    });
    const d = run(m, {});
    expect(d.verdict.outcome).toBe("indeterminate");
    expect(d.verdict.indeterminate?.[0]).toMatch(
      /okta_policy_rule_signon\.bad access: a rule cannot deny on behaviours/,
    );
  });

  it("matches the entry point (authtype) and identity provider", () => {
    const m = rules({
      radius: { policy_id: DEFAULT, name: "radius", priority: 1, authtype: "RADIUS", access: "DENY" },
      okta_only: {
        policy_id: DEFAULT,
        name: "okta idp",
        priority: 2,
        identity_provider: "OKTA",
        mfa_required: true,
        mfa_prompt: "ALWAYS",
      },
    });
    expect(run(m, { entryPoint: "radius" }).verdict.outcome).toBe("deny");
    expect(run(m, {}).verdict.outcome).toBe("mfa");
    expect(run(m, { identityProvider: "okta_idp_saml.partner" }).verdict.outcome).toBe("allow");
  });

  // factorPromptMode: SESSION prompts once factorLifetime has elapsed; ALWAYS on every sign-in; DEVICE
  // for a new device. Source: Policy API "Signon Action object".
  it("judges MFA prompt modes against the authenticators already used and when", () => {
    const session = rules({
      r: {
        policy_id: DEFAULT,
        name: "mfa 30m",
        priority: 1,
        mfa_required: true,
        mfa_prompt: "SESSION",
        mfa_lifetime: 30,
      },
    });
    const pushAgo = (s: number) => ({
      authenticators: [
        { authenticator: "password" as const },
        { authenticator: "okta_verify_push" as const, ageSeconds: s },
      ],
    });
    expect(run(session, pushAgo(29 * 60)).verdict.outcome).toBe("allow");
    expect(run(session, pushAgo(31 * 60)).verdict.outcome).toBe("mfa");
    const always = rules({
      r: { policy_id: DEFAULT, name: "always", priority: 1, mfa_required: true, mfa_prompt: "ALWAYS" },
    });
    expect(run(always, pushAgo(1)).verdict.outcome).toBe("mfa");
    expect(run(always, pushAgo(0)).verdict.outcome).toBe("allow");
    const device = rules({
      r: { policy_id: DEFAULT, name: "device", priority: 1, mfa_required: true, mfa_prompt: "DEVICE" },
    });
    expect(run(device, {}).verdict.outcome).toBe("mfa");
    expect(run(device, { device: { mfaRemembered: true } }).verdict.outcome).toBe("allow");
  });

  it("two knowledge factors are one factor type, not MFA", () => {
    const m = rules({
      r: { policy_id: DEFAULT, name: "mfa", priority: 1, mfa_required: true, mfa_prompt: "ALWAYS" },
    });
    expect(
      run(m, { authenticators: [{ authenticator: "password" }, { authenticator: "security_question" }] })
        .verdict.outcome,
    ).toBe("mfa");
  });

  it("primary factor PASSWORD_IDP needs the password unless an IdP authenticated the user", () => {
    const m = rules({ r: { policy_id: DEFAULT, name: "pw", priority: 1, primary_factor: "PASSWORD_IDP" } });
    expect(
      run(m, { authenticators: [{ authenticator: "okta_verify_fastpass", userVerified: true }] }).verdict,
    ).toMatchObject({ outcome: "mfa", requires: ["custom:okta-password"] });
    expect(
      run(m, {
        authenticators: [{ authenticator: "okta_verify_fastpass" }],
        identityProvider: "okta_idp_saml.x",
      }).verdict.outcome,
    ).toBe("allow");
  });

  it("legacy ON_NETWORK, include+exclude, and equal priorities that both match are indeterminate", () => {
    const legacy = rules({
      r: { policy_id: DEFAULT, name: "legacy", priority: 1, network_connection: "ON_NETWORK" },
    });
    expect(run(legacy, {}).verdict.indeterminate?.[0]).toMatch(
      /okta_policy_rule_signon\.r network_connection: ON_NETWORK is a legacy value/,
    );
    const tie = rules({
      a: { policy_id: DEFAULT, name: "a", priority: 1, access: "DENY" },
      b: { policy_id: DEFAULT, name: "b", priority: 1, session_lifetime: 5 },
    });
    expect(run(tie, {}).verdict.indeterminate?.[0]).toMatch(/same priority/);
    // Only one of the tied rules matches: their order does not matter.
    const tieOne = rules({
      a: { policy_id: DEFAULT, name: "a", priority: 1, access: "DENY", risk_level: "HIGH" },
      b: { policy_id: DEFAULT, name: "b", priority: 1, session_lifetime: 5 },
    });
    expect(run(tieOne, {}).globalSession?.rule).toBe("okta_policy_rule_signon.b");
  });

  it("an attribute the loader could not interpret makes evaluations reaching it indeterminate, with its location", () => {
    const m = rules({
      broken: { policy_id: DEFAULT, name: "broken", priority: 1, session_lifetime: "${timestamp()}" },
    });
    const d = run(m, {});
    expect(d.verdict.outcome).toBe("indeterminate");
    expect(d.verdict.indeterminate?.[0]).toMatch(/okta_policy_rule_signon\.broken session_lifetime/);
  });

  it("a rule attached to a policy outside the configuration makes the policy type indeterminate", () => {
    const m = rules({ r: { policy_id: "00p1unknown000000000", name: "r", priority: 1 } });
    expect(run(m, {}).verdict.indeterminate?.[0]).toMatch(/00p1unknown000000000/);
  });
});
