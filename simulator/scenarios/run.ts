/**
 * Runs loaded scenario cases against loaded stacks: compiles each stack once per provider, checks
 * that every Terraform address a context names exists, evaluates, and compares with the expectation.
 */
import { formatTrace } from "../decision";
import type { DecisionFacts, Provider } from "../providers";
import type { TerraformModel } from "../terraform/model";
import type { Adapters, LoadedCase } from "./load";
import { formatPosition } from "./yaml-source";

export interface CaseResult {
  readonly case: LoadedCase;
  readonly stack: string;
  readonly status: "pass" | "fail";
  /** Why it failed: expectation mismatches, unknown addresses, or an indeterminate outcome. */
  readonly failures: readonly string[];
  readonly facts?: DecisionFacts;
}

/** `aws_iam_user.alice`, `data.aws_iam_policy_document.x`, optionally followed by `.attribute` (symbol bindings). */
const ADDRESS = /^(data\.)?((?:aws|azuread|okta)_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.[A-Za-z0-9_.[\]-]+)?$/;

/** Every string in the context (keys and values) that has the shape of a Terraform address. */
function addressesIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  const add = (s: string): void => {
    const m = ADDRESS.exec(s);
    if (m) out.add(`${m[1] ?? ""}${m[2]}.${m[3]}`);
  };
  if (typeof value === "string") add(value);
  else if (Array.isArray(value)) value.forEach((v) => addressesIn(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      add(k);
      addressesIn(v, out);
    }
  }
  return out;
}

function unknownAddressProblems(context: unknown, model: TerraformModel): string[] {
  const problems: string[] = [];
  for (const address of addressesIn(context)) {
    if (model.resources.has(address)) continue;
    const data = address.startsWith("data.");
    const type = (data ? address.slice(5) : address).split(".")[0];
    const known = [...model.resources.values()]
      .filter((r) => r.type === type && (r.mode === "data") === data)
      .map((r) => r.address)
      .sort();
    problems.push(
      `${address} is not in stack ${model.stack}; known ${type} addresses: ${known.length ? known.join(", ") : "(none)"}` +
        " (name an object outside the configuration by its literal ID instead)",
    );
  }
  return problems;
}

export function checkExpectation(c: LoadedCase, facts: DecisionFacts): string[] {
  const failures: string[] = [];
  const { verdict } = facts;
  if (verdict.outcome === "indeterminate") {
    failures.push(`outcome is indeterminate: ${(verdict.indeterminate ?? [verdict.summary]).join("; ")}`);
  }
  if (verdict.outcome !== c.expect.outcome) {
    failures.push(`expected outcome ${c.expect.outcome}, got ${verdict.outcome} (${verdict.summary})`);
  }
  if (c.expect.requires) {
    const want = [...c.expect.requires].sort();
    const got = [...(verdict.requires ?? [])].sort();
    if (want.join(",") !== got.join(","))
      failures.push(`expected requires [${want.join(", ")}], got [${got.join(", ")}]`);
  }
  for (const d of c.expect.decidedBy ?? []) {
    if (!facts.decidedBy.includes(d)) {
      failures.push(
        `expected ${d} among the deciding policies, got [${facts.decidedBy.join(", ") || "none"}]`,
      );
    }
  }
  for (const [policy, want] of Object.entries(c.expect.reportOnly ?? {})) {
    const got = facts.reportOnly?.[policy];
    if (got !== want)
      failures.push(`expected report-only ${policy}: ${want}, got ${got ?? "not a report-only policy"}`);
  }
  for (const [key, want] of Object.entries(c.expect.session ?? {})) {
    const got = facts.session?.[key];
    if (got !== want)
      failures.push(
        `expected session ${key}: ${String(want)}, got ${got === undefined ? "not set" : String(got)}`,
      );
  }
  return failures;
}

export interface RunOptions {
  /** The stack each provider's cases use when they name none. */
  readonly defaultStacks: Readonly<Record<Provider, string>>;
}

export class ScenarioRunner {
  private readonly compiled = new Map<string, unknown>();

  constructor(
    private readonly models: ReadonlyMap<string, TerraformModel>,
    private readonly adapters: Adapters,
    private readonly options: RunOptions,
  ) {}

  run(c: LoadedCase): CaseResult {
    const stack = c.stack ?? this.options.defaultStacks[c.provider];
    const model = this.models.get(stack);
    if (!model) {
      return this.failed(c, stack, [
        `stack ${stack} is not loaded; loaded stacks: ${[...this.models.keys()].join(", ") || "(none)"}`,
      ]);
    }
    const unknown = unknownAddressProblems(c.context, model);
    if (unknown.length > 0) return this.failed(c, stack, unknown);
    const adapter = this.adapters[c.provider];
    const key = `${c.provider}\u0000${stack}`;
    if (!this.compiled.has(key)) this.compiled.set(key, adapter.compile(model));
    const facts = adapter.evaluate(this.compiled.get(key), c.context, { trace: true });
    const failures = checkExpectation(c, facts);
    return { case: c, stack, status: failures.length ? "fail" : "pass", failures, facts };
  }

  private failed(c: LoadedCase, stack: string, failures: string[]): CaseResult {
    return { case: c, stack, status: "fail", failures };
  }
}

/** A failure as text: where, what was expected and what came, and the decision's trace. */
export function formatFailure(r: CaseResult): string {
  const lines = [
    `${formatPosition(r.case.position)}: ${r.case.name} [${r.case.provider}, ${r.stack}]`,
    ...r.failures.map((f) => `  ${f}`),
  ];
  if (r.facts) lines.push("  explanation:", formatTrace(r.facts.trace, "    "));
  return lines.join("\n");
}
