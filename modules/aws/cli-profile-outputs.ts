/**
 * Outputs that set people up to use the AWS CLI's own MFA prompt and credential cache: an
 * `~/.aws/config` profile for the administrator role (`role_arn`, `mfa_serial`, `duration_seconds`).
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html#cli-configure-role-mfa
 */
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { AwsSpec, BaselineSpec } from "../spec";
import { mfaSerialPattern } from "./principals";

export function profilePrefix(spec: BaselineSpec): string {
  return (
    spec.organisation
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "org"
  );
}

export function addCliProfileOutputs(
  scope: Construct,
  spec: BaselineSpec,
  aws: AwsSpec,
  adminRole: IamRole,
  ciRole: IamRole,
): void {
  const prefix = profilePrefix(spec);
  // AssumeRole straight from the user's keys is not role chaining, so the full role session is available.
  const durationSeconds = spec.sessions.adminRoleSessionHours * 3600;
  const output = (id: string, value: string | number, description: string) =>
    new TerraformOutput(scope, id, { value, description, staticId: true });

  output("admin_role_arn", adminRole.arn, "The administrator role; assume it with MFA.");
  output(
    "mfa_serial_pattern",
    mfaSerialPattern(aws),
    "Each person's mfa_serial: their virtual MFA device ARN.",
  );
  output(
    "admin_role_duration_seconds",
    durationSeconds,
    "duration_seconds for the administrator profile (the role's maximum).",
  );
  output(
    "aws_cli_admin_profile",
    [
      `[profile ${prefix}]`,
      `region = ${aws.region}`,
      "# credentials: your IAM user's access keys in ~/.aws/credentials under this name",
      "",
      `[profile ${prefix}-admin]`,
      `source_profile = ${prefix}`,
      `role_arn = ${adminRole.arn}`,
      `mfa_serial = ${mfaSerialPattern(aws)}`,
      `duration_seconds = ${durationSeconds}`,
      `region = ${aws.region}`,
      "",
    ].join("\n"),
    "Paste into ~/.aws/config, replacing <iam-user-name>; the AWS CLI prompts for the MFA code and caches the session.",
  );
  output("ci_role_arn", ciRole.arn, "role-to-assume for aws-actions/configure-aws-credentials.");
}
