/**
 * `npm run bench`: runs every bench/*.bench.ts module (each exports `benchmarks`, a BenchmarkGroup or a
 * list of them), prints the results and writes BENCHMARKS.md with machine facts and the date.
 * Optional arguments filter modules by name (`npm run bench -- loader`).
 */
import { readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem, type as osType, release } from "node:os";
import { join } from "node:path";
import {
  customSection,
  markdownSection,
  runBenchmark,
  type Benchmark,
  type BenchmarkGroup,
  type CustomBenchmark,
} from "./harness";

type Entry = BenchmarkGroup | Benchmark | CustomBenchmark;

const isGroup = (e: Entry): e is BenchmarkGroup => "benchmarks" in e && Array.isArray(e.benchmarks);
const isCustom = (e: Entry): e is CustomBenchmark => "run" in e && typeof e.run === "function";

async function runModule(file: string): Promise<string[]> {
  const sections: string[] = [];
  const mod = (await import(join(__dirname, file))) as { benchmarks?: Entry | readonly Entry[] };
  if (!mod.benchmarks) throw new Error(`${file} does not export \`benchmarks\``);
  const entries: readonly Entry[] = Array.isArray(mod.benchmarks)
    ? (mod.benchmarks as readonly Entry[])
    : [mod.benchmarks as Entry];
  const plain = entries.filter((e): e is Benchmark => !isGroup(e) && !isCustom(e));
  const groups = [
    ...entries.filter(isGroup),
    ...(plain.length ? [{ title: file.replace(/\.bench\.ts$/, ""), benchmarks: plain }] : []),
  ];
  for (const group of groups) {
    console.log(`\n# ${group.title} (${file})`);
    const results = group.benchmarks.map((b) => {
      const r = runBenchmark(b);
      console.log(
        `  ${r.name}: ${r.msPerOp.toFixed(3)} ms/op (runs ${r.minMs.toFixed(3)}–${r.maxMs.toFixed(3)}), retained ${r.retainedMb?.toFixed(1) ?? "-"} MB`,
      );
      return r;
    });
    sections.push(markdownSection(group, results));
  }
  for (const custom of entries.filter(isCustom)) {
    console.log(`\n# ${custom.name} (${file})`);
    const section = customSection(custom, custom.run());
    console.log(section);
    sections.push(section);
  }

  return sections;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  const sections: string[] = [];
  for (const file of files) {
    try {
      sections.push(...(await runModule(file)));
    } catch (err) {
      console.error(`${file} failed:`, err);
      sections.push(
        `## ${file}\n\nNot measured: the module failed (${(err as Error).message.split("\n")[0]}).\n`,
      );
    }
  }
  const cpu = cpus();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const header = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); each figure is the median of several runs after warm-up.",
    "Compare ratios (measured in the same run) rather than absolute times across machines.",
    "",
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osType()} ${release()}`,
    `- node ${process.version}; peak RSS of the benchmark process: ${peakRssMb.toFixed(0)} MB`,
    "",
  ].join("\n");
  const out = `${header}\n${sections.join("\n")}`;
  if (filters.length === 0) writeFileSync(join(__dirname, "..", "BENCHMARKS.md"), out);
  console.log(filters.length === 0 ? "\nwrote BENCHMARKS.md" : "\n(filtered run: BENCHMARKS.md not written)");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
