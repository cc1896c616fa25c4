import { readFileSync } from "node:fs";
import { ADAPTERS } from "../simulator/adapters";
import { formatTrace } from "../simulator/decision";
import type { Provider } from "../simulator/providers";
import { loadScenarioFiles } from "../simulator/scenarios/load";
import { InputError, YamlSource } from "../simulator/scenarios/yaml-source";
import { formatIssues } from "../modules/spec-errors";
import { defaultStacks, loadModels, type SourceOptions } from "./models";

export interface ExplainOptions extends SourceOptions {
  provider?: Provider;
  stack?: string;
  context?: string;
  scenario?: string;
  case?: string;
}

function contextFromOptions(opts: ExplainOptions): { provider: Provider; stack?: string; context: unknown } {
  if (opts.scenario) {
    if (!opts.case) throw new InputError(["--scenario needs --case <name>"]);
    const cases = loadScenarioFiles([opts.scenario], ADAPTERS);
    const found = cases.find((c) => c.name === opts.case);
    if (!found)
      throw new InputError([
        `${opts.scenario}: no case named "${opts.case}"; cases: ${cases.map((c) => `"${c.name}"`).join(", ")}`,
      ]);
    return { provider: found.provider, stack: opts.stack ?? found.stack, context: found.context };
  }
  if (!opts.context || !opts.provider)
    throw new InputError(["give --provider and --context <file>, or --scenario <file> --case <name>"]);
  let text: string;
  try {
    text = readFileSync(opts.context, "utf8");
  } catch (e) {
    throw new InputError([
      `${opts.context}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    ]);
  }
  const source = YamlSource.parse(text, opts.context);
  const schema = ADAPTERS[opts.provider].contextSchema;
  const parsed = schema.safeParse(source.value);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.flatMap((i) =>
        formatIssues([i], source.value, schema).map((l) => `${source.where(i.path)}: ${l}`),
      ),
    );
  }
  return { provider: opts.provider, stack: opts.stack, context: parsed.data };
}

export function explainCommand(opts: ExplainOptions): number {
  const { provider, stack: named, context } = contextFromOptions(opts);
  const models = loadModels(opts);
  const stack = named ?? defaultStacks(opts.defaultStack)[provider];
  const model = models.get(stack);
  if (!model)
    throw new InputError([`stack ${stack} is not loaded; loaded stacks: ${[...models.keys()].join(", ")}`]);
  const adapter = ADAPTERS[provider];
  const compiled = adapter.compile(model);
  const facts = adapter.evaluate(compiled, context, { trace: true });
  const v = facts.verdict;
  const lines = [
    `${provider} on ${stack}: ${v.outcome}${v.requires?.length ? ` (requires ${v.requires.join(", ")})` : ""}`,
    `  ${v.summary}`,
    ...(v.indeterminate ?? []).map((i) => `  indeterminate: ${i}`),
    `decided by: ${facts.decidedBy.join(", ") || "(nothing: no policy applied)"}`,
  ];
  if (facts.reportOnly && Object.keys(facts.reportOnly).length) {
    lines.push("report-only:", ...Object.entries(facts.reportOnly).map(([p, r]) => `  ${p}: ${r}`));
  }
  if (facts.session && Object.keys(facts.session).length) {
    lines.push("session:", ...Object.entries(facts.session).map(([k, s]) => `  ${k}: ${String(s)}`));
  }
  lines.push("trace:", formatTrace(facts.trace, "  "));
  const findings = adapter.findings(compiled);
  if (findings.length > 0) lines.push("findings in the configuration:", ...findings.map((f) => `  ${f}`));
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
