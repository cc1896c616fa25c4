import { writeFileSync } from "node:fs";
import { ADAPTERS } from "../simulator/adapters";
import { findScenarioFiles, loadScenarioFiles } from "../simulator/scenarios/load";
import { renderJson, renderJunit, renderText, summarise } from "../simulator/scenarios/report";
import { ScenarioRunner, type CaseResult } from "../simulator/scenarios/run";
import { defaultStacks, loadModels, type SourceOptions } from "./models";
import { styleFor } from "./style";

export interface TestOptions extends SourceOptions {
  reporter: "text" | "junit";
  output?: string;
  json?: boolean;
}

/** Loads the cases first (bad input stops before any synth), then the stacks, then runs everything. */
export function testCommand(paths: readonly string[], opts: TestOptions): number {
  const results = runScenarios(paths, opts);
  const report = opts.json
    ? renderJson(results)
    : opts.reporter === "junit"
      ? renderJunit(results)
      : renderText(results, styleFor(process.stdout));
  if (opts.output) {
    writeFileSync(opts.output, report);
    const s = summarise(results);
    process.stdout.write(`${s.passed} passed, ${s.failed} failed; report written to ${opts.output}\n`);
  } else {
    process.stdout.write(`${report}\n`);
  }
  return summarise(results).failed > 0 ? 1 : 0;
}

export function runScenarios(paths: readonly string[], opts: SourceOptions): CaseResult[] {
  const cases = loadScenarioFiles(findScenarioFiles(paths), ADAPTERS);
  const runner = new ScenarioRunner(loadModels(opts), ADAPTERS, {
    defaultStacks: defaultStacks(opts.defaultStack),
  });
  const progress = process.stderr.isTTY && cases.length > 50;
  return cases.map((c, i) => {
    if (progress && i % 25 === 0) process.stderr.write(`\r${i}/${cases.length} cases`);
    const r = runner.run(c);
    if (progress && i === cases.length - 1) process.stderr.write("\r\u001b[K");
    return r;
  });
}
