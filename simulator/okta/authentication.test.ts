import { OKTA_ADMIN_CONSOLE } from "./context";
import { oktaModel, ref, run, type Blocks } from "./test-fixture";

const PR = JSON.stringify({ possession: { phishingResistant: "REQUIRED", userPresence: "REQUIRED" } });
const HW_OR_PR = [JSON.stringify({ possession: { hardwareProtection: "REQUIRED" } }), PR];
const APP = "okta_app_oauth.console";

function model(
  rules: Record<string, Record<string, unknown>>,
  extra: Blocks = {},
  policy: Record<string, unknown> = {},
) {
  return oktaModel(
    {
      okta_group: { admins: { name: "Admins" }, contractors: { name: "Contractors" } },
      okta_app_signon_policy: { admin_apps: { name: "Admin apps", description: "d", ...policy } },
      okta_app_oauth: {
        console: {
          label: "Console",
          type: "web",
          authentication_policy: ref("okta_app_signon_policy.admin_apps"),
        },
      },
      okta_app_signon_policy_rule: Object.fromEntries(
        Object.entries(rules).map(([k, v]) => [
          k,
          { policy_id: ref("okta_app_signon_policy.admin_apps"), ...v },
        ]),
      ),
      ...extra,
    },
    { okta_default_policy: { gsp: { type: "OKTA_SIGN_ON" } } },
  );
}

const admin = { user: { id: "okta_user.ann", groups: ["okta_group.admins"] }, app: APP };

// Authentication policy rules: priority 0 highest, catch-all 99 last, first match wins.
// Source: https://developer.okta.com/docs/guides/policy-rule-prioritization/main and
// https://help.okta.com/oie/en-us/Content/Topics/identity-engine/policies/add-app-sign-on-policy-rule.htm
describe("authentication policy: rule selection and conditions", () => {
  it("first match by priority; the catch-all comes last", () => {
    const m = model({
      admins: {
        name: "Admins",
        priority: 1,
        groups_included: [ref("okta_group.admins")],
        factor_mode: "2FA",
        constraints: [PR],
      },
      deny_contractors: {
        name: "No contractors",
        priority: 0,
        groups_included: [ref("okta_group.contractors")],
        access: "DENY",
      },
    });
    expect(run(m, admin).authentication?.rule).toBe("okta_app_signon_policy_rule.admins");
    expect(
      run(m, {
        user: { id: "okta_user.c", groups: ["okta_group.contractors", "okta_group.admins"] },
        app: APP,
      }).verdict.outcome,
    ).toBe("deny");
    const other = run(m, { user: { id: "okta_user.x" }, app: APP });
    expect(other.authentication?.rule).toMatch(/Catch-all Rule/);
    expect(other.verdict.outcome).toBe("allow");
    expect(other.assumptions.join(" ")).toMatch(/catch-all rule not managed here/);
  });

  // "If you deny access, skip to the last step" (help add-app-sign-on-policy-rule): the deny rule is
  // the matched rule and decides; it sets no factor mode or re-authentication of its own.
  it("a matched deny rule is reported as the deciding authentication rule", () => {
    const m = model({
      high_risk: { name: "High risk: deny", priority: 0, risk_score: "HIGH", access: "DENY" },
      admins: { name: "Admins", priority: 1, factor_mode: "2FA", constraints: [PR] },
    });
    const d = run(m, { ...admin, risk: "HIGH" });
    expect(d.verdict).toMatchObject({
      outcome: "deny",
      summary: "denied by authentication rule okta_app_signon_policy_rule.high_risk",
    });
    expect(d.authentication).toMatchObject({
      policy: "okta_app_signon_policy.admin_apps",
      rule: "okta_app_signon_policy_rule.high_risk",
      action: { access: "DENY" },
    });
    expect(d.factorMode).toBeUndefined();
    expect(d.constraints).toBeUndefined();
    expect(d.reauthentication).toBeUndefined();
  });

  it("catch_all = false makes the catch-all deny", () => {
    const m = model({}, {}, { catch_all: false });
    expect(run(m, { user: { id: "okta_user.x" }, app: APP }).verdict.outcome).toBe("deny");
  });

  // Open point 1, decided: exclusion wins; included users and included groups are ORed.
  it("people: an excluded group wins over an included user; included users or groups suffice", () => {
    const m = model({
      r: {
        name: "r",
        priority: 0,
        users_included: ["okta_user.ann", "okta_user.bob"],
        groups_excluded: [ref("okta_group.contractors")],
        access: "DENY",
      },
    });
    expect(run(m, { user: { id: "okta_user.bob" }, app: APP }).verdict.outcome).toBe("deny");
    expect(
      run(m, { user: { id: "okta_user.bob", groups: ["okta_group.contractors"] }, app: APP }).verdict.outcome,
    ).toBe("allow");
    expect(run(m, { user: { id: "okta_user.zed" }, app: APP }).verdict.outcome).toBe("allow");
  });

  it("device registered/managed, platform and risk conditions", () => {
    const m = model({
      managed_mac: {
        name: "managed mac",
        priority: 0,
        device_is_registered: true,
        device_is_managed: true,
        platform_include: [{ type: "DESKTOP", os_type: "MACOS" }],
        factor_mode: "1FA",
      },
      high: { name: "high", priority: 1, risk_score: "HIGH", access: "DENY" },
      rest: { name: "rest", priority: 2, factor_mode: "2FA" },
    });
    expect(
      run(m, { app: APP, device: { registered: true, managed: true, os: "MACOS" } }).authentication?.rule,
    ).toBe("okta_app_signon_policy_rule.managed_mac");
    const unmanaged = run(m, { app: APP, device: { registered: true, os: "MACOS" } });
    expect(unmanaged.skipped).toContainEqual(
      expect.objectContaining({ rule: "okta_app_signon_policy_rule.managed_mac", condition: "device" }),
    );
    expect(
      run(m, { app: APP, device: { registered: true, managed: true, os: "WINDOWS" } }).skipped,
    ).toContainEqual(expect.objectContaining({ condition: "platform" }));
    expect(run(m, { app: APP, risk: "HIGH" }).verdict.outcome).toBe("deny");
  });

  it("a user not assigned to the app is refused", () => {
    const m = model(
      {},
      { okta_app_group_assignment: { a: { app_id: ref(APP), group_id: ref("okta_group.admins") } } },
    );
    expect(run(m, admin).verdict.outcome).toBe("allow");
    const d = run(m, { user: { id: "okta_user.x" }, app: APP });
    expect(d.verdict).toMatchObject({ outcome: "deny", summary: expect.stringMatching(/not assigned/) });
  });

  it("an app without a policy in the configuration, and Okta EL conditions, are indeterminate", () => {
    expect(run(model({}), { app: OKTA_ADMIN_CONSOLE }).verdict.indeterminate?.[0]).toMatch(
      /okta-admin-console has no authentication policy/,
    );
    const el = model({ r: { name: "r", priority: 0, custom_expression: "user.profile.department == 'IT'" } });
    expect(run(el, admin).verdict.indeterminate?.[0]).toMatch(
      /okta_app_signon_policy_rule\.r custom_expression/,
    );
  });
});

