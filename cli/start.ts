/**
 * The main job (`npm start`): synthesize the baseline into cdktf.out, run every scenario, verify the
 * invariants exhaustively, and end with a summary per provider and tier.
 */
import { ADAPTERS } from "../simulator/adapters";
import { PROVIDERS } from "../simulator/providers";
import { findScenarioFiles, loadScenarioFiles } from "../simulator/scenarios/load";
import { renderText } from "../simulator/scenarios/report";
import { ScenarioRunner, type CaseResult } from "../simulator/scenarios/run";
import { TIERS } from "../simulator/scenarios/schema";
import { defaultStacks, loadModels, type SourceOptions } from "./models";
import { styleFor } from "./style";
import { loadBaselineSpec } from "../modules/spec-file";
import { verifyOrganisation } from "../simulator/verify/organisation";
import { renderVerification, verificationFailed } from "./verify";

export interface StartOptions extends SourceOptions {
  scenarios: string;
}

export function startCommand(opts: StartOptions): number {
  const out = process.stdout;
  const style = styleFor(out);
  const outdir = opts.outdir ?? (opts.synthDir || opts.plan?.length ? undefined : "cdktf.out");
  const cases = loadScenarioFiles(findScenarioFiles([opts.scenarios]), ADAPTERS);
  const t0 = Date.now();
  const models = loadModels({ ...opts, outdir });
  out.write(
    `Synthesized and loaded ${models.size} stacks (${[...models.values()].map((m) => `${m.stack}: ${m.resources.size} resources`).join(", ")})` +
      `${outdir ? ` into ${outdir}/` : ""} in ${Date.now() - t0} ms\n\n`,
  );
  const stacks = defaultStacks(opts.defaultStack);
  const findings = PROVIDERS.flatMap((p) => {
    const model = models.get(stacks[p]);
    return model ? ADAPTERS[p].findings(ADAPTERS[p].compile(model)).map((f) => `  ${stacks[p]}: ${f}`) : [];
  });
  if (findings.length > 0) out.write(`Findings in the configuration:\n${findings.join("\n")}\n\n`);
  const runner = new ScenarioRunner(models, ADAPTERS, { defaultStacks: stacks });
  const results = cases.map((c) => runner.run(c));
  out.write(`${renderText(results, style)}\n\n`);

  out.write("Verification of the invariants over every context:\n");
  const spec = loadBaselineSpec(opts.spec ?? process.env.MFA_BASELINE_SPEC);
  const verifications = verifyOrganisation(models, spec, stacks);
  out.write(`${renderVerification(verifications, style)}\n\n`);

  out.write(`${summaryTable(results)}\n`);
  const failed = results.some((r) => r.status === "fail") || verificationFailed(verifications);
  out.write(
    failed
      ? style.fail("\nThe baseline does NOT hold: see the failures above.\n")
      : style.pass("\nThe baseline holds: every scenario passed and every invariant is proved.\n"),
  );
  return failed ? 1 : 0;
}

/** Passed/total per provider (rows) and tier (columns). */
export function summaryTable(results: readonly CaseResult[]): string {
  const tiers = [...TIERS, "other"] as const;
  const cell = (rs: readonly CaseResult[]): string =>
    rs.length === 0 ? "-" : `${rs.filter((r) => r.status === "pass").length}/${rs.length}`;
  const rows = PROVIDERS.map((p) => {
    const mine = results.filter((r) => r.case.provider === p);
    return [p, ...tiers.map((t) => cell(mine.filter((r) => (r.case.tier ?? "other") === t))), cell(mine)];
  });
  const header = ["provider", ...tiers, "all"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  return ["Scenario summary (passed/total by provider and tier):", line(header), ...rows.map(line)].join(
    "\n",
  );
}
