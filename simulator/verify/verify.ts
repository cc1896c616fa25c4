/**
 * Checks invariants over a context space: exhaustively (every point; `verify`) or by random walk with
 * shrinking (fast-check; the property suites). A violation is reported with a minimal context and the
 * same context as a scenario case ready to paste.
 */
import fc from "fast-check";
import { stringify } from "yaml";
import type { Outcome } from "../decision";
import type { DecisionFacts, ProviderAdapter } from "../providers";
import type { TerraformModel } from "../terraform/model";
import { isStricter, sameOutcome, type ExpectedResult, type Invariant } from "./invariant";
import {
  arbitraryOf,
  distinctiveness,
  enumerateIndices,
  spaceSize,
  valuesAt,
  type ContextSpace,
} from "./space";

export interface Counterexample {
  readonly context: unknown;
  readonly message: string;
  readonly actual: Outcome;
  /** The scenario case (YAML) that pins the correct behaviour; it fails until the configuration is fixed. */
  readonly scenario: string;
}

export interface InvariantResult {
  readonly id: string;
  readonly title: string;
  readonly provider: string;
  readonly stack: string;
  /** `vacuous`: no point of the space is one the invariant speaks about (a sign the space or the applicability is wrong). */
  readonly status: "proved" | "refuted" | "vacuous";
  /** Points where the invariant applied. */
  readonly checked: number;
  readonly counterexamples: readonly Counterexample[];
}

export interface VerifyInput<C> {
  readonly adapter: ProviderAdapter<unknown, C>;
  readonly model: TerraformModel;
  readonly stack: string;
  readonly space: ContextSpace<C>;
  readonly invariants: readonly Invariant<C>[];
  /** Called every `every` points with how many are done. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Minimal counterexamples kept per invariant. */
  readonly keep?: number;
}

export function scenarioCase(
  provider: string,
  stack: string,
  name: string,
  context: unknown,
  expected: Outcome | ExpectedResult,
  note: string,
): string {
  const { outcome, requires } =
    typeof expected === "string" ? { outcome: expected, requires: undefined } : expected;
  const expect = requires ? { outcome, requires: [...requires] } : { outcome };
  return stringify([{ name, provider, stack, context, expect, note }], { lineWidth: 0 });
}

interface Check<C> {
  readonly invariant: Invariant<C>;
  /** A violation message and the outcome a correct configuration gives, or undefined. */
  test(context: C, base: DecisionFacts): { message: string; expected: Outcome | ExpectedResult } | undefined;
}

function checksFor<C>(input: VerifyInput<C>): Check<C>[] {
  const { adapter, model } = input;
  return input.invariants.map((invariant): Check<C> => {
    if (invariant.kind === "point") {
      return {
        invariant,
        test(context, base) {
          if (base.verdict.outcome === "indeterminate") {
            return {
              message: `indeterminate: ${(base.verdict.indeterminate ?? [base.verdict.summary]).join("; ")}`,
              expected: invariant.expected(context, base),
            };
          }
          const message = invariant.violation(context, base);
          return message === undefined ? undefined : { message, expected: invariant.expected(context, base) };
        },
      };
    }
    const variants = invariant
      .variants(model)
      .map((v) => ({ label: v.label, compiled: adapter.compile(v.model) }));
    return {
      invariant,
      test(context, base) {
        for (const v of variants) {
          const other = adapter.evaluate(v.compiled, context);
          const broken = invariant.relation === "equal" ? !sameOutcome(base, other) : isStricter(base, other);
          if (broken) {
            return {
              message: `${v.label}: ${base.verdict.outcome}${fmtReq(base)} became ${other.verdict.outcome}${fmtReq(other)}`,
              expected: base.verdict.outcome,
            };
          }
        }
        return undefined;
      },
    };
  });
}

const fmtReq = (f: DecisionFacts): string =>
  f.verdict.requires?.length ? ` [${f.verdict.requires.join(", ")}]` : "";

/** Every point of the space, every invariant: proved, refuted with minimal counterexamples, or vacuous. */
export function verifyExhaustively<C>(input: VerifyInput<C>): InvariantResult[] {
  const { adapter, space, stack } = input;
  const keep = input.keep ?? 3;
  const compiled = adapter.compile(input.model);
  const checks = checksFor(input);
  const checked = checks.map(() => 0);
  const found = checks.map(
    (): {
      rank: number;
      indices: number[];
      context: C;
      message: string;
      expected: Outcome | ExpectedResult;
      actual: Outcome;
    }[] => [],
  );
  const total = spaceSize(space);
  let done = 0;
  for (const indices of enumerateIndices(space)) {
    const context = space.build(valuesAt(space, indices));
    let base: DecisionFacts | undefined;
    checks.forEach((check, i) => {
      if (!check.invariant.applies(context)) return;
      checked[i]++;
      base ??= adapter.evaluate(compiled, context);
      const bad = check.test(context, base);
      if (!bad) return;
      const rank = distinctiveness(indices);
      const list = found[i];
      if (list.length < keep || rank < list[list.length - 1].rank) {
        list.push({ rank, indices: [...indices], context, ...bad, actual: base.verdict.outcome });
        list.sort((a, b) => a.rank - b.rank);
        if (list.length > keep) list.pop();
      }
    });
    if (input.onProgress && ++done % 50_000 === 0) input.onProgress(done, total);
  }
  return checks.map((check, i) => ({
    id: check.invariant.id,
    title: check.invariant.title,
    provider: check.invariant.provider,
    stack,
    status: checked[i] === 0 ? "vacuous" : found[i].length ? "refuted" : "proved",
    checked: checked[i],
    counterexamples: found[i].map((f) => ({
      context: f.context,
      message: f.message,
      actual: f.actual,
      scenario: scenarioCase(
        check.invariant.provider,
        stack,
        `${check.invariant.id}: counterexample`,
        f.context,
        f.expected,
        `${check.invariant.title} — ${f.message}`,
      ),
    })),
  }));
}

/**
 * A fast-check property for one invariant over the space. On failure fast-check prints the seed and
 * the shrunk context; the error message adds the scenario case to paste.
 */
export function invariantProperty<C>(
  input: Omit<VerifyInput<C>, "invariants" | "onProgress" | "keep">,
  invariant: Invariant<C>,
): fc.IPropertyWithHooks<[C]> {
  const compiled = input.adapter.compile(input.model);
  const [check] = checksFor({ ...input, invariants: [invariant] });
  return fc.property(arbitraryOf(input.space), (context) => {
    if (!invariant.applies(context)) return;
    const base = input.adapter.evaluate(compiled, context);
    const bad = check.test(context, base);
    if (bad) {
      const yaml = scenarioCase(
        invariant.provider,
        input.stack,
        `${invariant.id}: counterexample`,
        context,
        bad.expected,
        `${invariant.title} — ${bad.message}`,
      );
      throw new Error(`${invariant.id} violated: ${bad.message}\nScenario case to paste:\n${yaml}`);
    }
  });
}
