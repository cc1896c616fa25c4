import "cdktf/lib/testing/adapters/jest";
import { ConditionalAccessPolicy } from "@cdktf/provider-azuread/lib/conditional-access-policy";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { Testing } from "cdktf";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EntraBaselineStack } from "../../stacks/entra";
import { exampleSpec } from "./test-helpers";

describe("EntraBaselineStack", () => {
  it("configures the azuread provider without credentials (they come from ARM_* variables)", () => {
    const stack = new EntraBaselineStack(Testing.app(), "entra-baseline", exampleSpec());
    const json = Testing.synth(stack);
    expect(json).toHaveProvider(AzureadProvider);
    expect(JSON.parse(json).provider.azuread).toEqual([{}]);
    expect(json).not.toMatch(/client_secret|client_certificate|tenant_id|use_oidc|oidc_token/);
  });

  it("writes cdk.tf.json for the example organisation with all its policies", () => {
    const stack = new EntraBaselineStack(Testing.app(), "entra-baseline", exampleSpec());
    const file = join(Testing.fullSynth(stack), "stacks", "entra-baseline", "cdk.tf.json");
    expect(existsSync(file)).toBe(true);
    const tf = JSON.parse(readFileSync(file, "utf8")) as {
      resource: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(tf.resource.azuread_conditional_access_policy)).toHaveLength(13);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ConditionalAccessPolicy, {
      display_name: "Example Corp: Block device code flow",
      state: "enabledForReportingButNotEnforced",
    });
  });
});
