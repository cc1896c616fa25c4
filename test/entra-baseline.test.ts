/**
 * The example organisation's synthesized Entra baseline, evaluated as Conditional Access documents it
 * (rules and sources: ../shared/reference/entra-conditional-access.md). Reads the Terraform JSON the
 * stack synthesizes (cdktf.out/stacks/entra-baseline/cdk.tf.json), through the loader.
 */
import { fc, test as fcTest } from "@fast-check/jest";
import {
  compileEntra,
  evaluateEntra,
  parseEntraContext,
  type EntraContextInput,
  type EntraDecision,
  type EntraModel,
} from "../simulator/entra";
import { parseBaselineSpec, rolloutOf, type EntraPolicyKey } from "../modules/spec";
import { STACK_NAMES } from "../stacks";
import { exampleOrg } from "../stacks/example-org";
import { exampleSynth } from "./support/example-synth";

const BREAK_GLASS = ["8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a61", "8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a62"];
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const EXCHANGE = "00000002-0000-0ff1-ce00-000000000000";
const AZURE_MANAGEMENT = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
const OFFICE_IP = "203.0.113.40"; // London office, trusted
const HOME_IP = "192.0.2.10";

let model: EntraModel;
beforeAll(() => {
  const tf = exampleSynth().get(STACK_NAMES.entra);
  if (!tf) throw new Error(`the example organisation synthesizes no ${STACK_NAMES.entra} stack`);
  model = compileEntra(tf);
});

/** The policy address for a baseline policy key (`mfa-all-users` → `azuread_conditional_access_policy.mfa_all_users`). */
const policy = (key: string) => {
  const address = `azuread_conditional_access_policy.${key.replace(/-/g, "_")}`;
  if (!model.policies.some((x) => x.address === address)) throw new Error(`no policy ${address}`);
  return address;
};
const evaluate = (ctx: EntraContextInput): EntraDecision =>
  evaluateEntra(model, parseEntraContext(ctx), { trace: true });
const employee = (extra: Partial<EntraContextInput> = {}): EntraContextInput => ({
  user: { id: "azuread_user.alice" },
  application: EXCHANGE,
  ip: HOME_IP,
  country: "GB",
  ...extra,
});
const pushed = { methods: ["password" as const, "microsoftAuthenticatorPush" as const] };

test("the example baseline compiles without errors or unreadable parts", () => {
  expect(model.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(model.policies.length).toBeGreaterThanOrEqual(12);
});

// R7: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups — exclusion overrides inclusion
describe("break-glass", () => {
  const anyContext = fc.record({
    id: fc.constantFrom(...BREAK_GLASS),
    roles: fc.subarray([GLOBAL_ADMIN]),
    app: fc.constantFrom(
      EXCHANGE,
      AZURE_MANAGEMENT,
      "11111111-1111-1111-1111-111111111111",
      "urn:user:registersecurityinfo",
    ),
    clientApp: fc.constantFrom("browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"),
    platform: fc.constantFrom("windows", "macOS", "unknown"),
    country: fc.option(fc.constantFrom("GB", "KP"), { nil: undefined }),
    signInRisk: fc.constantFrom("none", "medium", "high"),
    userRisk: fc.constantFrom("none", "high"),
    flow: fc.option(fc.constant("deviceCodeFlow" as const), { nil: undefined }),
  });

  fcTest.prop([anyContext], { numRuns: 1000 })(
    "is never blocked and never asked for more, whatever the sign-in",
    (c) => {
      const d = evaluate({
        user: { id: c.id, roles: c.roles },
        ...(c.app.startsWith("urn:")
          ? { userAction: c.app as "urn:user:registersecurityinfo" }
          : { application: c.app }),
        clientApp: c.clientApp as "browser",
        platform: c.platform as "windows",
        country: c.country,
        signInRisk: c.signInRisk as "none",
        userRisk: c.userRisk as "none",
        authenticationFlow: c.flow,
        ip: HOME_IP,
      });
      expect(d.verdict.outcome).toBe("allow");
      expect(d.applied.filter((a) => a.result !== "success")).toEqual([]);
    },
  );
});

describe("employees", () => {
  // R17/R22: the built-in MFA strength on All resources
  test("need MFA; password + Authenticator push satisfies it", () => {
    const d = evaluate(employee());
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(d.requiredControls[0].policies).toEqual([policy("mfa-all-users")]);
    expect(evaluate(employee({ satisfied: pushed })).verdict.outcome).toBe("allow");
  });

  // R10: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions — legacy authentication
  test("legacy authentication is blocked", () => {
    for (const clientApp of ["exchangeActiveSync", "other"] as const) {
      const d = evaluate(employee({ clientApp, satisfied: pushed }));
      expect(d.verdict.outcome).toBe("deny");
      expect(d.verdict.summary).toContain(policy("block-legacy-auth"));
    }
  });
});

// R13: https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-risk — exact risk sets
describe("risk", () => {
  test("medium sign-in risk needs MFA, high is blocked", () => {
    expect(evaluate(employee({ signInRisk: "medium" })).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["mfa"],
    });
    expect(evaluate(employee({ signInRisk: "medium", satisfied: pushed })).verdict.outcome).toBe("allow");
    const high = evaluate(employee({ signInRisk: "high", satisfied: pushed }));
    expect(high.verdict.outcome).toBe("deny");
    expect(high.verdict.summary).toContain(policy("sign-in-risk-high-block"));
    expect(
      evaluate(employee({ signInRisk: "medium", satisfied: pushed })).sessionControls.signInFrequency,
    ).toMatchObject({ kind: "everyTime" });
  });

  test("high user risk needs MFA and a secure password change (R21, conditionalaccessgrantcontrols)", () => {
    expect(evaluate(employee({ userRisk: "high", satisfied: pushed })).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["password-change"],
    });
    expect(evaluate(employee({ userRisk: "high" })).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["mfa", "password-change"],
    });
    expect(
      evaluate(employee({ userRisk: "high", satisfied: { ...pushed, passwordChanged: true } })).verdict
        .outcome,
    ).toBe("allow");
  });
});

