/**
 * An invariant: an org rule stated over a context and its decision. Relational invariants (order
 * independence, monotonicity of exclusions, report-only never enforcing) compare the decision with
 * the one on a transformed configuration.
 */
import type { Outcome, Requirement } from "../decision";
import type { DecisionFacts, Provider } from "../providers";
import type { TerraformModel } from "../terraform/model";

/** allow < mfa < deny. `indeterminate` is never comparable: an invariant meeting it fails. */
const RANK: Record<Exclude<Outcome, "indeterminate">, number> = { allow: 0, mfa: 1, deny: 2 };

/** Whether `b` is stricter than `a`: a higher outcome, or `mfa` asking for more. */
export function isStricter(a: DecisionFacts, b: DecisionFacts): boolean {
  const x = a.verdict.outcome;
  const y = b.verdict.outcome;
  if (x === "indeterminate" || y === "indeterminate") return x !== y;
  if (RANK[y] !== RANK[x]) return RANK[y] > RANK[x];
  if (x !== "mfa") return false;
  const before = new Set(a.verdict.requires ?? []);
  return (b.verdict.requires ?? []).some((r) => !before.has(r));
}

export function sameOutcome(a: DecisionFacts, b: DecisionFacts): boolean {
  const ra = [...(a.verdict.requires ?? [])].sort().join(",");
  const rb = [...(b.verdict.requires ?? [])].sort().join(",");
  return a.verdict.outcome === b.verdict.outcome && ra === rb;
}

interface InvariantBase<Context> {
  /** Stable identifier, e.g. `break-glass-never-blocked`. */
  readonly id: string;
  /** The org rule in one sentence, as an auditor would read it. */
  readonly title: string;
  readonly provider: Provider;
  /** Whether the invariant speaks about this context at all. */
  applies(context: Context): boolean;
}

/** What a correct configuration decides for a context: the expectation of a printed counterexample case. */
export interface ExpectedResult {
  readonly outcome: Outcome;
  /** For `mfa`: what must be asked for (pins e.g. phishing-resistant, not just any MFA). */
  readonly requires?: readonly Requirement[];
}

/** A predicate over one decision. */
export interface PointInvariant<Context> extends InvariantBase<Context> {
  readonly kind: "point";
  /** `undefined` when the rule holds; otherwise what is wrong. */
  violation(context: Context, facts: DecisionFacts): string | undefined;
  /** The outcome a correct configuration gives here: the expectation of the printed counterexample case. */
  expected(context: Context, facts: DecisionFacts): Outcome | ExpectedResult;
}

/** A relation between the decision on the configuration and on `transform(configuration)`. */
export interface RelationalInvariant<Context> extends InvariantBase<Context> {
  readonly kind: "relational";
  /** One or more variants of the configuration (e.g. each policy switched to report-only). */
  variants(model: TerraformModel): readonly { readonly label: string; readonly model: TerraformModel }[];
  /** `equal`: same outcome and requirements; `not-stricter`: the variant never decides more strictly. */
  readonly relation: "equal" | "not-stricter";
}

export type Invariant<Context = unknown> = PointInvariant<Context> | RelationalInvariant<Context>;
