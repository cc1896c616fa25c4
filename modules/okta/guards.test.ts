import "cdktf/lib/testing/adapters/jest";
import { AppSignonPolicyRule } from "@cdktf/provider-okta/lib/app-signon-policy-rule";
import { PolicyRuleSignon } from "@cdktf/provider-okta/lib/policy-rule-signon";
import { PolicySignon } from "@cdktf/provider-okta/lib/policy-signon";
import { Testing, TerraformVariable } from "cdktf";
import { guardFindings } from "../guards";
import { parseBaselineSpec } from "../spec";
import { exampleOrg } from "../../stacks/example-org";
import { OktaBaselineStack } from "../../stacks/okta";
import { oktaBreakGlassGuard } from "./guards";

const spec = parseBaselineSpec(exampleOrg);
const [BG1, BG2] = ["00u1breakglass0000x1", "00u1breakglass0000x2"];

function stack(): OktaBaselineStack {
  return new OktaBaselineStack(Testing.app(), "okta-baseline", spec);
}

function ruleNamed(s: OktaBaselineStack, name: string): PolicyRuleSignon {
  const rule = s.baseline.sessions.workforce.rules.find((r) => r.nameInput === name);
  if (!rule) throw new Error(`no workforce rule "${name}"`);
  return rule;
}

/** Runs the aspects (Testing.synth does, without failing) and returns the error annotations. */
function findings(s: OktaBaselineStack): string[] {
  Testing.synth(s);
  return guardFindings(s);
}

describe("OKTA-BREAK-GLASS guard", () => {
  it("passes the baseline as built: full synth succeeds with no findings", () => {
    const s = stack();
    expect(() => Testing.fullSynth(s)).not.toThrow();
    expect(guardFindings(s)).toEqual([]);
  });

  it("fails synth when an escape hatch removes the exclusion from a session deny rule, naming the rule and the IDs", () => {
    const s = stack();
    // Overrides merge lists by appending, so removing the attribute is the escape hatch that drops exclusions.
    ruleNamed(s, "Deny blocked countries").addOverride("users_excluded", undefined);
    expect(() => Testing.fullSynth(s)).toThrow(/Encountered Annotations/);
    const found = guardFindings(s);
    expect(found).toEqual([
      expect.stringContaining(
        `[OKTA-BREAK-GLASS] okta_policy_rule_signon "Deny blocked countries" denies access but does not exclude break-glass user(s) ${BG1}, ${BG2}; add them to users_excluded`,
      ),
    ]);
    expect(found[0]).toMatch(/^okta-baseline\/okta-baseline\/session\/workforce-deny-blocked-countries: /);
  });

  it("names only the break-glass users that are missing", () => {
    const s = stack();
    new PolicyRuleSignon(s, "partial", {
      policyId: s.baseline.sessions.workforce.policy.id,
      name: "Deny one country",
      access: "DENY",
      usersExcluded: [BG1],
    });
    const found = findings(s);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(
      `"Deny one country" denies access but does not exclude break-glass user(s) ${BG2};`,
    );
    expect(found[0]).not.toContain(BG1);
  });

  it("catches a null override of users_excluded", () => {
    const s = stack();
    ruleNamed(s, "Deny anonymisers").addOverride("users_excluded", null);
    expect(findings(s)).toEqual([
      expect.stringContaining(`"Deny anonymisers" denies access, but users_excluded is null`),
    ]);
  });

  it("catches an allow rule turned into a deny by an escape hatch", () => {
    const s = stack();
    ruleNamed(s, "Everywhere else: MFA").addOverride("access", "DENY");
    const found = findings(s);
    expect(found).toEqual([
      expect.stringContaining(
        `okta_policy_rule_signon "Everywhere else: MFA" denies access but does not exclude break-glass user(s) ${BG1}, ${BG2}; add them to users_excluded`,
      ),
    ]);
  });

  it("catches an authentication policy deny rule added next to the baseline", () => {
    const s = stack();
    const policy = s.baseline.apps.generalApps!.policy;
    new AppSignonPolicyRule(s, "extra-deny", {
      policyId: policy.id,
      name: "Deny unmanaged devices",
      access: "DENY",
      priority: 4,
    });
    expect(() => Testing.fullSynth(s)).toThrow(/OKTA-BREAK-GLASS/);
    const s2 = stack();
    new AppSignonPolicyRule(s2, "extra-deny", {
      policyId: s2.baseline.apps.generalApps!.policy.id,
      name: "Deny unmanaged devices",
      access: "DENY",
      usersExcluded: [BG2, BG1, "00uother000000000001"],
    });
    expect(findings(s2)).toEqual([]);
  });

  it("fails closed when users_excluded or access is not a literal it can check", () => {
    const s = stack();
    const excluded = new TerraformVariable(s, "excluded", { type: "list(string)" });
    const access = new TerraformVariable(s, "access", { type: "string" });
    const policy = new PolicySignon(s, "p", { name: "extra" });
    new PolicyRuleSignon(s, "by-variable", {
      policyId: policy.id,
      name: "Excluded by variable",
      access: "DENY",
      usersExcluded: excluded.listValue,
    });
    new PolicyRuleSignon(s, "access-variable", {
      policyId: policy.id,
      name: "Access by variable",
      access: access.stringValue,
      usersExcluded: [BG1, BG2],
    });
    const found = findings(s);
    expect(found).toHaveLength(2);
    expect(found.join("\n")).toMatch(
      /"Excluded by variable" denies access, but users_excluded is \$\{var\.excluded\}, not a literal list/,
    );
    expect(found.join("\n")).toMatch(
      /"Access by variable": access is \$\{var\.access\}, not a literal ALLOW or DENY/,
    );
  });

  it("ignores allow rules and other resources", () => {
    const guard = oktaBreakGlassGuard([BG1]);
    const s = stack();
    for (const node of s.node.findAll()) {
      const isRule = node instanceof PolicyRuleSignon || node instanceof AppSignonPolicyRule;
      if (!isRule) expect(guard.check(node)).toEqual([]);
    }
    const allow = ruleNamed(s, "Everywhere else: MFA");
    expect(guard.check(allow)).toEqual([]);
  });
});
