import "cdktf/lib/testing/adapters/jest";
import { ConditionalAccessPolicy } from "@cdktf/provider-azuread/lib/conditional-access-policy";
import { Testing } from "cdktf";
import { EntraBaselineStack } from "../../stacks/entra";
import { guardFindings } from "../guards";
import type { BaselineSpec } from "../spec";
import { ENTRA_BREAK_GLASS, ENTRA_REPORT_ONLY_FIRST, entraGuardRules } from "./guards";
import { exampleSpec } from "./test-helpers";

const [BG1, BG2] = ["8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a61", "8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a62"];

/** The real stack: provider, baseline and the Entra guards as the LockoutGuards aspect. */
function guardedBaseline(spec: BaselineSpec = exampleSpec()) {
  const stack = new EntraBaselineStack(Testing.app(), "entra-baseline", spec);
  const baseline = stack.baseline;
  const policy = (id: string): ConditionalAccessPolicy => {
    const p = baseline.policies.get(id);
    if (!p) throw new Error(`no policy ${id}`);
    return p;
  };
  /** Runs the aspects (as synth does) and returns the error annotations. */
  const findings = (): string[] => {
    Testing.synth(stack);
    return guardFindings(stack);
  };
  return { stack, baseline, policy, findings };
}

describe("Entra lockout guards", () => {
  it("let the example organisation synthesize", () => {
    const { stack, findings } = guardedBaseline();
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(findings()).toEqual([]);
  });

  describe(ENTRA_BREAK_GLASS, () => {
    it("fails synth when an escape hatch removes break-glass from a blocking policy, naming policy and accounts", () => {
      const { stack, policy } = guardedBaseline();
      policy("block-legacy-auth").addOverride("conditions.users.excluded_users", undefined);
      expect(() => Testing.fullSynth(stack)).toThrow(
        new RegExp(
          `Encountered Annotations with level "ERROR"[\\s\\S]*\\[${ENTRA_BREAK_GLASS}\\] Conditional Access policy "Example Corp: Block legacy authentication" \\(block-legacy-auth\\) ` +
            `blocks access but does not exclude the break-glass account\\(s\\) ${BG1}, ${BG2} in conditions\\.users\\.excluded_users`,
        ),
      );
    });

    it("flags a non-blocking policy too (changed through the construct's setters), listing only the missing account", () => {
      const { policy, findings } = guardedBaseline();
      policy("mfa-all-users").conditions.users.excludedUsers = [BG1];
      expect(findings()).toEqual([
        expect.stringMatching(
          new RegExp(
            `\\[${ENTRA_BREAK_GLASS}\\] Conditional Access policy "Example Corp: MFA for all users" \\(mfa-all-users\\) does not exclude the break-glass account\\(s\\) ${BG2} in`,
          ),
        ),
      ]);
    });

    it("flags an emptied exclusion list", () => {
      const { policy, findings } = guardedBaseline();
      policy("block-device-code-flow").conditions.users.excludedUsers = [];
      expect(findings()).toEqual([
        expect.stringContaining(
          `"Example Corp: Block device code flow" (block-device-code-flow) blocks access but does not exclude`,
        ),
      ]);
    });

    it("does not accept a reference in place of the break-glass IDs", () => {
      const { stack, policy, findings } = guardedBaseline();
      const other = new ConditionalAccessPolicy(stack, "other", {
        displayName: "other",
        state: "disabled",
        conditions: {
          clientAppTypes: ["all"],
          applications: { includedApplications: ["All"] },
          users: { includedUsers: ["None"] },
        },
        grantControls: { operator: "OR", builtInControls: ["mfa"] },
      });
      policy("user-risk").conditions.users.excludedUsers = [other.id];
      expect(findings()).toEqual(
        expect.arrayContaining([
          expect.stringContaining(`(user-risk) does not exclude the break-glass account(s) ${BG1}, ${BG2}`),
        ]),
      );
    });

    it("checks Conditional Access policies the baseline did not create", () => {
      const { stack, findings } = guardedBaseline();
      new ConditionalAccessPolicy(stack, "extra", {
        displayName: "Team block",
        state: "enabledForReportingButNotEnforced",
        conditions: {
          clientAppTypes: ["all"],
          applications: { includedApplications: ["All"] },
          users: { includedUsers: ["All"] },
        },
        grantControls: { operator: "OR", builtInControls: ["block"] },
      });
      expect(findings()).toEqual([
        expect.stringMatching(
          /\[ENTRA-BREAK-GLASS\] Conditional Access policy "Team block" blocks access but does not exclude/,
        ),
      ]);
    });
  });

  describe(ENTRA_REPORT_ONLY_FIRST, () => {
    it("fails synth for an enforced policy with no report-only stage on record, saying what to add", () => {
      const spec = exampleSpec((i) => ({
        ...i,
        rollout: { policies: { "block-legacy-auth": { mode: "enforce" } } },
      }));
      const { stack } = guardedBaseline(spec);
      expect(() => Testing.fullSynth(stack)).toThrow(
        /\[ENTRA-REPORT-ONLY-FIRST\] Conditional Access policy "Example Corp: Block legacy authentication" \(block-legacy-auth\) is enforced but never had a report-only stage on record\. Add to rollout\.policies\.block-legacy-auth either reportOnlyCompleted: "YYYY-MM-DD" \(the date its report-only stage ended\) or acknowledgeNoReportOnly/,
      );
    });

    it("accepts an explicit acknowledgement instead of a report-only stage", () => {
      const spec = exampleSpec((i) => ({
        ...i,
        rollout: {
          policies: {
            "block-legacy-auth": {
              mode: "enforce",
              acknowledgeNoReportOnly: "no legacy clients since 2024 (sign-in logs)",
            },
          },
        },
      }));
      const { findings } = guardedBaseline(spec);
      expect(findings()).toEqual([]);
    });

    it("flags both policies that share the sign-in-risk rollout", () => {
      const spec = exampleSpec((i) => ({
        ...i,
        rollout: { policies: { "sign-in-risk": { mode: "enforce" } } },
      }));
      const { findings } = guardedBaseline(spec);
      expect(findings()).toEqual([
        expect.stringContaining(
          '"Example Corp: MFA for medium and high sign-in risk" (sign-in-risk) is enforced but never had',
        ),
        expect.stringContaining(
          '"Example Corp: Block high sign-in risk" (sign-in-risk) is enforced but never had',
        ),
      ]);
    });

    it("flags a report-only policy whose state an escape hatch set to enabled", () => {
      const { stack, policy } = guardedBaseline();
      policy("block-device-code-flow").addOverride("state", "enabled");
      expect(() => Testing.fullSynth(stack)).toThrow(
        /\[ENTRA-REPORT-ONLY-FIRST\] Conditional Access policy "Example Corp: Block device code flow" \(block-device-code-flow\) is enabled although rollout\.policies\.block-device-code-flow is report-only/,
      );
    });

    it("flags a state value Entra does not know", () => {
      const { policy, findings } = guardedBaseline();
      policy("mfa-guests").addOverride("state", "on");
      expect(findings()).toEqual([
        expect.stringContaining(
          '(mfa-guests) has state "on"; allowed: enabled, disabled, enabledForReportingButNotEnforced.',
        ),
      ]);
    });

    it("does not judge a disabled or report-only policy", () => {
      const spec = exampleSpec((i) => ({ ...i, rollout: { policies: {} } }));
      const { findings } = guardedBaseline(spec);
      expect(findings()).toEqual([]);
    });
  });

  it("need the spec's entra section", () => {
    expect(() => entraGuardRules(exampleSpec((i) => ({ ...i, entra: undefined })))).toThrow(
      /no "entra" section/,
    );
  });
});
