/**
 * The cross-provider rules of the example organisation: each is carried by a named invariant on every
 * provider, and verification proves all of them.
 */
import { parseBaselineSpec } from "../modules/spec";
import { STACK_NAMES } from "../stacks";
import { exampleOrg } from "../stacks/example-org";
import { CROSS_PROVIDER_RULES } from "../simulator/invariants/cross-provider";
import { VERIFICATIONS, verifyOrganisation } from "../simulator/verify/organisation";
import { PROVIDERS } from "../simulator/providers";
import { exampleSynth } from "../test/support/example-synth";

const spec = parseBaselineSpec(exampleOrg);

test("every cross-provider rule names an invariant that exists on each provider", () => {
  const models = exampleSynth();
  for (const provider of PROVIDERS) {
    const model = models.get(STACK_NAMES[provider]);
    if (!model) throw new Error(`no ${provider} stack`);
    const ids = VERIFICATIONS[provider].invariants(spec, model).map((i) => i.id);
    for (const rule of CROSS_PROVIDER_RULES) expect(ids).toContain(rule.invariants[provider]);
  }
});

test("the example organisation proves every cross-provider rule on every provider", () => {
  const results = verifyOrganisation(exampleSynth(), spec, { ...STACK_NAMES }).flatMap((v) => v.results);
  for (const rule of CROSS_PROVIDER_RULES) {
    for (const provider of PROVIDERS) {
      const r = results.find((x) => x.id === rule.invariants[provider]);
      expect({
        rule: rule.id,
        provider,
        status: r?.status,
        counterexample: r?.counterexamples[0]?.scenario,
      }).toEqual({
        rule: rule.id,
        provider,
        status: "proved",
        counterexample: undefined,
      });
    }
  }
});
