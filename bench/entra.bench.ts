/**
 * Entra evaluator throughput: evaluations per second on the example tenant and on a generated
 * 200-policy tenant (target: ≤ 20 µs per evaluation against 200 policies). Each tenant has references
 * measured in the same run — a trivial pass over the same policies, and context validation — so the
 * figures to compare across machines are the ratios.
 * Run alone with `npx tsx bench/entra.bench.ts`, or with the others via `npm run bench`.
 */
import fc from "fast-check";
import { contextArb, tenantArb } from "../simulator/entra/arbitraries";
import {
  compileEntra,
  evaluateEntra,
  parseEntraContext,
  type EntraContext,
  type EntraContextInput,
  type EntraModel,
} from "../simulator/entra";
import { terraformModel } from "../simulator/entra/testing";
import { STACK_NAMES } from "../stacks";
import { exampleSynth } from "../test/support/example-synth";
import { markdownSection, runBenchmark, type Benchmark, type BenchmarkGroup } from "./harness";

const CONTEXTS = 512;
/** Calls before timing: enough for the JIT to settle, so that the runs measure steady-state evaluation. */
const WARMUP = 5_000;
let sink = 0;

function contexts(seed: number): { inputs: EntraContextInput[]; parsed: EntraContext[] } {
  const inputs = fc.sample(contextArb, { numRuns: CONTEXTS, seed });
  return { inputs, parsed: inputs.map((c) => parseEntraContext(c)) };
}

let generated: EntraModel | undefined;
function generatedTenant(): EntraModel {
  if (!generated) {
    const [resources] = fc.sample(tenantArb(200, 200), { numRuns: 1, seed: 42 });
    generated = compileEntra(terraformModel(resources, "generated-200"));
  }
  return generated;
}

let example: EntraModel | undefined;
function exampleTenant(): EntraModel {
  if (!example) {
    const tf = exampleSynth().get(STACK_NAMES.entra);
    if (!tf) throw new Error(`the example organisation synthesizes no ${STACK_NAMES.entra} stack`);
    example = compileEntra(tf);
  }
  return example;
}

/** The cheapest pass that touches every policy: what any evaluator must at least pay per evaluation. */
function trivialPass(model: EntraModel, ctx: EntraContext): number {
  let n = 0;
  for (const p of model.policies)
    if (p.state === "enabled" && p.users !== undefined && ctx.clientApp !== "other") n++;
  return n;
}

function cycling<T>(items: readonly T[], op: (item: T) => number): () => number {
  let i = 0;
  return () => {
    sink += op(items[i]);
    i = (i + 1) % items.length;
    return sink;
  };
}

function tenantBenchmarks(
  label: string,
  tenant: () => EntraModel,
  reference = `entra ${label}: trivial pass over the policies`,
): Benchmark[] {
  return [
    {
      name: `entra ${label}: evaluateEntra`,
      reference,
      measureMemory: false,
      warmup: WARMUP,
      get size() {
        return tenant().policies.length;
      },
      setup: () => {
        const model = tenant();
        return cycling(contexts(7).parsed, (c) => evaluateEntra(model, c).applied.length);
      },
    },
    {
      name: `entra ${label}: evaluateEntra with trace`,
      reference: `entra ${label}: evaluateEntra`,
      measureMemory: false,
      warmup: WARMUP,
      setup: () => {
        const model = tenant();
        return cycling(contexts(7).parsed, (c) => evaluateEntra(model, c, { trace: true }).applied.length);
      },
    },
    {
      name: `entra ${label}: trivial pass over the policies`,
      measureMemory: false,
      warmup: WARMUP,
      setup: () => {
        const model = tenant();
        return cycling(contexts(7).parsed, (c) => trivialPass(model, c));
      },
    },
  ];
}

export const benchmarks: readonly BenchmarkGroup[] = [
  {
    title: "Entra Conditional Access evaluation",
    description:
      "One `evaluateEntra` call per op, cycling through 512 generated sign-in contexts (parsed beforehand), after 5,000 warm-up calls. " +
      "Size = policies in the tenant; per unit = cost per policy. Target: ≤ 20 µs per evaluation against 200 policies. " +
      "The reference rows (a pass that touches every policy, and context validation) are measured in the same run: compare ratios, not absolute times.",
    benchmarks: [
      // Against 13 policies the pass over them costs next to nothing, so context validation is the yardstick.
      ...tenantBenchmarks("example tenant", exampleTenant, "entra: context validation (parseEntraContext)"),
      ...tenantBenchmarks("200-policy tenant", generatedTenant),
      {
        name: "entra: context validation (parseEntraContext)",
        setup: () => cycling(contexts(7).inputs, (c) => parseEntraContext(c).satisfied.methods.length),
        measureMemory: false,
        warmup: WARMUP,
      },
    ],
  },
];

if (require.main === module) {
  for (const group of benchmarks) console.log(markdownSection(group, group.benchmarks.map(runBenchmark)));
}
