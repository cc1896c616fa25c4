/**
 * The Okta evaluator over the synthesized example baseline (stacks/example-org.ts → cdktf synth →
 * cdk.tf.json → loader → compileOkta): what happens to the example organisation's people.
 */
import fc from "fast-check";
import type { TerraformModel } from "../simulator/terraform";
import { STACK_NAMES } from "../stacks";
import { exampleSynth } from "./support/example-synth";
import {
  compileOkta,
  evaluateOkta,
  OKTA_RISK_LEVELS,
  parseOktaContext,
  type OktaContextInput,
  type OktaDecision,
} from "../simulator/okta";

const tf = exampleSynth().get(STACK_NAMES.okta) as TerraformModel;
const model = compileOkta(tf);

/** The address of the resource of `type` whose `name` attribute is `name` (addresses carry cdktf hashes). */
function named(type: string, name: string): string {
  const hit = tf.resourcesOfType(type).find((r) => r.values.name === name);
  if (!hit) throw new Error(`no ${type} named "${name}" in the synthesized stack`);
  return hit.address;
}

const ADMINS = named("okta_group", "Example Corp Administrators");
const EMPLOYEES = named("okta_group", "Example Corp Employees");
const BREAK_GLASS = "00u1breakglass0000x1";
const AWS_CONSOLE = "0oa1awsconsole00000x";
const SLACK = "0oa1slack0000000000x";
const LONDON = "203.0.113.20";
const HOME = "192.0.2.77";

const admin = { user: { id: "okta_user.ada", groups: [ADMINS] } };
const employee = { user: { id: "okta_user.eve", groups: [EMPLOYEES] } };
const pushAgo = (s: number) => [
  { authenticator: "password" as const, ageSeconds: s },
  { authenticator: "okta_verify_push" as const, ageSeconds: s },
];

function run(input: OktaContextInput): OktaDecision {
  return evaluateOkta(model, parseOktaContext(input), { trace: true });
}

