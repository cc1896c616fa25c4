/**
 * `verify` for the example organisation's Entra stack: every sign-in context of the class space derived
 * from the synthesized entra-baseline stack, every Entra invariant. Each must be proved over points it
 * speaks about (checked > 0: a vacuous invariant means the space misses what the rule is about).
 * Semantics: ../shared/reference/entra-conditional-access.md; e.g. exclusion beats inclusion (R7,
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups),
 * block wins and every applying policy must be met (R18, R19,
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-policies).
 */
import { parseBaselineSpec } from "../modules/spec";
import { STACK_NAMES } from "../stacks";
import { exampleOrg } from "../stacks/example-org";
import { entraAdapter } from "../simulator/entra/adapter";
import { entraContextSchema, type EntraContext } from "../simulator/entra/context";
import { ENTRA_ANYONE, ENTRA_OTHER_APP, entraContextSpace } from "../simulator/entra/space";
import { entraInvariants } from "../simulator/invariants/entra";
import type { TerraformModel } from "../simulator/terraform/model";
import { enumerateIndices, spaceSize, valuesAt, type ContextSpace } from "../simulator/verify/space";
import { verifyExhaustively, type InvariantResult } from "../simulator/verify/verify";
import { exampleSynth } from "../test/support/example-synth";

const STACK = STACK_NAMES.entra;
const spec = parseBaselineSpec(exampleOrg);
const entra = spec.entra as NonNullable<typeof spec.entra>;
const invariants = entraInvariants(spec);

let model: TerraformModel;
let space: ContextSpace<EntraContext>;
let results: InvariantResult[];

beforeAll(() => {
  const tf = exampleSynth().get(STACK);
  if (!tf) throw new Error(`the example organisation has no ${STACK} stack`);
  model = tf;
  space = entraContextSpace(model, spec);
  const started = performance.now();
  results = verifyExhaustively({ adapter: entraAdapter, model, stack: STACK, space, invariants });
  const ms = performance.now() - started;
  process.stdout.write(
    `entra verify: ${spaceSize(space)} contexts × ${invariants.length} invariants in ${Math.round(ms)} ms\n`,
  );
});

const values = (name: string): readonly unknown[] =>
  space.dimensions.find((d) => d.name === name)?.values ?? [];

describe("the Entra context space of the example organisation", () => {
  test("is finite, and small enough to enumerate", () => {
    expect(spaceSize(space)).toBeGreaterThan(1_000);
    expect(spaceSize(space)).toBeLessThan(100_000);
  });

  test("puts the least special value first in every dimension: its all-defaults point is a plain sign-in of someone unknown to an unknown app", () => {
    const first = space.build(space.dimensions.map((d) => d.values[0]));
    expect(JSON.parse(JSON.stringify(first))).toEqual({
      user: { id: ENTRA_ANYONE },
      application: ENTRA_OTHER_APP,
    });
    expect(first).toEqual(
      entraContextSchema.parse({ user: { id: ENTRA_ANYONE }, application: ENTRA_OTHER_APP }),
    );
  });

  test("takes its values from what the configuration and the spec mention", () => {
    expect(values("user")).toContain(entra.breakGlassUserIds[0]);
    expect(values("roles")).toContainEqual([entra.adminRoleTemplateIds[0]]);
    expect(values("groups")).toContainEqual(["azuread_group.group_contractors"]);
    expect(values("target")).toEqual([
      { application: ENTRA_OTHER_APP },
      { application: entra.azureManagementAppId },
      { userAction: "urn:user:registersecurityinfo" },
    ]);
    // Legacy clients (R10), the unknown platform only "all" matches (R11), high and medium risk (R13).
    expect(values("clientApp")).toEqual(["browser", "exchangeActiveSync"]);
    expect(values("platform")).toEqual(["windows", "unknown"]);
    expect(values("signInRisk")).toEqual(["none", "medium", "high"]);
    expect(values("authenticationFlow")).toEqual([undefined, "deviceCodeFlow"]);
  });

  test("merges values no policy can tell apart: one trusted network, one blocked country, one method set per strength class", () => {
    // London office and the corporate VPN are both trusted and named only through AllTrusted (R12).
    expect(values("network")).toEqual([
      {},
      { ip: "198.51.100.0" },
      { country: "KP" },
      { ip: "198.51.100.0", country: "KP" },
    ]);
    // Password only; MFA; passwordless MFA; phishing-resistant (the built-in strengths, R22).
    expect(values("methods")).toEqual([["password"], ["password", "sms"], ["deviceBasedPush"], ["fido2"]]);
    const fine = entraContextSpace(model, spec, { granularity: "boundaries" });
    expect(spaceSize(fine)).toBeGreaterThan(spaceSize(space));
    const ips = fine.dimensions
      .find((d) => d.name === "network")
      ?.values.map((n) => (n as { ip?: string }).ip);
    // Each CIDR's edges and the addresses just outside them.
    expect(ips).toEqual(
      expect.arrayContaining([
        "203.0.113.0",
        "203.0.113.255",
        "203.0.112.255",
        "203.0.114.0",
        "198.51.100.127",
        "198.51.100.128",
        "2001:db8:100::",
      ]),
    );
  });

  test("every context prints without its defaults and reads back as the same context", () => {
    let n = 0;
    for (const indices of enumerateIndices(space)) {
      if (n++ % 97) continue;
      const ctx = space.build(valuesAt(space, indices));
      const printed = JSON.parse(JSON.stringify(ctx)) as unknown;
      expect(entraContextSchema.parse(printed)).toEqual(ctx);
    }
    expect(n).toBe(spaceSize(space));
  });
});

describe("exhaustive verification of the example organisation", () => {
  test("checks every invariant the spec gives", () => {
    expect(results.map((r) => r.id)).toEqual(invariants.map((i) => i.id));
    expect(invariants.length).toBeGreaterThanOrEqual(10);
  });

  test.each(invariants.map((i) => i.id))("%s is proved over every context it speaks about", (id) => {
    const r = results.find((x) => x.id === id);
    expect(r?.checked).toBeGreaterThan(0);
    // On failure the first counterexample is shown as a scenario case ready to paste.
    expect({ status: r?.status, counterexample: r?.counterexamples[0]?.scenario }).toEqual({
      status: "proved",
      counterexample: undefined,
    });
  });
});
