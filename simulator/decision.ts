/**
 * The normalised outcome every provider evaluator returns next to its provider-specific detail, so
 * scenarios, properties and the verifier speak one language across AWS, Entra and Okta.
 */

/**
 * - `allow`: access proceeds with what the context already presented.
 * - `mfa`: access proceeds once the user completes the required (stronger) authentication.
 * - `deny`: access is refused whatever the user does in this sign-in/request.
 * - `indeterminate`: the simulator met something it cannot interpret; `indeterminate` says where.
 */
export const OUTCOMES = ["allow", "mfa", "deny", "indeterminate"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * What an `mfa` outcome asks for, strongest first when several apply:
 * `phishing-resistant` (FIDO2/WebAuthn, Windows Hello, certificate; Okta's phishing-resistant constraint),
 * `passwordless-mfa`, `mfa` (any second factor), `fresh-mfa` (AWS: MFA younger than the window),
 * `password-change` (Entra user risk), or `custom:<name>` for a custom authentication strength.
 */
export type Requirement =
  "phishing-resistant" | "passwordless-mfa" | "mfa" | "fresh-mfa" | "password-change" | `custom:${string}`;

/** One line of an explanation: which policy/statement/rule, what it concluded, and why. */
export interface TraceEntry {
  /** Policy address, statement sid, rule name... */
  readonly subject: string;
  /** Short result, e.g. `applied`, `not applied`, `matched`, `skipped`, `explicit deny`. */
  readonly result: string;
  /** Why, with the resolved values compared (e.g. `users: excluded by excluded_users (break-glass)`). */
  readonly detail?: string;
  readonly children?: readonly TraceEntry[];
}

export interface Verdict {
  readonly outcome: Outcome;
  /** Set when outcome is `mfa`: every requirement the user must still meet. */
  readonly requires?: readonly Requirement[];
  /** Set when outcome is `indeterminate`: each place the simulator could not interpret, with location. */
  readonly indeterminate?: readonly string[];
  /** One sentence for summaries, e.g. `blocked by azuread_conditional_access_policy.block_legacy_auth`. */
  readonly summary: string;
}

/** Renders a trace as indented lines, for failures and `explain`. */
export function formatTrace(entries: readonly TraceEntry[], indent = ""): string {
  return entries
    .map((e) => {
      const line = `${indent}${e.subject}: ${e.result}${e.detail ? ` — ${e.detail}` : ""}`;
      return e.children?.length ? `${line}\n${formatTrace(e.children, `${indent}  `)}` : line;
    })
    .join("\n");
}