// R22: https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths
describe("administrators", () => {
  const admin = (extra: Partial<EntraContextInput> = {}) =>
    employee({
      user: { id: "azuread_user.root", roles: [GLOBAL_ADMIN] },
      application: AZURE_MANAGEMENT,
      ...extra,
    });

  test("need phishing-resistant MFA: push is not enough, FIDO2 or Windows Hello is", () => {
    const d = evaluate(admin({ satisfied: pushed }));
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["phishing-resistant"] });
    expect(d.requiredControls.map((r) => r.policies)).toEqual([[policy("admins-phishing-resistant")]]);
    expect(evaluate(admin({ satisfied: { methods: ["fido2"] } })).verdict.outcome).toBe("allow");
    expect(evaluate(admin({ satisfied: { methods: ["windowsHelloForBusiness"] } })).verdict.outcome).toBe(
      "allow",
    );
  });

  // R23: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-session
  test("get a 4-hour sign-in frequency and no persistent browser", () => {
    const s = evaluate(admin({ satisfied: { methods: ["fido2"] } })).sessionControls;
    expect(s.signInFrequency).toMatchObject({
      kind: "timeBased",
      hours: 4,
      policies: [policy("admin-session")],
    });
    expect(s.persistentBrowser).toEqual({ mode: "never", policies: [policy("admin-session")] });
  });
});

// R12: https://learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network
describe("trusted locations", () => {
  test("security info registration is allowed from the trusted office without MFA, elsewhere it needs MFA", () => {
    const reg = (ip: string) =>
      evaluate({
        user: { id: "azuread_user.newhire" },
        userAction: "urn:user:registersecurityinfo",
        ip,
        country: "GB",
      });
    expect(reg(OFFICE_IP).verdict.outcome).toBe("allow");
    expect(reg("2001:db8:100::5").verdict.outcome).toBe("allow");
    expect(reg(HOME_IP).verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(reg(OFFICE_IP).notApplied).toContainEqual({
      address: policy("security-info-registration"),
      state: "enabled",
      reason: "location",
    });
  });
});

// R3/R4: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only
// Each case follows the example's rollout: a report-only policy reports a failure and never blocks; an
// enforced one blocks.
describe("report-only versus enforced", () => {
  const spec = parseBaselineSpec(exampleOrg);
  const label = (d: EntraDecision, key: string) => d.reportOnly.find((r) => r.address === policy(key))?.label;
  const cases: [EntraPolicyKey, string, EntraContextInput][] = [
    [
      "block-device-code-flow",
      "block-device-code-flow",
      employee({ authenticationFlow: "deviceCodeFlow", satisfied: pushed }),
    ],
    [
      "block-unknown-platforms",
      "block-unknown-platforms",
      employee({ platform: "unknown", satisfied: pushed }),
    ],
    ["block-countries", "block-countries", employee({ country: "KP", satisfied: pushed })],
  ];

  test.each(cases)("%s: blocks when enforced, reports a failure when report-only", (key, id, ctx) => {
    const d = evaluate(ctx);
    if (rolloutOf(spec, key).mode === "report-only") {
      expect(d.verdict.outcome).toBe("allow");
      expect(label(d, id)).toBe("Report-only: Failure");
    } else {
      expect(d.verdict.outcome).toBe("deny");
      expect(d.verdict.summary).toContain(policy(id));
    }
  });

  test("the example has both kinds, and a report-only policy never changes the verdict", () => {
    const modes = new Set(cases.map(([key]) => rolloutOf(spec, key).mode));
    expect(modes).toEqual(new Set(["report-only", "enforce"]));
    const ok = evaluate(employee({ satisfied: pushed }));
    expect(ok.verdict.outcome).toBe("allow");
    expect(ok.reportOnly.map((r) => r.label)).toEqual(ok.reportOnly.map(() => "Report-only: Not applied"));
  });

  test("an IP that maps to no country is not in the blocked-countries location (include_unknown_countries_and_regions = false)", () => {
    const d = evaluate(employee({ country: undefined, satisfied: pushed }));
    expect(d.verdict.outcome).toBe("allow");
    expect(d.notApplied.find((n) => n.address === policy("block-countries"))?.reason).toBe("location");
  });
});

describe("guests and contractors", () => {
  test("guests need MFA (both policies apply and must be satisfied, R18)", () => {
    const d = evaluate({ user: { id: "guest-1", type: "guest" }, application: EXCHANGE });
    expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(d.requiredControls[0].policies).toEqual(
      expect.arrayContaining([policy("mfa-all-users"), policy("mfa-guests")]),
    );
    expect(
      evaluate({
        user: { id: "guest-1", type: "guest" },
        application: EXCHANGE,
        satisfied: { methods: ["password", "sms"] },
      }).verdict.outcome,
    ).toBe("allow");
  });

  test("contractors group members meet the guests policy", () => {
    const groupAddress = "azuread_group.group_contractors";
    const groupKey = [
      ...new Set(
        model.policies.flatMap((p) =>
          p.users && !("unreadable" in p.users) ? [...p.users.include.groups] : [],
        ),
      ),
    ].find((g) => g.startsWith(groupAddress));
    expect(groupKey).toBeDefined();
    const d = evaluate(employee({ user: { id: "azuread_user.carol", groups: [groupKey as string] } }));
    expect(d.applied.map((a) => a.address)).toContain(policy("mfa-guests"));
  });
});