describe("example baseline on Okta", () => {
  it("compiles without unreadable resources", () => {
    expect(model.globalSessionProblems).toEqual([]);
    expect(model.enrollmentProblems).toEqual([]);
    expect([...model.zones.values()].filter((z) => "unreadable" in z.def)).toEqual([]);
  });

  it("blocked country: the workforce and administrators are denied by the deny rule", () => {
    for (const who of [employee, admin]) {
      const d = run({ ...who, app: SLACK, country: "KP", ip: HOME });
      expect(d.verdict.outcome).toBe("deny");
      expect(d.globalSession?.rule).toMatch(/deny_blocked_countries/);
    }
  });

  it("anonymiser: Tor and anonymising proxies are denied", () => {
    expect(run({ ...employee, app: SLACK, ip: HOME, anonymizer: "tor" }).verdict.outcome).toBe("deny");
    expect(
      run({ ...admin, app: AWS_CONSOLE, ip: HOME, anonymizer: "anonymizing-proxy" }).globalSession?.rule,
    ).toMatch(/deny_anonymisers/);
  });

  // A user in no tier group (a partner, or someone not yet put in a tier) reaches the policy assigned to
  // the built-in Everyone group, which "contains all users in your Okta org"
  // (https://help.okta.com/en-us/content/topics/users-groups-profiles/usgp-group-types.htm).
  it("a user in no tier group is denied from a blocked country and behind Tor, and needs MFA elsewhere, the office included", () => {
    const partner = { user: { id: "00u1partner00000pat1" } };
    const kp = run({ ...partner, app: SLACK, country: "KP", ip: HOME, authenticators: pushAgo(0) });
    expect(kp.verdict.outcome).toBe("deny");
    expect(kp.globalSession?.rule).toMatch(/session_everyone_deny_blocked_countries/);
    expect(run({ ...partner, app: SLACK, ip: HOME, anonymizer: "tor" }).globalSession?.rule).toMatch(
      /session_everyone_deny_anonymisers/,
    );
    for (const ip of [HOME, LONDON]) {
      const d = run({ ...partner, ip, authenticators: [{ authenticator: "password" }] });
      expect(d.globalSession?.rule).toMatch(/session_everyone_anywhere_mfa/);
      expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
      expect(d.assumptions).toEqual([]);
    }
  });

  it("employees on the trusted network get no session MFA prompt, but the app still asks for 2FA", () => {
    const onNet = run({ ...employee, app: SLACK, ip: LONDON });
    expect(onNet.globalSession?.rule).toMatch(/trusted_networks_no_mfa_prompt/);
    expect(onNet.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(run({ ...employee, app: SLACK, ip: LONDON, authenticators: pushAgo(3600) }).verdict.outcome).toBe(
      "allow",
    );
  });

  it("employees off the network need MFA within the session MFA lifetime", () => {
    const d = run({ ...employee, app: SLACK, ip: HOME, authenticators: pushAgo(3600) });
    expect(d.globalSession?.rule).toMatch(/everywhere_else_mfa/);
    expect(d.verdict.outcome).toBe("allow");
    expect(
      run({ ...employee, app: SLACK, ip: HOME, authenticators: pushAgo(13 * 3600) }).verdict.outcome,
    ).toBe("mfa");
  });

  it("administrators need MFA on every sign-in, on and off the network", () => {
    for (const ip of [LONDON, HOME]) {
      const d = run({ ...admin, ip, authenticators: pushAgo(60) });
      expect(d.globalSession?.rule).toMatch(/administrators_mfa_every_sign_in/);
      expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    }
  });

  it("admin apps need phishing-resistant MFA, from anyone, on or off the network", () => {
    for (const who of [admin, employee]) {
      for (const ip of [LONDON, HOME]) {
        const push = run({ ...who, app: AWS_CONSOLE, ip, authenticators: pushAgo(0) });
        expect(push.verdict.requires).toContain("phishing-resistant");
        const key = run({
          ...who,
          app: AWS_CONSOLE,
          ip,
          authenticators: [{ authenticator: "password" }, { authenticator: "webauthn" }],
        });
        expect(key.verdict.outcome).toBe("allow");
        expect(key.authentication?.rule).toMatch(/phishing_resistant_mfa/);
      }
    }
  });

  it("administrators need phishing-resistant MFA for general apps too", () => {
    expect(run({ ...admin, app: SLACK, ip: LONDON, authenticators: pushAgo(0) }).verdict.requires).toContain(
      "phishing-resistant",
    );
    expect(run({ ...employee, app: SLACK, ip: LONDON, authenticators: pushAgo(0) }).verdict.outcome).toBe(
      "allow",
    );
  });

  it("high sign-in risk is denied for apps; medium risk asks for MFA on every sign-in", () => {
    expect(
      run({ ...employee, app: SLACK, ip: LONDON, risk: "HIGH", authenticators: pushAgo(0) }).verdict.outcome,
    ).toBe("deny");
    const medium = run({ ...employee, app: SLACK, ip: LONDON, risk: "MEDIUM", authenticators: pushAgo(60) });
    expect(medium.reauthentication).toMatchObject({ frequency: "PT0S", due: true });
    expect(medium.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
  });

  it("a new country (or impossible travel) asks for MFA at every sign-in even on the trusted network", () => {
    const d = run({
      ...employee,
      app: SLACK,
      ip: LONDON,
      behaviors: ["new-country"],
      authenticators: pushAgo(600),
    });
    expect(d.globalSession?.rule).toMatch(/new_country_or_impossible_travel_mfa/);
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(
      run({ ...employee, app: SLACK, ip: LONDON, behaviors: ["velocity"], authenticators: pushAgo(0) })
        .verdict.outcome,
    ).toBe("allow");
  });

  it("break-glass: from a blocked country, behind Tor, at high risk, still reaches the admin app with 2FA", () => {
    const d = run({
      user: { id: BREAK_GLASS },
      app: AWS_CONSOLE,
      country: "KP",
      anonymizer: "tor",
      risk: "HIGH",
      authenticators: pushAgo(0),
    });
    expect(d.verdict.outcome).toBe("allow");
    expect(d.authentication?.rule).toMatch(/break_glass_and_fallback_2fa/);
  });

  // ThreatInsight runs before every policy and has no user exclusions, only excluded zones
  // (https://help.okta.com/en-us/content/topics/security/threat-insight/configure-threatinsight.htm).
  it("ThreatInsight block stops break-glass on a suspicious IP off the trusted networks, not on them", () => {
    expect(
      run({ user: { id: BREAK_GLASS }, app: AWS_CONSOLE, ip: HOME, threatSuspected: true }),
    ).toMatchObject({
      verdict: { outcome: "deny" },
      blockedBy: tf.resourcesOfType("okta_threat_insight_settings")[0].address,
    });
    expect(
      run({ user: { id: BREAK_GLASS }, app: AWS_CONSOLE, ip: LONDON, threatSuspected: true }).verdict.outcome,
    ).toBe("mfa");
  });

  it("property: break-glass on an IP ThreatInsight does not flag is never denied nor indeterminate, and can always finish sign-in with a security key", () => {
    const context = fc.record({
      app: fc.constantFrom(AWS_CONSOLE, SLACK, undefined),
      ip: fc.constantFrom(LONDON, HOME, "198.51.100.9", "2001:db8:100::1", undefined),
      country: fc.constantFrom("GB", "KP", "US", undefined),
      anonymizer: fc.constantFrom("none", "tor", "anonymizing-proxy"),
      risk: fc.constantFrom(...OKTA_RISK_LEVELS),
      behaviors: fc.subarray(["new-country", "velocity", "new-device"]),
    });
    fc.assert(
      fc.property(context, (c) => {
        const base = { user: { id: BREAK_GLASS }, ...c };
        const d = run(base);
        expect(["allow", "mfa"]).toContain(d.verdict.outcome);
        const withKey = run({
          ...base,
          authenticators: [{ authenticator: "password" }, { authenticator: "webauthn", userVerified: true }],
        });
        expect(withKey.verdict.outcome).toBe("allow");
      }),
      { numRuns: 1000 },
    );
  });

  it("every tier can enroll what its sign-in requires", () => {
    const a = run({ ...admin, app: AWS_CONSOLE, ip: HOME });
    expect(a.enrollment).toMatchObject({
      status: "matched",
      settings: { webauthn: "REQUIRED" },
      requirementsEnrollable: true,
    });
    const e = run({ ...employee, app: SLACK, ip: HOME });
    expect(e.enrollment).toMatchObject({ status: "matched", requirementsEnrollable: true });
  });
});