// Factor mode: "2FA: two distinct factor types"; constraints: "only one Constraint object needs to be
// satisfied, but within a Constraint object, each Constraint property must be satisfied";
// phishing-resistant / hardware protection per help add-app-sign-on-policy-rule.
// Sources: https://help.okta.com/oie/en-us/Content/Topics/identity-engine/policies/add-app-sign-on-policy-rule.htm ,
// Policy API "Constraints" (developer.okta.com/docs/reference/api/policy/).
describe("authentication policy: factor mode, constraints, re-authentication", () => {
  const pr = model({
    admins: {
      name: "Admins",
      priority: 0,
      groups_included: [ref("okta_group.admins")],
      factor_mode: "2FA",
      constraints: [PR],
      re_authentication_frequency: "PT4H",
    },
  });

  it("requires phishing-resistant MFA: a password alone or with push is not enough", () => {
    expect(run(pr, admin).verdict).toMatchObject({ outcome: "mfa", requires: ["phishing-resistant", "mfa"] });
    const push = run(pr, {
      ...admin,
      authenticators: [{ authenticator: "password" }, { authenticator: "okta_verify_push" }],
    });
    expect(push.verdict).toMatchObject({ outcome: "mfa", requires: ["phishing-resistant"] });
    expect(push.factorMode).toBe("2FA");
    expect(push.constraints).toEqual([PR]);
  });

  it("a security key with a password, or FastPass with biometrics alone, meets it", () => {
    expect(
      run(pr, { ...admin, authenticators: [{ authenticator: "password" }, { authenticator: "webauthn" }] })
        .verdict.outcome,
    ).toBe("allow");
    expect(
      run(pr, { ...admin, authenticators: [{ authenticator: "okta_verify_fastpass", userVerified: true }] })
        .verdict.outcome,
    ).toBe("allow");
    expect(
      run(pr, { ...admin, authenticators: [{ authenticator: "okta_verify_fastpass" }] }).verdict,
    ).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
  });

  it("authenticators older than the re-authentication frequency do not count", () => {
    const aged = (s: number) => ({
      ...admin,
      authenticators: [
        { authenticator: "password" as const, ageSeconds: s },
        { authenticator: "webauthn" as const, ageSeconds: s },
      ],
    });
    const fresh = run(pr, aged(4 * 3600));
    expect(fresh.verdict.outcome).toBe("allow");
    expect(fresh.reauthentication).toEqual({ frequency: "PT4H", seconds: 14400, due: false });
    const stale = run(pr, aged(4 * 3600 + 1));
    expect(stale.verdict.outcome).toBe("mfa");
    expect(stale.reauthentication?.due).toBe(true);
  });

  it("any one constraint object suffices", () => {
    const m = model({ r: { name: "r", priority: 0, factor_mode: "1FA", constraints: HW_OR_PR } });
    expect(
      run(m, { app: APP, authenticators: [{ authenticator: "okta_verify_push" }] }).verdict.outcome,
    ).toBe("allow");
    expect(run(m, { app: APP, authenticators: [{ authenticator: "webauthn" }] }).verdict.outcome).toBe(
      "allow",
    );
    expect(run(m, { app: APP, authenticators: [{ authenticator: "sms" }] }).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["custom:okta-constraints"],
    });
    expect(
      run(m, { app: APP, authenticators: [{ authenticator: "okta_verify_push", hardwareProtected: false }] })
        .verdict.outcome,
    ).toBe("mfa");
  });

  it("constraint values it does not know are indeterminate, not ignored", () => {
    const m = model({
      r: {
        name: "r",
        priority: 0,
        constraints: [JSON.stringify({ possession: { authenticationMethods: [{ key: "x" }] } })],
      },
    });
    expect(run(m, admin).verdict.indeterminate?.[0]).toMatch(
      /okta_app_signon_policy_rule\.r constraints\[0\].*authenticationMethods/,
    );
  });
});

