/**
 * Every case of the example organisation's scenario suite runs as its own jest test, so a regression
 * names the case; and the committed JSON Schemas stay in sync with the schemas the runner uses.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ADAPTERS } from "../simulator/adapters";
import { personasJsonSchema, scenarioJsonSchema, toJsonText } from "../simulator/scenarios/json-schema";
import { findScenarioFiles, loadScenarioFiles, type LoadedCase } from "../simulator/scenarios/load";
import { formatFailure, ScenarioRunner } from "../simulator/scenarios/run";
import { STACK_NAMES } from "../stacks";
import { exampleSynth } from "../test/support/example-synth";

const files = findScenarioFiles([__dirname]);
const cases = loadScenarioFiles(files, ADAPTERS);
let runner: ScenarioRunner;
beforeAll(() => {
  runner = new ScenarioRunner(exampleSynth(), ADAPTERS, { defaultStacks: { ...STACK_NAMES } });
});

const byFile = new Map<string, LoadedCase[]>();
for (const c of cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);

for (const [file, fileCases] of byFile) {
  describe(`${file.slice(__dirname.length + 1)}: ${fileCases[0].concern}`, () => {
    test.each(fileCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      const result = runner.run(c);
      if (result.status === "fail") throw new Error(formatFailure(result));
    });
  });
}

describe("the scenario suite", () => {
  it("documents the baseline with at least 60 cases across the three providers", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    for (const provider of ["aws", "entra", "okta"])
      expect(cases.filter((c) => c.provider === provider).length).toBeGreaterThanOrEqual(15);
  });

  it("every scenario file points editors at the schema", () => {
    for (const file of files)
      expect(readFileSync(file, "utf8")).toMatch(/^# yaml-language-server: \$schema=\.\/schema\.json$/m);
  });

  it.each([
    ["schema.json", () => scenarioJsonSchema(ADAPTERS)],
    ["personas.schema.json", () => personasJsonSchema(ADAPTERS)],
  ] as const)(
    "%s is in sync with the schemas the runner validates with (regenerate: npm run schema)",
    (name, make) => {
      expect(readFileSync(join(__dirname, name), "utf8")).toBe(toJsonText(make()));
    },
  );
});
