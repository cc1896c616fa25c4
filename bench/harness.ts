/**
 * A tiny benchmark harness: warm up, then several runs of N calls each; the figure is the median
 * time per call over the runs. Memory is the heap a single call's result retains (after a full GC)
 * and the process's peak RSS. Ratios are against a reference benchmark measured in the same run.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

export interface Benchmark {
  readonly name: string;
  /** The work to time; its result is kept alive while memory is measured. Give `fn`, or `setup` returning it. */
  readonly fn?: () => unknown;
  /** Builds the inputs once (not timed) and returns the work to time. */
  readonly setup?: () => () => unknown;
  /** Name of a benchmark in the same group to report a ratio against. */
  readonly reference?: string;
  /** Calls per run (default: enough for ~200 ms per run, at least 1). */
  readonly iterations?: number;
  readonly warmup?: number;
  readonly runs?: number;
  /** Input size, for scaling checks (e.g. resource count). */
  readonly size?: number;
  /** Measure retained heap of one result (default true). */
  readonly measureMemory?: boolean;
}

export interface BenchmarkGroup {
  readonly title: string;
  readonly description?: string;
  readonly benchmarks: readonly Benchmark[];
  /** Extra markdown appended after the table (e.g. a cold-start measurement). */
  readonly notes?: () => string;
}

/** A benchmark that measures itself: `run` returns its figures, `format` renders them as markdown. */
export interface CustomBenchmark {
  readonly name: string;
  readonly run: () => unknown;
  readonly format?: (result: never) => string;
}

export interface Result {
  readonly name: string;
  readonly msPerOp: number;
  readonly opsPerSec: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
  readonly iterations: number;
  readonly retainedMb?: number;
  readonly size?: number;
  readonly reference?: string;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function timeCalls(fn: () => unknown, n: number): number {
  const start = process.hrtime.bigint();
  let sink: unknown;
  for (let i = 0; i < n; i++) sink = fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (sink === Symbol.for("never")) console.log(sink);
  return ms / n;
}

function retainedMb(fn: () => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const result = fn();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (result === Symbol.for("never")) console.log(result);
  return Math.max(0, (after - before) / (1024 * 1024));
}

export function runBenchmark(b: Benchmark): Result {
  const fn = b.fn ?? b.setup?.();
  if (!fn) throw new Error(`benchmark ${b.name} has neither fn nor setup`);
  const warmup = b.warmup ?? 3;
  for (let i = 0; i < warmup; i++) fn();
  let iterations = b.iterations;
  if (iterations === undefined) {
    const probe = timeCalls(fn, 1);
    iterations = Math.max(1, Math.min(10_000, Math.round(200 / Math.max(probe, 0.001))));
  }
  const runs = b.runs ?? 7;
  const perRun: number[] = [];
  for (let r = 0; r < runs; r++) {
    gc();
    perRun.push(timeCalls(fn, iterations));
  }
  const msPerOp = median(perRun);
  return {
    name: b.name,
    msPerOp,
    opsPerSec: 1000 / msPerOp,
    minMs: Math.min(...perRun),
    maxMs: Math.max(...perRun),
    runs,
    iterations,
    retainedMb: b.measureMemory === false ? undefined : retainedMb(fn),
    size: b.size,
    reference: b.reference,
  };
}

function fmt(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(4);
}

/** A markdown section: one row per benchmark, with ratio to its reference and per-size cost. */
export function markdownSection(group: BenchmarkGroup, results: readonly Result[]): string {
  const byName = new Map(results.map((r) => [r.name, r]));
  const rows = results.map((r) => {
    const ref = r.reference ? byName.get(r.reference) : undefined;
    const ratio = ref ? `${(r.msPerOp / ref.msPerOp).toFixed(2)}× ${ref.name}` : "";
    const perUnit = r.size ? `${((r.msPerOp * 1000) / r.size).toFixed(2)} µs` : "";
    return `| ${r.name} | ${r.size ?? ""} | ${fmt(r.msPerOp)} | ${fmt(r.minMs)}–${fmt(r.maxMs)} | ${r.opsPerSec.toFixed(1)} | ${perUnit} | ${r.retainedMb === undefined ? "" : r.retainedMb.toFixed(2)} | ${ratio} |`;
  });
  return [
    `## ${group.title}`,
    "",
    ...(group.description ? [group.description, ""] : []),
    "| benchmark | size | median ms/op | range of runs (ms) | ops/s | per unit of size | retained heap (MB) | ratio |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    ...(group.notes ? [group.notes(), ""] : []),
  ].join("\n");
}

/** A section for a self-measuring benchmark: its own markdown, or its figures as a table or JSON. */
export function customSection(b: CustomBenchmark, result: unknown): string {
  let body: string;
  if (b.format) body = (b.format as (r: unknown) => string)(result);
  else if (
    result !== null &&
    typeof result === "object" &&
    !Array.isArray(result) &&
    Object.values(result).every((v) => typeof v === "number" || typeof v === "string")
  ) {
    const entries = Object.entries(result as Record<string, number | string>);
    body = ["| figure | value |", "| --- | ---: |", ...entries.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
  } else body = ["```json", JSON.stringify(result, null, 2), "```"].join("\n");
  return [`## ${b.name}`, "", body, ""].join("\n");
}
