import type { BaselineSpec, EntraPolicyKey } from "../spec";
import { rolloutOf } from "../spec";

export type PolicyState = "enabled" | "enabledForReportingButNotEnforced" | "disabled";

export const REPORT_ONLY: PolicyState = "enabledForReportingButNotEnforced";

/**
 * The `state` a baseline policy gets from its rollout. A policy that targets a user action cannot run
 * report-only: Entra does not evaluate user-action policies in report-only mode
 * (learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only), so
 * during its report-only stage it is created `disabled`, which is what report-only would amount to,
 * and the baseline says so in a warning.
 */
export function policyState(
  spec: BaselineSpec,
  key: EntraPolicyKey,
  targetsUserAction: boolean,
): PolicyState {
  if (rolloutOf(spec, key).mode === "enforce") return "enabled";
  return targetsUserAction ? "disabled" : REPORT_ONLY;
}
