/**
 * `verify` for the example organisation's Okta stack: every sign-in context of the class space derived
 * from the synthesized okta-baseline stack, every Okta invariant. Each must be proved over points it
 * speaks about (checked > 0: a vacuous invariant means the space misses what the rule is about).
 */
import { parseBaselineSpec } from "../modules/spec";
import { STACK_NAMES } from "../stacks";
import { exampleOrg } from "../stacks/example-org";
import { oktaAdapter } from "../simulator/okta/adapter";
import { oktaContextSchema, parseOktaContext, type OktaContext } from "../simulator/okta/context";
import { OKTA_ANYONE, oktaContextSpace } from "../simulator/okta/space";
import { oktaInvariants } from "../simulator/invariants/okta";
import {
  exclusionEligibleRules,
  mentionedPrincipals,
  reversedDeclarationOrder,
  withExclusions,
  withResourceValues,
} from "../simulator/invariants/okta-variants";
import { compileOkta } from "../simulator/okta/compile";
import type { TerraformModel } from "../simulator/terraform/model";
import type { Invariant } from "../simulator/verify/invariant";
import { enumerateIndices, spaceSize, valuesAt, type ContextSpace } from "../simulator/verify/space";
import { verifyExhaustively, type InvariantResult } from "../simulator/verify/verify";
import { exampleSynth } from "../test/support/example-synth";

const STACK = STACK_NAMES.okta;
const spec = parseBaselineSpec(exampleOrg);

let model: TerraformModel;
let space: ContextSpace<OktaContext>;
let invariants: Invariant<OktaContext>[];
let results: InvariantResult[];

beforeAll(() => {
  const tf = exampleSynth().get(STACK);
  if (!tf) throw new Error(`the example organisation has no ${STACK} stack`);
  model = tf;
  space = oktaContextSpace(model, spec);
  invariants = oktaInvariants(spec, model);
  const started = performance.now();
  results = verifyExhaustively({
    adapter: oktaAdapter,
    model,
    stack: STACK,
    space,
    invariants,
  });
  const ms = performance.now() - started;
  process.stdout.write(
    `okta verify: ${spaceSize(space)} contexts × ${invariants.length} invariants in ${Math.round(ms)} ms\n`,
  );
});

describe("the Okta context space of the example organisation", () => {
  test("is finite, and small enough to enumerate", () => {
    expect(spaceSize(space)).toBeGreaterThan(1_000);
    expect(spaceSize(space)).toBeLessThan(100_000);
  });

  test("puts the least special value first in every dimension: its all-defaults point is a plain sign-in of someone unknown", () => {
    const first = space.build(space.dimensions.map((d) => d.values[0]));
    expect(JSON.parse(JSON.stringify(first))).toEqual({ user: { id: OKTA_ANYONE }, ip: expect.any(String) });
    expect(first).toEqual(parseOktaContext({ user: { id: OKTA_ANYONE }, ip: first.ip }));
  });

  test("takes its values from what the configuration mentions", () => {
    const values = (name: string) => space.dimensions.find((d) => d.name === name)?.values ?? [];
    const admins = model
      .resourcesOfType("okta_group")
      .find((g) => g.values.name === "Example Corp Administrators")?.address;
    expect(values("user")).toContain(spec.okta?.breakGlassUserIds[0]);
    expect(values("groups")).toContainEqual([admins]);
    expect(values("app")).toEqual(expect.arrayContaining([undefined, "0oa1awsconsole00000x"]));
    // A blocked country, Tor, the trusted networks' first address, each risk level, a behaviour.
    expect(values("location")).toContainEqual({ country: "KP" });
    expect(values("ipService")).toContainEqual({ anonymizer: "tor", ipServiceCategories: [] });
    const trusted = ["198.51.100.0", "203.0.113.0"];
    expect(
      values("network")
        .map((n) => (n as { ip: string }).ip)
        .filter((ip) => trusted.includes(ip)),
    ).toHaveLength(1);
    expect(values("risk")).toEqual(["LOW", "MEDIUM", "HIGH"]);
    expect(values("behaviors")).toContainEqual(["MFA baseline: new country"]);
    expect(values("threatSuspected")).toEqual([false, true]);
  });

  test("merges values the configuration cannot tell apart: one trusted network, one blocked country", () => {
    const values = (name: string) => space.dimensions.find((d) => d.name === name)?.values ?? [];
    // London office and the corporate VPN are named together wherever a rule names either.
    expect(values("network")).toHaveLength(2);
    expect(values("location")).toEqual([{}, { country: "KP" }]);
    const fine = oktaContextSpace(model, spec, { granularity: "boundaries" });
    expect(spaceSize(fine)).toBeGreaterThan(spaceSize(space));
    const ips = fine.dimensions
      .find((d) => d.name === "network")
      ?.values.map((n) => (n as { ip: string }).ip);
    // Each CIDR's edges and the addresses just outside them.
    expect(ips).toEqual(
      expect.arrayContaining([
        "203.0.113.0",
        "203.0.113.255",
        "203.0.112.255",
        "203.0.114.0",
        "198.51.100.127",
        "198.51.100.128",
      ]),
    );
  });

  test("every context prints without its defaults and reads back as the same context", () => {
    let n = 0;
    for (const indices of enumerateIndices(space)) {
      if (n++ % 97) continue;
      const ctx = space.build(valuesAt(space, indices));
      const printed = JSON.parse(JSON.stringify(ctx)) as unknown;
      expect(oktaContextSchema.parse(printed)).toEqual(ctx);
    }
  });
});

