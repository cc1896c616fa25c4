/**
 * Lockout guards for the Entra baseline (GuardRule objects for the LockoutGuards aspect). They read the
 * attributes each Conditional Access policy will actually synthesize, so a change made through an
 * override or escape hatch is judged too.
 */
import type { IConstruct } from "constructs";
import type { GuardRule } from "../guards";
import { rolloutOf, type BaselineSpec } from "../spec";
import { policyKeyOf } from "./policy-keys";
import { REPORT_ONLY } from "./policy-state";
import { blockAt, conditionalAccessAttributes, stringsAt, type Attributes } from "./synthesized-attributes";

export const ENTRA_BREAK_GLASS = "ENTRA-BREAK-GLASS";
export const ENTRA_REPORT_ONLY_FIRST = "ENTRA-REPORT-ONLY-FIRST";

const KNOWN_STATES: readonly string[] = ["enabled", "disabled", REPORT_ONLY];

export function entraGuardRules(spec: BaselineSpec): GuardRule[] {
  const entra = spec.entra;
  if (!entra)
    throw new Error(
      'entraGuardRules: the spec has no "entra" section, so there are no break-glass accounts to guard',
    );
  return [breakGlassExcluded(entra.breakGlassUserIds), reportOnlyBeforeEnforce(spec)];
}

/** Every policy, blocking or not, excludes every break-glass account (learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups). */
function breakGlassExcluded(breakGlassUserIds: readonly string[]): GuardRule {
  return {
    id: ENTRA_BREAK_GLASS,
    check(node: IConstruct): readonly string[] {
      const attributes = conditionalAccessAttributes(node);
      if (!attributes) return [];
      const excluded = stringsAt(blockAt(attributes, ["conditions", "users"]), "excluded_users") ?? [];
      const missing = breakGlassUserIds.filter((id) => !excluded.includes(id));
      if (missing.length === 0) return [];
      const blocks = (stringsAt(blockAt(attributes, ["grant_controls"]), "built_in_controls") ?? []).includes(
        "block",
      );
      return [
        `${describe(node, attributes)} ${blocks ? "blocks access but " : ""}does not exclude the break-glass account(s) ` +
          `${missing.join(", ")} in conditions.users.excluded_users. Every policy must exclude every entra.breakGlassUserIds ` +
          `entry so an emergency account can always sign in; add them to excluded_users.`,
      ];
    },
  };
}

/** An enabled baseline policy must have had a report-only stage, or the spec must say why not. */
function reportOnlyBeforeEnforce(spec: BaselineSpec): GuardRule {
  return {
    id: ENTRA_REPORT_ONLY_FIRST,
    check(node: IConstruct): readonly string[] {
      const attributes = conditionalAccessAttributes(node);
      if (!attributes) return [];
      const state = attributes.state;
      if (typeof state !== "string" || !KNOWN_STATES.includes(state)) {
        return [
          `${describe(node, attributes)} has state ${JSON.stringify(state)}; allowed: ${KNOWN_STATES.join(", ")}.`,
        ];
      }
      const key = policyKeyOf(node);
      // A policy the baseline did not create has no rollout entry to check against.
      if (state !== "enabled" || key === undefined) return [];
      const rollout = rolloutOf(spec, key);
      const field = `rollout.policies.${key}`;
      if (rollout.mode === "report-only") {
        return [
          `${describe(node, attributes)} is enabled although ${field} is report-only (was its state overridden?). ` +
            `Keep it report-only, or after its report-only stage set ${field} to { mode: "enforce", reportOnlyCompleted: "YYYY-MM-DD" }.`,
        ];
      }
      if (rollout.reportOnlyCompleted || rollout.acknowledgeNoReportOnly) return [];
      return [
        `${describe(node, attributes)} is enforced but never had a report-only stage on record. Add to ${field} either ` +
          `reportOnlyCompleted: "YYYY-MM-DD" (the date its report-only stage ended) or acknowledgeNoReportOnly: "<why it skips one>".`,
      ];
    },
  };
}

function describe(node: IConstruct, attributes: Attributes): string {
  const name = typeof attributes.display_name === "string" ? `"${attributes.display_name}"` : node.node.path;
  const key = policyKeyOf(node);
  return `Conditional Access policy ${name}${key ? ` (${key})` : ""}`;
}
