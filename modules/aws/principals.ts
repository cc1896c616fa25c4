/**
 * ARNs of the principals the baseline names in policies. Exemptions use literal ARNs built from the
 * spec (not Terraform references), so an SCP or bucket policy does not depend on the CI role being
 * created first and reads the same in the plan as in the spec.
 */
import type { AwsSpec } from "../spec";

/** Documented as the condition key to exempt principals with, instead of `NotPrincipal`: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn */
export const PRINCIPAL_ARN_KEY = "aws:PrincipalArn";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export function accountRootArn(aws: AwsSpec): string {
  return `arn:aws:iam::${aws.accountId}:root`;
}

export function userArn(aws: AwsSpec, userName: string): string {
  return `arn:aws:iam::${aws.accountId}:user/${userName}`;
}

export function roleArn(aws: AwsSpec, roleName: string): string {
  return `arn:aws:iam::${aws.accountId}:role/${roleName}`;
}

export function breakGlassArns(aws: AwsSpec): string[] {
  return aws.breakGlassUsers.map((u) => userArn(aws, u));
}

export function ciRoleArn(aws: AwsSpec): string {
  return roleArn(aws, aws.ci.roleName);
}

/** Every principal kept out of the MFA denies: break-glass users first, then the CI role. */
export function mfaExemptArns(aws: AwsSpec): string[] {
  return [...breakGlassArns(aws), ciRoleArn(aws)];
}

/** The virtual MFA device ARN the AWS CLI's `mfa_serial` takes, with `<user>` for the IAM user name. */
export function mfaSerialPattern(aws: AwsSpec): string {
  return `arn:aws:iam::${aws.accountId}:mfa/<iam-user-name>`;
}

/** GitHub's OIDC `sub` for a branch or an environment of the repository (docs.github.com, "Example subject claims"). */
export function githubBranchSubject(repository: string, branch: string): string {
  return `repo:${repository}:ref:refs/heads/${branch}`;
}

export function githubEnvironmentSubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}
