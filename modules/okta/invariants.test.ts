import fc from "fast-check";
import { Testing } from "cdktf";
import { guardFindings } from "../guards";
import type { BaselineSpecInput } from "../spec";
import { parseBaselineSpec } from "../spec";
import { exampleOrg } from "../../stacks/example-org";
import { OktaBaselineStack } from "../../stacks/okta";
import { resourcesOf, type Attrs } from "./test-support";

const BG_POOL = ["00u1breakglass0000x1", "00u1breakglass0000x2", "00u1breakglass0000x3"];
const mfaClass = fc.constantFrom("phishing-resistant" as const, "any-mfa" as const).map((mfa) => ({ mfa }));
const group = (name: string, id: string) => fc.constantFrom({ create: { name } }, { id });

const specInput: fc.Arbitrary<BaselineSpecInput> = fc
  .record({
    trustedCount: fc.integer({ min: 0, max: 3 }),
    blockedCountries: fc.subarray(["KP", "IR", "SY", "CU", "RU"]),
    anonymisers: fc.constantFrom("block" as const, "require-mfa" as const, "ignore" as const),
    high: fc.constantFrom("block" as const, "mfa" as const),
    tiers: fc.record({ administrators: mfaClass, employees: mfaClass, contractors: mfaClass }),
    breakGlass: fc.subarray(BG_POOL, { minLength: 1 }),
    groups: fc.record({
      administrators: group("Admins", "00gadmins00000000001"),
      employees: group("Employees", "00gemployees00000001"),
      contractors: group("Contractors", "00gcontractors000001"),
    }),
    adminApps: fc.subarray(["0oa1awsconsole00000x", "0oa1oktaadmin000000x"]),
    generalApps: fc.subarray(["0oa1slack0000000000x", "0oa1github000000000x"]),
    threatInsight: fc.constantFrom("none" as const, "audit" as const, "block" as const),
    adminHours: fc.integer({ min: 1, max: 24 }),
    userHours: fc.integer({ min: 1, max: 720 }),
  })
  .map((o) => ({
    ...exampleOrg,
    tiers: { ...o.tiers, ci: { mfa: "compensating-controls" as const } },
    networks: {
      trusted: Array.from({ length: o.trustedCount }, (_, i) => ({
        name: `Net ${i}`,
        cidrs: [`192.0.2.${i * 16}/28`],
      })),
      blockedCountries: o.blockedCountries,
      anonymisers: o.anonymisers,
    },
    risk: { signIn: { medium: "mfa" as const, high: o.high }, user: { high: "password-change" as const } },
    sessions: {
      ...exampleOrg.sessions!,
      adminSignInFrequencyHours: o.adminHours,
      userSessionHours: o.userHours,
    },
    okta: {
      breakGlassUserIds: o.breakGlass,
      groups: o.groups,
      adminApps: o.adminApps,
      generalApps: o.generalApps,
      threatInsight: o.threatInsight,
    },
  }));

const CONDITIONS = [
  "users_excluded",
  "network_includes",
  "network_excludes",
  "behaviors",
  "risk_score",
  "groups_included",
];

function rulesByPolicy(rules: Attrs[]): Map<unknown, Attrs[]> {
  const byPolicy = new Map<unknown, Attrs[]>();
  for (const r of rules) byPolicy.set(r.policy_id, [...(byPolicy.get(r.policy_id) ?? []), r]);
  for (const list of byPolicy.values()) list.sort((a, b) => Number(a.priority) - Number(b.priority));
  return byPolicy;
}

describe("Okta baseline invariants over spec variations", () => {
  it("never locks out break-glass, orders rules contiguously and ends every policy in an unconditional MFA rule", () => {
    fc.assert(
      fc.property(specInput, (input) => {
        const spec = parseBaselineSpec(input);
        const stack = new OktaBaselineStack(Testing.app(), "okta-baseline", spec);
        const out = Testing.synth(stack);
        expect(guardFindings(stack)).toEqual([]);

        const signon = resourcesOf(out, "okta_policy_rule_signon");
        const app = resourcesOf(out, "okta_app_signon_policy_rule");
        for (const rule of [...signon, ...app].filter((r) => r.access === "DENY")) {
          expect(rule.users_excluded).toEqual(expect.arrayContaining(spec.okta!.breakGlassUserIds));
        }
        // Behaviours may only raise an MFA prompt (help.okta.com …/add-rule-behavior-detection.htm).
        for (const rule of signon.filter((r) => r.behaviors !== undefined)) expect(rule.access).toBe("ALLOW");

        for (const [rules, first] of [
          [signon, 1],
          [app, 0],
        ] as const) {
          for (const list of rulesByPolicy(rules).values()) {
            expect(list.map((r) => r.priority)).toEqual(list.map((_, i) => i + first));
            const last = list[list.length - 1];
            expect(last.access).toBe("ALLOW");
            for (const c of CONDITIONS) expect(last[c]).toBeUndefined();
            if (first === 1) expect(last.mfa_required).toBe(true);
            else expect(last.factor_mode).toBe("2FA");
          }
        }
        expect(resourcesOf(out, "okta_network_zone").every((z) => z.usage === "POLICY")).toBe(true);
        expect(resourcesOf(out, "okta_threat_insight_settings")[0].action).toBe(spec.okta!.threatInsight);
      }),
      { numRuns: 150 },
    );
  });
});
