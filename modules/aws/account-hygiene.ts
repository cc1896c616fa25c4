/** Account-wide settings: the IAM password policy and the AWS Config managed rules that watch MFA drift. */
import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { IamAccountPasswordPolicy } from "@cdktf/provider-aws/lib/iam-account-password-policy";
import type { Construct } from "constructs";
import type { AwsSpec } from "../spec";
import { addressed } from "./logical-id";

/**
 * Managed rule identifiers (AWS Config developer guide; CIS 1.10/1.5/1.6 and Security Hub IAM.5, IAM.9,
 * IAM.6, IAM.19). All four are periodic rules over global IAM resources, so deploy them in one region.
 * They need an AWS Config configuration recorder in that region, which this baseline does not create.
 */
export const MFA_CONFIG_RULES = [
  "ROOT_ACCOUNT_MFA_ENABLED",
  "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
  "IAM_USER_MFA_ENABLED",
  "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
] as const;

export function addPasswordPolicy(scope: Construct, aws: AwsSpec): IamAccountPasswordPolicy {
  const { minimumLength, reusePrevention, maxAgeDays } = aws.passwordPolicy;
  return addressed(
    new IamAccountPasswordPolicy(scope, "password-policy", {
      minimumPasswordLength: minimumLength,
      requireLowercaseCharacters: true,
      requireUppercaseCharacters: true,
      requireNumbers: true,
      requireSymbols: true,
      allowUsersToChangePassword: true,
      passwordReusePrevention: reusePrevention,
      // 0 in the spec means passwords do not expire; IAM's MaxPasswordAge accepts only 1-1095, so leave it unset.
      maxPasswordAge: maxAgeDays > 0 ? maxAgeDays : undefined,
      hardExpiry: false,
    }),
    "this",
  );
}

export function addMfaConfigRules(scope: Construct): ConfigConfigRule[] {
  return MFA_CONFIG_RULES.map((identifier) => {
    const address = identifier.toLowerCase();
    return addressed(
      new ConfigConfigRule(scope, `config-${address}`, {
        name: address.replace(/_/g, "-"),
        description: `AWS managed rule ${identifier}: continuous check that MFA stays enabled.`,
        source: { owner: "AWS", sourceIdentifier: identifier },
        maximumExecutionFrequency: "TwentyFour_Hours",
      }),
      address,
    );
  });
}