// "Identity Engine always evaluates both the global session policy and the authentication policy for the
// app. The resulting user experience is the union of both policies." Policy API / help about-policies.
describe("union of the global session and authentication policies", () => {
  it("GSP MFA applies even when the app rule is 1FA", () => {
    const m = oktaModel(
      {
        okta_app_signon_policy: { p: { name: "p", description: "d" } },
        okta_app_oauth: {
          a: { label: "a", type: "web", authentication_policy: ref("okta_app_signon_policy.p") },
        },
        okta_app_signon_policy_rule: {
          r: { policy_id: ref("okta_app_signon_policy.p"), name: "1fa", priority: 0, factor_mode: "1FA" },
        },
        okta_policy_rule_signon: {
          mfa: {
            policy_id: ref("data.okta_default_policy.gsp"),
            name: "mfa",
            priority: 1,
            mfa_required: true,
            mfa_prompt: "ALWAYS",
          },
        },
      },
      { okta_default_policy: { gsp: { type: "OKTA_SIGN_ON" } } },
    );
    const d = run(m, { app: "okta_app_oauth.a" });
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(d.factorMode).toBe("1FA");
  });

  it("a GSP deny denies every app", () => {
    const m = model(
      {},
      {
        okta_policy_rule_signon: {
          deny: { policy_id: ref("data.okta_default_policy.gsp"), name: "deny", priority: 1, access: "DENY" },
        },
      },
    );
    const d = run(m, admin);
    expect(d.verdict.outcome).toBe("deny");
    expect(d.authentication?.rule).toMatch(/Catch-all/);
  });
});

// Enrollment: per authenticator REQUIRED / OPTIONAL / NOT_ALLOWED, default NOT_ALLOWED (Policy API,
// "Authenticator enrollment policy"); policy choice by priority and groups like every policy.
describe("authenticator enrollment policy", () => {
  const enrollment: Blocks = {
    okta_policy_mfa_default: {
      d: { is_oie: true, okta_password: { enroll: "REQUIRED" }, okta_verify: { enroll: "REQUIRED" } },
    },
    okta_policy_mfa: {
      admins: {
        name: "Admins",
        priority: 1,
        is_oie: true,
        groups_included: [ref("okta_group.admins")],
        okta_password: { enroll: "REQUIRED" },
        fido_webauthn: { enroll: "REQUIRED" },
      },
    },
    okta_policy_rule_mfa: {
      admins: { policy_id: ref("okta_policy_mfa.admins"), name: "admins", priority: 1 },
    },
  };
  const m = model(
    {
      admins: {
        name: "Admins",
        priority: 0,
        groups_included: [ref("okta_group.admins")],
        factor_mode: "2FA",
        constraints: [PR],
      },
    },
    enrollment,
  );

  it("exposes the settings of the policy that applies to the user", () => {
    const d = run(m, admin);
    expect(d.enrollment).toMatchObject({
      status: "matched",
      policy: "okta_policy_mfa.admins",
      settings: { fido_webauthn: "REQUIRED", okta_sms: "NOT_ALLOWED" },
      requirementsEnrollable: true,
    });
    expect(run(m, { user: { id: "okta_user.x" }, app: APP }).enrollment).toMatchObject({
      policy: "okta_policy_mfa_default.d",
      settings: { okta_verify: "REQUIRED" },
    });
  });

  it("flags a requirement no enrollable authenticator can meet", () => {
    const lockout = model(
      { all: { name: "all", priority: 0, factor_mode: "2FA", constraints: [PR] } },
      {
        okta_policy_mfa_default: {
          d: { is_oie: true, okta_password: { enroll: "REQUIRED" }, okta_sms: { enroll: "OPTIONAL" } },
        },
      },
    );
    expect(run(lockout, { user: { id: "okta_user.x" }, app: APP }).enrollment).toMatchObject({
      status: "matched",
      requirementsEnrollable: false,
    });
  });

  it("without the default enrollment policy in the configuration the enrollment outcome is indeterminate, not the verdict", () => {
    const d = run(model({}), { user: { id: "okta_user.x" }, app: APP });
    expect(d.enrollment?.status).toBe("indeterminate");
    expect(d.verdict.outcome).toBe("allow");
  });
});