describe("exhaustive verification of the example organisation", () => {
  test("checks every invariant the spec gives", () => {
    expect(results.map((r) => r.id)).toEqual(invariants.map((i) => i.id));
    expect(invariants.length).toBeGreaterThanOrEqual(10);
  });

  test.each(oktaInvariants(spec, exampleSynth().get(STACK)).map((i) => i.id))(
    "%s is proved over every context it speaks about",
    (id) => {
      const r = results.find((x) => x.id === id);
      expect(r?.checked).toBeGreaterThan(0);
      // On failure the first counterexample is shown as a scenario case ready to paste.
      expect({ status: r?.status, counterexample: r?.counterexamples[0]?.scenario }).toEqual({
        status: "proved",
        counterexample: undefined,
      });
    },
  );
});

describe("the relational variants", () => {
  const rule = (name: string) => {
    const hit = model.resourcesOfType("okta_policy_rule_signon").filter((r) => r.values.name === name);
    if (hit.length === 0) throw new Error(`no okta_policy_rule_signon named "${name}"`);
    return hit.map((r) => r.address);
  };

  test("reversing the declaration order builds a new model and leaves the loaded one as it was", () => {
    const before = [...model.resources.keys()];
    const reversed = reversedDeclarationOrder(model);
    expect([...reversed.resources.keys()]).toEqual([...before].reverse());
    expect([...model.resources.keys()]).toEqual(before);
    expect(reversed.resourcesOfType("okta_policy_rule_signon")).toHaveLength(
      model.resourcesOfType("okta_policy_rule_signon").length,
    );
  });

  // First match wins (developer.okta.com/docs/concepts/policies/, "Policy evaluation"): an excluded
  // user goes on to the next rule, so only rules that no stricter rule follows may take an exclusion.
  test("exclusions go only to rules that no stricter rule follows", () => {
    const eligible = exclusionEligibleRules(compileOkta(model));
    expect(eligible.gsp).toEqual(
      expect.arrayContaining([
        ...rule("Deny blocked countries"),
        ...rule("Everywhere else: MFA"),
        ...rule("Anywhere: MFA"),
      ]),
    );
    // The trusted networks' no-MFA rule is followed by "Everywhere else: MFA", which asks for more.
    expect(eligible.gsp).not.toEqual(expect.arrayContaining(rule("Trusted networks: no MFA prompt")));
    // The deny rules of the later policies repeat the administrators' own deny rules, which a request
    // reaching "Administrators: MFA every sign-in" has already failed: they cannot match it.
    expect(eligible.gsp).toEqual(expect.arrayContaining(rule("Administrators: MFA every sign-in")));
  });

  test("a later deny counts unless a rule the request already failed in its policy repeats it", () => {
    const [adminMfa] = rule("Administrators: MFA every sign-in");
    const adminDenies = rule("Deny blocked countries").filter((a) => a.includes("administrators"));
    expect(adminDenies).toHaveLength(1);
    const loosened = withResourceValues(model, adminDenies[0], (v) => ({
      ...v,
      users_excluded: [...(v.users_excluded as string[]), OKTA_ANYONE],
    }));
    expect(exclusionEligibleRules(compileOkta(loosened)).gsp).not.toContain(adminMfa);
  });

  test("why: excluding an employee from the trusted networks' no-MFA rule sends them to a stricter rule", () => {
    const employees =
      model.resourcesOfType("okta_group").find((g) => g.values.name === "Example Corp Employees")?.address ??
      "";
    const [trustedRule] = rule("Trusted networks: no MFA prompt");
    const excluded = withResourceValues(model, trustedRule, (v) => ({
      ...v,
      users_excluded: ["00uEve00000000000000"],
    }));
    const eve = parseOktaContext({
      user: { id: "00uEve00000000000000", groups: [employees] },
      ip: "203.0.113.20",
    });
    const outcome = (m: TerraformModel) => oktaAdapter.evaluate(oktaAdapter.compile(m), eve).verdict.outcome;
    expect([outcome(model), outcome(excluded)]).toEqual(["allow", "mfa"]);
  });

  test("the exclusion variant changes decisions somewhere, so its proof is not vacuous", () => {
    const principals = mentionedPrincipals(compileOkta(model), spec);
    const base = oktaAdapter.compile(model);
    const variant = oktaAdapter.compile(withExclusions(model, principals));
    let changed = 0;
    let n = 0;
    for (const indices of enumerateIndices(space)) {
      if (n++ % 5) continue;
      const ctx = space.build(valuesAt(space, indices));
      if (
        oktaAdapter.evaluate(base, ctx).verdict.summary !== oktaAdapter.evaluate(variant, ctx).verdict.summary
      )
        changed++;
    }
    expect(changed).toBeGreaterThan(0);
  });
});
