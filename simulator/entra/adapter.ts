/** The Entra evaluator as a provider adapter for scenarios, properties and the CLI. */
import type { TraceEntry } from "../decision";
import type { DecisionFacts, ProviderAdapter } from "../providers";
import { compileEntra } from "./compile";
import { entraContextSchema, type EntraContext } from "./context";
import type { EntraDecision } from "./decision";
import { evaluateEntra } from "./evaluate";
import type { EntraModel } from "./model";

type Session = Readonly<Record<string, string | number | boolean>>;
const NO_SESSION: Session = Object.freeze({});

function sessionOf(d: EntraDecision): Session {
  const frequency = d.sessionControls.signInFrequency;
  const browser = d.sessionControls.persistentBrowser;
  if (!frequency && !browser) return NO_SESSION;
  const session: Record<string, string | number | boolean> = {};
  if (frequency)
    session.signInFrequency = frequency.kind === "everyTime" ? "everyTime" : `${frequency.hours}h`;
  if (browser) session.persistentBrowser = browser.mode;
  return session;
}

/**
 * The facts of one decision. Unless a trace is asked for, the evaluation runs without one (properties
 * and `verify` evaluate millions of sign-ins and read only the verdict); the trace, the report-only
 * results and the deciding policies are then worked out when first read (evaluation is pure, so
 * evaluating again with a trace gives the same decision).
 */
class EntraFacts implements DecisionFacts {
  readonly verdict: DecisionFacts["verdict"];
  private sessionSettings?: Session;
  private decided?: readonly string[];
  private reportOnlyResults?: Readonly<Record<string, string>>;

  constructor(
    private readonly model: EntraModel,
    private readonly context: EntraContext,
    private readonly decision: EntraDecision,
    private traced?: readonly TraceEntry[],
  ) {
    this.verdict = decision.verdict;
  }

  get session(): Session {
    return (this.sessionSettings ??= sessionOf(this.decision));
  }

  get decidedBy(): readonly string[] {
    return (this.decided ??= this.decision.applied.map((p) => p.address));
  }

  get reportOnly(): Readonly<Record<string, string>> {
    return (this.reportOnlyResults ??= Object.fromEntries(
      this.decision.reportOnly.map((r) => [r.address, r.label.replace(/^Report-only: /, "")]),
    ));
  }

  get trace(): readonly TraceEntry[] {
    return (this.traced ??= evaluateEntra(this.model, this.context, { trace: true }).trace ?? []);
  }

  /** Prints as the plain facts, trace included. */
  toJSON(): DecisionFacts {
    return {
      verdict: this.verdict,
      decidedBy: this.decidedBy,
      reportOnly: this.reportOnly,
      session: this.session,
      trace: this.trace,
    };
  }
}

export const entraAdapter: ProviderAdapter<EntraModel, EntraContext> = {
  provider: "entra",
  contextSchema: entraContextSchema,
  compile: compileEntra,
  findings: (model) =>
    model.diagnostics.map(
      (d) =>
        `${d.severity}: ${d.address}${d.path ? ` ${d.path}` : ""}: ${d.message}${d.source ? ` (${d.source})` : ""}`,
    ),
  evaluate(model, context, options): DecisionFacts {
    const decision = evaluateEntra(model, context, { trace: options?.trace === true });
    return new EntraFacts(model, context, decision, decision.trace);
  },
};
