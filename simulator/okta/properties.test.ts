import fc from "fast-check";
import type { Verdict } from "../decision";
import { OKTA_RISK_LEVELS, type OktaContextInput } from "./context";
import { evaluateOkta } from "./evaluate";
import { ctx, oktaModel, ref, type Blocks } from "./test-fixture";

const RUNS = 1000;
const DEFAULT = ref("data.okta_default_policy.gsp");
const data = { okta_default_policy: { gsp: { type: "OKTA_SIGN_ON" } } };
const PR = JSON.stringify({ possession: { phishingResistant: "REQUIRED" } });
const APP = "okta_app_oauth.app";
const USER = "okta_user.u";

const zones = { office: { name: "Office", type: "IP", gateways: ["203.0.113.0/24"] } };
const risk = fc.constantFrom("ANY", ...OKTA_RISK_LEVELS);
const network = fc.constantFrom("ANYWHERE", "IN_OFFICE", "NOT_OFFICE");
const networkAttrs = (n: string) =>
  n === "ANYWHERE"
    ? {}
    : {
        network_connection: "ZONE",
        [n === "IN_OFFICE" ? "network_includes" : "network_excludes"]: [ref("okta_network_zone.office")],
      };

const context = fc.record({
  risk: fc.constantFrom(...OKTA_RISK_LEVELS),
  office: fc.boolean(),
  groups: fc.subarray(["okta_group.a", "okta_group.b"]),
  authenticators: fc.subarray(["password", "okta_verify_push", "webauthn"] as const),
});
type Ctx = typeof context extends fc.Arbitrary<infer T> ? T : never;
const toContext = (c: Ctx): OktaContextInput => ({
  user: { id: USER, groups: c.groups },
  app: APP,
  risk: c.risk,
  ip: c.office ? "203.0.113.9" : "192.0.2.9",
  authenticators: c.authenticators.map((authenticator) => ({ authenticator })),
});

// Policy and rule order is by priority: "If all of the conditions associated with a Rule are met ... If
// none of the Policy Rules have conditions that can be met, then the next Policy in the list is
// considered"; priority 1 (0 for authentication policies) is evaluated first.
// Sources: https://developer.okta.com/docs/concepts/policies/ ; https://developer.okta.com/docs/guides/policy-rule-prioritization/main
describe("property: priority order decides, not declaration order", () => {
  const gspRule = fc.record({ risk, network, excluded: fc.boolean(), deny: fc.boolean(), mfa: fc.boolean() });
  const scenario = fc.array(gspRule, { minLength: 1, maxLength: 6 }).chain((rules) =>
    fc.record({
      rules: fc.constant(rules),
      priorities: fc.shuffledSubarray(
        [...Array(rules.length + 4).keys()].map((p) => p + 1),
        { minLength: rules.length, maxLength: rules.length },
      ),
      declaration: fc.shuffledSubarray([...rules.keys()], {
        minLength: rules.length,
        maxLength: rules.length,
      }),
      context,
    }),
  );

  it("gives the same decision for every declaration order, and the matched rule is the highest-priority match", () => {
    fc.assert(
      fc.property(scenario, ({ rules, priorities, declaration, context: c }) => {
        const attrs = rules.map((r, i) => ({
          policy_id: DEFAULT,
          name: `r${i}`,
          priority: priorities[i],
          risk_level: r.risk,
          users_excluded: r.excluded ? [USER] : [],
          access: r.deny ? "DENY" : "ALLOW",
          ...(r.mfa && !r.deny ? { mfa_required: true, mfa_prompt: "ALWAYS" } : {}),
          ...networkAttrs(r.network),
        }));
        const build = (order: readonly number[]) =>
          oktaModel(
            {
              okta_network_zone: zones,
              okta_policy_rule_signon: Object.fromEntries(order.map((i) => [`r${i}`, attrs[i]])),
            },
            data,
          );
        const context1 = ctx({ ...toContext(c), app: undefined });
        const declared = evaluateOkta(build([...rules.keys()]), context1);
        const shuffled = evaluateOkta(build(declaration), context1);
        expect(shuffled.verdict).toEqual(declared.verdict);
        expect(shuffled.globalSession?.rule).toEqual(declared.globalSession?.rule);

        const matches = (r: (typeof rules)[number]) =>
          (r.risk === "ANY" || r.risk === c.risk) &&
          !r.excluded &&
          (r.network === "ANYWHERE" || (r.network === "IN_OFFICE") === c.office);
        const expected = rules
          .map((r, i) => ({ r, i }))
          .filter(({ r }) => matches(r))
          .sort((x, y) => priorities[x.i] - priorities[y.i])[0];
        expect(declared.globalSession?.rule).toBe(
          expected ? `okta_policy_rule_signon.r${expected.i}` : "data.okta_default_policy.gsp Default Rule",
        );
      }),
      { numRuns: RUNS },
    );
  });
});

const STRENGTH = ["1FA", "2FA", "PR", "DENY"] as const;
type Strength = (typeof STRENGTH)[number];

