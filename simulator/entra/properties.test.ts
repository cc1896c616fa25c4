/**
 * Properties of Conditional Access as documented (https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies):
 * all applying policies must be satisfied and block wins (R18, R19), so order cannot matter; exclusion
 * overrides inclusion (R7, concept-conditional-access-users-groups), so adding one cannot add requirements;
 * report-only and disabled policies are never enforced (R3, concept-conditional-access-report-only).
 */
import fc from "fast-check";
import type { TfObject, TfValue } from "../terraform/model";
import { contextArb, NAMED_LOCATIONS, policyArb, tenantArb, UNIVERSE } from "./arbitraries";
import { compileEntra } from "./compile";
import { parseEntraContext, type EntraContextInput } from "./context";
import type { EntraDecision } from "./decision";
import { evaluateEntra } from "./evaluate";
import { sym, terraformModel } from "./testing";

const RUNS = { numRuns: 1000 };
const RANK = { allow: 0, mfa: 1, deny: 2 } as const;

function decide(resources: Record<string, TfObject>, context: EntraContextInput): EntraDecision {
  const d = evaluateEntra(compileEntra(terraformModel(resources)), parseEntraContext(context));
  if (d.verdict.outcome === "indeterminate")
    throw new Error(`unexpected indeterminate: ${d.verdict.summary}`);
  return d;
}

const requiredKeys = (d: EntraDecision) =>
  new Set(d.requiredControls.map((r) => `${r.kind}|${r.requirement}`));

/** `after` asks for nothing `before` did not: a weaker or equal outcome, and for MFA a subset of the controls. */
function notStricter(after: EntraDecision, before: EntraDecision): boolean {
  const a = RANK[after.verdict.outcome as keyof typeof RANK];
  const b = RANK[before.verdict.outcome as keyof typeof RANK];
  if (a !== b) return a < b;
  if (after.verdict.outcome !== "mfa") return true;
  const was = requiredKeys(before);
  return [...requiredKeys(after)].every((k) => was.has(k));
}

const normalised = (d: EntraDecision) => ({
  outcome: d.verdict.outcome,
  requires: d.verdict.requires,
  applied: [...d.applied].sort((x, y) => x.address.localeCompare(y.address)),
  reportOnly: [...d.reportOnly].sort((x, y) => x.address.localeCompare(y.address)),
  notApplied: [...d.notApplied].sort((x, y) => x.address.localeCompare(y.address)),
  required: d.requiredControls.map((r) => ({ ...r, policies: [...r.policies].sort() })),
  frequency: d.sessionControls.signInFrequency && {
    ...d.sessionControls.signInFrequency,
    policies: [...d.sessionControls.signInFrequency.policies].sort(),
  },
  browser: d.sessionControls.persistentBrowser?.mode,
});

const policyKeys = (t: Record<string, TfObject>) =>
  Object.keys(t).filter((k) => k.startsWith("azuread_conditional_access_policy."));

function withPolicy(
  t: Record<string, TfObject>,
  key: string,
  change: (p: Record<string, TfValue>) => void,
): Record<string, TfObject> {
  const p = structuredCloneTf(t[key]) as Record<string, TfValue>;
  change(p);
  return { ...t, [key]: p };
}

/** Deep copy that keeps symbol instances. */
function structuredCloneTf(v: TfValue): TfValue {
  if (Array.isArray(v)) return v.map(structuredCloneTf);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCloneTf(x as TfValue)]));
  }
  return v;
}

const exclusionArb = fc.oneof(
  fc
    .constantFrom(...UNIVERSE.users, "azuread_user.other")
    .map((u) => ["users", "excluded_users", u as TfValue] as const),
  fc.constantFrom(...UNIVERSE.groups).map((g) => ["users", "excluded_groups", sym(g) as TfValue] as const),
  fc.constantFrom(...UNIVERSE.roles).map((r) => ["users", "excluded_roles", r as TfValue] as const),
  fc
    .constantFrom(...UNIVERSE.apps, "Office365")
    .map((a) => ["applications", "excluded_applications", a as TfValue] as const),
  fc
    .constantFrom("android", "iOS", "windows", "macOS", "linux")
    .map((p) => ["platforms", "excluded_platforms", p as TfValue] as const),
  fc
    .constantFrom<TfValue>(
      "AllTrusted",
      sym("azuread_named_location.partner", "id"),
      sym("azuread_named_location.blocked", "id"),
    )
    .map((l) => ["locations", "excluded_locations", l] as const),
);

