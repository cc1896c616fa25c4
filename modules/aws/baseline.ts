/**
 * The AWS side of the MFA baseline for one account: IAM for people and CI, the optional Organizations
 * SCP, the state bucket policy, the password policy, MFA drift checks and sign-in alerts.
 * Break-glass users and the CI role are exempt (by `aws:PrincipalArn`) from every MFA deny it writes.
 */
import type { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import type { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import type { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import type { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { AwsSpec, BaselineSpec } from "../spec";
import { addMfaConfigRules, addPasswordPolicy } from "./account-hygiene";
import { addCliProfileOutputs } from "./cli-profile-outputs";
import { addGithubCi } from "./github-ci";
import { addHumanAccess, type HumanTier } from "./human-access";
import { addMfaAlerts } from "./mfa-alerts";
import { addOrganizationScp } from "./organization-scp";
import { addStateBucketPolicy } from "./state-bucket-policy";

export class AwsMfaBaseline extends Construct {
  readonly aws: AwsSpec;
  readonly groups: Readonly<Record<HumanTier, IamGroup>>;
  readonly forceMfaPolicy: IamPolicy;
  readonly freshMfaPolicy: IamPolicy;
  readonly adminRole: IamRole;
  readonly githubOidcProvider: IamOpenidConnectProvider;
  readonly ciRole: IamRole;
  /** Present when the spec has `aws.organization`. */
  readonly organizationScp: OrganizationsPolicy | undefined;
  readonly stateBucketPolicy: S3BucketPolicy;
  readonly alertTopic: SnsTopic;

  constructor(scope: Construct, id: string, spec: BaselineSpec) {
    super(scope, id);
    if (!spec.aws) {
      throw new Error(
        `${this.node.path}: the spec has no "aws" section; add one (account, groups, break-glass users, CI) or leave out the AWS baseline`,
      );
    }
    const stack = TerraformStack.of(this);
    const other = stack.node.findAll().find((c) => c !== this && c instanceof AwsMfaBaseline);
    if (other) {
      throw new Error(
        `${this.node.path}: ${other.node.path} is already an AWS MFA baseline in this stack; use one stack per AWS account`,
      );
    }
    const aws = spec.aws;
    this.aws = aws;

    const humans = addHumanAccess(this, spec, aws);
    this.groups = humans.groups;
    this.forceMfaPolicy = humans.forceMfaPolicy;
    this.freshMfaPolicy = humans.freshMfaPolicy;
    this.adminRole = humans.adminRole;

    const ci = addGithubCi(this, aws);
    this.githubOidcProvider = ci.oidcProvider;
    this.ciRole = ci.role;

    this.organizationScp = addOrganizationScp(this, aws);
    this.stateBucketPolicy = addStateBucketPolicy(this, aws);
    addPasswordPolicy(this, aws);
    addMfaConfigRules(this);
    this.alertTopic = addMfaAlerts(this, aws).topic;
    addCliProfileOutputs(this, spec, aws, this.adminRole, this.ciRole);
  }
}