function rank(v: Verdict): number {
  if (v.outcome === "allow") return 0;
  if (v.outcome === "mfa") return v.requires?.includes("phishing-resistant") ? 2 : 1;
  if (v.outcome === "deny") return 3;
  return Number.NaN;
}

describe("property: excluding a user never makes the outcome stricter", () => {
  const appRule = fc.record({
    strength: fc.constantFrom(...STRENGTH),
    risk,
    network,
    groups: fc.subarray(["okta_group.a", "okta_group.b"]),
  });
  const gspRule = fc.record({ strength: fc.constantFrom("ALLOW", "MFA", "DENY"), risk, network });
  const scenario = fc.record({
    app: fc.array(appRule, { maxLength: 5 }),
    gsp: fc.array(gspRule, { maxLength: 4 }),
    exclude: fc.nat(),
    context,
  });

  /**
   * Rules are ordered strictest first, the shape of a baseline (deny and phishing-resistant rules before
   * the general ones, a lenient catch-all last). Under first-match semantics the claim needs that shape:
   * excluding a user from a lenient rule in front of a stricter one can only make things stricter (see
   * the pinned counterexample below).
   */
  interface Baseline {
    readonly app: readonly { strength: Strength; risk: string; network: string; groups: string[] }[];
    readonly gsp: readonly { strength: string; risk: string; network: string }[];
  }

  function build(s: Baseline, exclude?: number) {
    const app = [...s.app].sort((x, y) => STRENGTH.indexOf(y.strength) - STRENGTH.indexOf(x.strength));
    const gspOrder = ["DENY", "MFA", "ALLOW"];
    const gsp = [...s.gsp].sort((x, y) => gspOrder.indexOf(x.strength) - gspOrder.indexOf(y.strength));
    const appRules: Blocks[string] = {};
    app.forEach((r, i) => {
      appRules[`a${i}`] = {
        policy_id: ref("okta_app_signon_policy.p"),
        name: `a${i}`,
        priority: i,
        risk_score: r.risk,
        groups_included: r.groups.map(ref),
        users_excluded: exclude === i ? [USER] : [],
        access: r.strength === "DENY" ? "DENY" : "ALLOW",
        factor_mode: r.strength === "1FA" ? "1FA" : "2FA",
        constraints: r.strength === "PR" ? [PR] : [],
        ...networkAttrs(r.network),
      };
    });
    const gspRules: Blocks[string] = {};
    gsp.forEach((r, i) => {
      gspRules[`g${i}`] = {
        policy_id: DEFAULT,
        name: `g${i}`,
        priority: i + 1,
        risk_level: r.risk,
        users_excluded: exclude === app.length + i ? [USER] : [],
        access: r.strength === "DENY" ? "DENY" : "ALLOW",
        ...(r.strength === "MFA" ? { mfa_required: true, mfa_prompt: "ALWAYS" } : {}),
        ...networkAttrs(r.network),
      };
    });
    return oktaModel(
      {
        okta_group: { a: { name: "A" }, b: { name: "B" } },
        okta_network_zone: zones,
        okta_app_signon_policy: { p: { name: "p", description: "d" } },
        okta_app_oauth: {
          app: { label: "app", type: "web", authentication_policy: ref("okta_app_signon_policy.p") },
        },
        okta_app_signon_policy_rule: appRules,
        okta_policy_rule_signon: gspRules,
      },
      data,
    );
  }

  it("holds for every rule a user is excluded from, on baselines ordered strictest first", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = ctx(toContext(s.context));
        const before = evaluateOkta(build(s), c).verdict;
        const total = s.app.length + s.gsp.length;
        const after = evaluateOkta(build(s, total === 0 ? undefined : s.exclude % total), c).verdict;
        expect(before.outcome).not.toBe("indeterminate");
        expect(after.outcome).not.toBe("indeterminate");
        expect(rank(after)).toBeLessThanOrEqual(rank(before));
      }),
      { numRuns: RUNS },
    );
  });

  it("does not hold unconditionally: excluding a user from a lenient rule in front of a deny makes it stricter", () => {
    const m = (excluded: string[]) =>
      oktaModel(
        {
          okta_app_signon_policy: { p: { name: "p", description: "d", catch_all: false } },
          okta_app_oauth: {
            app: { label: "app", type: "web", authentication_policy: ref("okta_app_signon_policy.p") },
          },
          okta_app_signon_policy_rule: {
            ok: {
              policy_id: ref("okta_app_signon_policy.p"),
              name: "ok",
              priority: 0,
              factor_mode: "1FA",
              users_excluded: excluded,
            },
          },
        },
        data,
      );
    expect(evaluateOkta(m([]), ctx({ user: { id: USER }, app: APP })).verdict.outcome).toBe("allow");
    expect(evaluateOkta(m([USER]), ctx({ user: { id: USER }, app: APP })).verdict.outcome).toBe("deny");
  });
});
