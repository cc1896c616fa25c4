/**
 * `verify` on the example organisation: the size of each provider's context space and the time to
 * check every invariant over all of it (median of several runs). Target: the whole example organisation
 * verifies in under 5 s on a 2-core machine. The reference, measured in the same run, is one synth and
 * load of the example organisation.
 */
import { synthAndLoad } from "../cli/synth";
import { parseBaselineSpec } from "../modules/spec";
import { STACK_NAMES } from "../stacks";
import { exampleOrg } from "../stacks/example-org";
import { verifyOrganisation, type StackVerification } from "../simulator/verify/organisation";
import type { CustomBenchmark } from "./harness";

const RUNS = 3;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface VerifyFigures {
  readonly synthAndLoadMs: number;
  readonly totalMs: number;
  readonly perStack: readonly {
    provider: string;
    contexts: number;
    invariants: number;
    ms: number;
    proved: number;
  }[];
}

function measure(): VerifyFigures {
  const spec = parseBaselineSpec(exampleOrg);
  const synthTimes: number[] = [];
  let models = synthAndLoad(spec).models;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    models = synthAndLoad(spec).models;
    synthTimes.push(performance.now() - t0);
  }
  const runs: StackVerification[][] = [];
  const totals: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    runs.push(verifyOrganisation(models, spec, { ...STACK_NAMES }));
    totals.push(performance.now() - t0);
  }
  const last = runs[runs.length - 1];
  return {
    synthAndLoadMs: median(synthTimes),
    totalMs: median(totals),
    perStack: last.map((v, i) => ({
      provider: v.provider,
      contexts: v.spaceSize,
      invariants: v.results.length,
      ms: median(runs.map((r) => r[i].milliseconds)),
      proved: v.results.filter((r) => r.status === "proved").length,
    })),
  };
}

function format(f: VerifyFigures): string {
  const rows = f.perStack.map(
    (s) =>
      `| ${s.provider} | ${s.contexts.toLocaleString("en")} | ${s.invariants} (${s.proved} proved) | ${(s.ms / 1000).toFixed(2)} s |`,
  );
  return [
    `Median of ${RUNS} runs. Target: the example organisation verifies in under 5 s.`,
    "",
    "| provider | contexts (exhaustive) | invariants | time |",
    "| --- | ---: | ---: | ---: |",
    ...rows,
    `| **all** | ${f.perStack.reduce((n, s) => n + s.contexts, 0).toLocaleString("en")} | ${f.perStack.reduce((n, s) => n + s.invariants, 0)} | **${(f.totalMs / 1000).toFixed(2)} s** |`,
    "",
    `Reference in the same run: synth + load of the example organisation, ${f.synthAndLoadMs.toFixed(0)} ms; verification takes ${(f.totalMs / f.synthAndLoadMs).toFixed(1)}× that.`,
  ].join("\n");
}

export const benchmarks: CustomBenchmark = {
  name: "verify: the example organisation, every invariant over every context",
  run: measure,
  format: format as (r: never) => string,
};

if (require.main === module) console.log(format(measure()));
