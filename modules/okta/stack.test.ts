import "cdktf/lib/testing/adapters/jest";
import { OktaProvider } from "@cdktf/provider-okta/lib/provider";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { parseBaselineSpec } from "../spec";
import { exampleOrg } from "../../stacks/example-org";
import { OktaBaselineStack } from "../../stacks/okta";

describe("OktaBaselineStack", () => {
  const spec = parseBaselineSpec(exampleOrg);

  it("configures the Okta provider with no value in code, so credentials in the environment never reach the JSON", () => {
    const saved = { ...process.env };
    process.env.OKTA_ORG_NAME = "example-corp-org-name";
    process.env.OKTA_API_TOKEN = "00SECRET-token-value";
    try {
      const out = Testing.synth(new OktaBaselineStack(Testing.app(), "okta-baseline", spec));
      expect(out).toHaveProvider(OktaProvider);
      expect(JSON.parse(out).provider.okta).toEqual([{}]);
      expect(out).not.toContain("00SECRET-token-value");
      expect(out).not.toContain("example-corp-org-name");
    } finally {
      process.env = saved;
    }
  });

  it("refuses a spec without an okta section", () => {
    const withoutOkta = { ...exampleOrg, okta: undefined };
    expect(
      () => new OktaBaselineStack(Testing.app(), "okta-baseline", parseBaselineSpec(withoutOkta)),
    ).toThrow(/OktaBaselineStack "okta-baseline": the spec has no okta section/);
  });

  it("writes cdk.tf.json under stacks/okta-baseline on a full synth", () => {
    const app = Testing.app();
    new OktaBaselineStack(app, "okta-baseline", spec);
    expect(() => app.synth()).not.toThrow();
    const file = join(app.outdir, "stacks", "okta-baseline", "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, unknown> };
    expect(Object.keys(json.resource).sort()).toEqual([
      "okta_app_access_policy_assignment",
      "okta_app_signon_policy",
      "okta_app_signon_policy_rule",
      "okta_behavior",
      "okta_group",
      "okta_network_zone",
      "okta_policy_mfa",
      "okta_policy_rule_mfa",
      "okta_policy_rule_signon",
      "okta_policy_signon",
      "okta_threat_insight_settings",
    ]);
  });
});
