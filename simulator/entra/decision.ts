/** What `evaluateEntra` returns: Entra's own view (What-If style) plus the normalised verdict. */
import type { Requirement, TraceEntry, Verdict } from "../decision";
import type { SignInFrequency } from "./model";
import type { GrantControlKind, NotAppliedReason } from "./vocabulary";

/**
 * A policy's result for this sign-in: `success` (conditions met and controls already satisfied),
 * `failure` (blocked, or a control the sign-in cannot satisfy), `userActionRequired` (the user must still
 * complete e.g. MFA), `notApplied`, or `indeterminate` (part of the policy could not be read).
 */
export type PolicyResult = "success" | "failure" | "userActionRequired" | "notApplied" | "indeterminate";

/** Microsoft's report-only labels (https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only, R4). */
export const REPORT_ONLY_LABELS: Readonly<Record<PolicyResult, string>> = {
  success: "Report-only: Success",
  failure: "Report-only: Failure",
  userActionRequired: "Report-only: User action required",
  notApplied: "Report-only: Not applied",
  indeterminate: "Report-only: Indeterminate",
};

export interface RequiredControl {
  readonly kind: GrantControlKind;
  /** What the user must do, in the normalised vocabulary. */
  readonly requirement: Requirement;
  /** Authentication strength display name, terms of use or custom factor ID. */
  readonly name?: string;
  /** The enforced policies that ask for it. */
  readonly policies: readonly string[];
}

export interface PolicyOutcome {
  readonly address: string;
  readonly displayName: string;
  readonly result: PolicyResult;
  /** For `failure`: why (block, or the control that cannot be satisfied). For `indeterminate`: what could not be read. */
  readonly detail?: string;
}

export interface ReportOnlyOutcome extends PolicyOutcome {
  readonly label: string;
}

export interface NotAppliedPolicy {
  readonly address: string;
  readonly state: "enabled" | "reportOnly" | "disabled";
  /** The first condition that was not satisfied, in What-If order (https://learn.microsoft.com/entra/identity/conditional-access/what-if-tool, R25). */
  readonly reason: NotAppliedReason;
}

export interface AggregatedSessionControls {
  /** The most restrictive sign-in frequency (Microsoft does not document the combination; the strictest is assumed). */
  readonly signInFrequency?: SignInFrequency & { readonly policies: readonly string[] };
  /** `never` wins over `always`. */
  readonly persistentBrowser?: { readonly mode: "always" | "never"; readonly policies: readonly string[] };
  readonly cloudAppSecurity: readonly { readonly mode: string; readonly policy: string }[];
  readonly applicationEnforcedRestrictions: readonly string[];
  readonly disableResilienceDefaults: readonly string[];
}

export interface EntraDecision {
  readonly verdict: Verdict;
  /** Enforced (enabled) policies whose conditions all matched, with their result. */
  readonly applied: readonly PolicyOutcome[];
  /** Every report-only policy, with Microsoft's label. */
  readonly reportOnly: readonly ReportOnlyOutcome[];
  /** Controls still required by enforced policies, in the documented prompt order (R20); the first is prompted next. */
  readonly requiredControls: readonly RequiredControl[];
  readonly sessionControls: AggregatedSessionControls;
  readonly notApplied: readonly NotAppliedPolicy[];
  /** With `{ trace: true }`: one entry per policy with the compared values. */
  readonly trace?: readonly TraceEntry[];
}
