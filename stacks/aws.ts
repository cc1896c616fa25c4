import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects } from "cdktf";
import { ReadableAddressStack } from "../modules/addresses";
import type { Construct } from "constructs";
import { AwsMfaBaseline } from "../modules/aws/baseline";
import { awsGuardRules } from "../modules/aws/guards";
import { LockoutGuards } from "../modules/guards";
import type { BaselineSpec } from "../modules/spec";

/**
 * The AWS baseline of one account. Credentials come from the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID,
 * SSO, instance roles ...), never from this code; `allowed_account_ids` stops an apply against the wrong account.
 */
export class AwsBaselineStack extends ReadableAddressStack {
  constructor(scope: Construct, id: string, spec: BaselineSpec) {
    super(scope, id);
    if (!spec.aws)
      throw new Error(`${id}: the spec has no "aws" section, so there is no AWS baseline to build`);
    new AwsProvider(this, "aws", {
      region: spec.aws.region,
      allowedAccountIds: [spec.aws.accountId],
      defaultTags: [{ tags: { ManagedBy: "mfa-baseline", Organisation: spec.organisation } }],
    });
    new AwsMfaBaseline(this, "mfa-baseline", spec);
    Aspects.of(this).add(new LockoutGuards(awsGuardRules(spec)));
  }
}
