/** The Entra evaluator as a provider adapter for scenarios, properties and the CLI. */
import type { DecisionFacts, ProviderAdapter } from "../providers";
import { compileEntra } from "./compile";
import { entraContextSchema, type EntraContext } from "./context";
import { evaluateEntra } from "./evaluate";
import type { EntraModel } from "./model";

export const entraAdapter: ProviderAdapter<EntraModel, EntraContext> = {
  provider: "entra",
  contextSchema: entraContextSchema,
  compile: compileEntra,
  evaluate(model, context, options): DecisionFacts {
    const d = evaluateEntra(model, context, { trace: options?.trace ?? false });
    const reportOnly = Object.fromEntries(d.reportOnly.map((r) => [r.address, r.label.replace(/^Report-only: /, "")]));
    const session: Record<string, string | number | boolean> = {};
    const frequency = d.sessionControls.signInFrequency;
    if (frequency) session.signInFrequency = frequency.kind === "everyTime" ? "everyTime" : `${frequency.hours}h`;
    if (d.sessionControls.persistentBrowser) session.persistentBrowser = d.sessionControls.persistentBrowser.mode;
    return { verdict: d.verdict, decidedBy: d.applied.map((p) => p.address), reportOnly, session, trace: d.trace ?? [] };
  },
};
