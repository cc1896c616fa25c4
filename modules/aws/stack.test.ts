import "cdktf/lib/testing/adapters/jest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { AwsBaselineStack } from "../../stacks/aws";
import { exampleSpec } from "./test-support";

describe("AwsBaselineStack", () => {
  const stack = new AwsBaselineStack(Testing.app(), "aws-baseline", exampleSpec());
  const json = Testing.synth(stack);
  const provider = (JSON.parse(json) as { provider: { aws: Record<string, unknown>[] } }).provider.aws;

  it("configures the AWS provider for the spec's region and pins the account", () => {
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      allowed_account_ids: ["111122223333"],
    });
  });

  it("takes credentials from the environment only: no credential attribute in the provider block", () => {
    expect(provider).toHaveLength(1);
    for (const key of [
      "access_key",
      "secret_key",
      "token",
      "profile",
      "shared_credentials_files",
      "assume_role",
      "assume_role_with_web_identity",
    ]) {
      expect(provider[0]).not.toHaveProperty(key);
    }
    expect(json).not.toMatch(/AKIA[0-9A-Z]{16}|aws_secret_access_key|secret_key/i);
  });

  it("fails clearly when the spec has no aws section", () => {
    const noAws = exampleSpec((_aws, input) => delete input.aws);
    expect(() => new AwsBaselineStack(Testing.app(), "aws-baseline", noAws)).toThrow(
      /aws-baseline: the spec has no "aws" section/,
    );
  });
});
