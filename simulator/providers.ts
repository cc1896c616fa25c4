/**
 * What the scenario runner, the CLI, properties and the verifier need from a provider evaluator:
 * one adapter per provider, so none of them has provider-specific code.
 */
import type { z } from "zod";
import type { TraceEntry, Verdict } from "./decision";
import type { TerraformModel } from "./terraform/model";

export const PROVIDERS = ["aws", "entra", "okta"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** The provider-neutral facts of one decision, which expectations are checked against. */
export interface DecisionFacts {
  readonly verdict: Verdict;
  /** Addresses of what decided: policies, rules (`address` or `address#rule`), statements (`address#sid`). */
  readonly decidedBy: readonly string[];
  /** Entra report-only results by policy address (`Success`, `Failure`, `User action required`, `Not applied`). */
  readonly reportOnly?: Readonly<Record<string, string>>;
  /** Session settings that apply (sign-in frequency, persistent browser, session lifetime, ...). */
  readonly session?: Readonly<Record<string, string | number | boolean>>;
  /** Empty unless asked for with `{ trace: true }`. */
  readonly trace: readonly TraceEntry[];
}

export interface EvaluateOptions {
  /** Build the explanation trace (default false: `trace` is then empty). */
  readonly trace?: boolean;
}

export interface ProviderAdapter<Model = unknown, Context = unknown> {
  readonly provider: Provider;
  /** The strict schema of a complete context (scenario contexts are validated against it after personas merge). */
  readonly contextSchema: z.ZodType<Context>;
  compile(model: TerraformModel): Model;
  /** Traces cost allocations: scenarios and `explain` ask for them; properties and verification do not. */
  evaluate(model: Model, context: Context, options?: EvaluateOptions): DecisionFacts;
  /** What compiling found in the configuration (validation errors and warnings, unreadable parts), each with its resource address. */
  findings(model: Model): readonly string[];
}