describe("Conditional Access properties", () => {
  test("the result does not depend on policy order", () => {
    fc.assert(
      fc.property(tenantArb(2, 10), contextArb, fc.nat(), (tenant, ctx, seed) => {
        const keys = policyKeys(tenant);
        const shuffled = [...keys].sort(
          (a, b) =>
            ((a.length * 31 + seed) % 7) - ((b.length * 17 + seed) % 5) ||
            (seed % 2 ? a.localeCompare(b) : b.localeCompare(a)),
        );
        const reordered: Record<string, TfObject> = {};
        for (const k of Object.keys(tenant).filter((k) => !keys.includes(k))) reordered[k] = tenant[k];
        for (const k of shuffled) reordered[k] = tenant[k];
        expect(normalised(decide(reordered, ctx))).toEqual(normalised(decide(tenant, ctx)));
      }),
      RUNS,
    );
  });

  test("adding an exclusion never makes the result stricter", () => {
    fc.assert(
      fc.property(
        tenantArb(2, 10),
        contextArb,
        fc.nat(),
        exclusionArb,
        (tenant, ctx, pick, [block, attr, value]) => {
          const keys = policyKeys(tenant);
          const key = keys[pick % keys.length];
          const changed = withPolicy(tenant, key, (p) => {
            const conditions = p.conditions as Record<string, TfValue>;
            const target = { ...((conditions[block] as Record<string, TfValue> | undefined) ?? {}) };
            if (block === "platforms" && !target.included_platforms) target.included_platforms = ["all"];
            if (block === "locations" && !target.included_locations) target.included_locations = ["All"];
            if (block === "applications" && target.included_user_actions) return;
            target[attr] = [...((target[attr] as TfValue[] | undefined) ?? []), value];
            conditions[block] = target;
          });
          expect(notStricter(decide(changed, ctx), decide(tenant, ctx))).toBe(true);
        },
      ),
      RUNS,
    );
  });

  test("switching a policy to report-only or disabled never makes the result stricter", () => {
    fc.assert(
      fc.property(
        tenantArb(2, 10),
        contextArb,
        fc.nat(),
        fc.constantFrom("enabledForReportingButNotEnforced", "disabled"),
        (tenant, ctx, pick, state) => {
          const keys = policyKeys(tenant);
          const changed = withPolicy(tenant, keys[pick % keys.length], (p) => (p.state = state));
          expect(notStricter(decide(changed, ctx), decide(tenant, ctx))).toBe(true);
        },
      ),
      RUNS,
    );
  });

  test("an applicable enforced block always blocks", () => {
    fc.assert(
      fc.property(tenantArb(0, 6), contextArb, (tenant, ctx) => {
        const before = decide(tenant, ctx);
        if (before.applied.some((a) => a.detail === "block")) expect(before.verdict.outcome).toBe("deny");
        const applications: TfObject = ctx.userAction
          ? { included_user_actions: [ctx.userAction] }
          : { included_applications: ["All"] };
        const withBlock: Record<string, TfObject> = {
          ...tenant,
          "azuread_conditional_access_policy.zz_block": {
            display_name: "block",
            state: "enabled",
            conditions: { client_app_types: ["all"], users: { included_users: ["All"] }, applications },
            grant_controls: { operator: "OR", built_in_controls: ["block"] },
          },
        };
        const after = decide(withBlock, ctx);
        expect(after.verdict.outcome).toBe("deny");
        expect(after.verdict.summary).toContain("azuread_conditional_access_policy.zz_block");
      }),
      RUNS,
    );
  });

  test("generated policies compile without diagnostics other than documented warnings", () => {
    fc.assert(
      fc.property(policyArb, (p) => {
        const errors = compileEntra(
          terraformModel({ ...NAMED_LOCATIONS, "azuread_conditional_access_policy.p": p }),
        ).diagnostics.filter((d) => d.severity === "error");
        expect(errors).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
