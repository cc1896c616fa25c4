/** The Okta evaluator as a provider adapter for scenarios, properties and the CLI. */
import type { DecisionFacts, ProviderAdapter } from "../providers";
import { compileOkta } from "./compile";
import { oktaContextSchema, type OktaContext } from "./context";
import { evaluateOkta } from "./evaluate";
import type { OktaModel } from "./model";

export const oktaAdapter: ProviderAdapter<OktaModel, OktaContext> = {
  provider: "okta",
  contextSchema: oktaContextSchema,
  compile: compileOkta,
  findings: (model) =>
    [...model.globalSessionProblems, ...model.enrollmentProblems].map((p) => `error: ${p}`),
  evaluate(model, context, options): DecisionFacts {
    const d = evaluateOkta(model, context, { trace: options?.trace ?? false });
    const decidedBy = [
      d.blockedBy,
      d.globalSession?.policy,
      d.globalSession?.rule,
      d.authentication?.policy,
      d.authentication?.rule,
    ].filter((a): a is string => a !== undefined);
    const session: Record<string, string | number | boolean> = {};
    if (d.session) {
      session.idleMinutes = d.session.idleMinutes;
      session.lifetimeMinutes = d.session.lifetimeMinutes;
      session.persistent = d.session.persistent;
      session.primaryFactor = d.session.primaryFactor;
      if (d.session.mfaPrompt) session.mfaPrompt = d.session.mfaPrompt;
    }
    if (d.factorMode) session.factorMode = d.factorMode;
    if (d.reauthentication) session.reauthenticateEvery = d.reauthentication.frequency;
    return { verdict: d.verdict, decidedBy, session, trace: d.trace ?? [] };
  },
};
