/**
 * Lockout guards: rules that look at each construct before synth and fail it with an error annotation
 * when the configuration could lock out break-glass or CI, or enforce a policy without a report-only
 * stage. `app.synth()` and `cdktf synth` fail on error annotations; `Testing.synth` does not, so guard
 * tests use `Testing.fullSynth`/`app.synth()` or read the annotations.
 */
import { Annotations, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";

export interface GuardRule {
  /** Stable identifier printed with each finding, e.g. `ENTRA-BREAK-GLASS`. */
  readonly id: string;
  /** One finding per problem on this construct: what is wrong and how to fix it. Empty when fine or not applicable. */
  check(node: IConstruct): readonly string[];
}

export class LockoutGuards implements IAspect {
  constructor(private readonly rules: readonly GuardRule[]) {}

  visit(node: IConstruct): void {
    for (const rule of this.rules) {
      for (const finding of rule.check(node)) Annotations.of(node).addError(`[${rule.id}] ${finding}`);
    }
  }
}

/** The error annotations guards put on a construct tree (for tests and the CLI). */
export function guardFindings(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === "@cdktf/error")
        .map((m) => `${c.node.path}: ${String(m.data)}`),
    );
}
