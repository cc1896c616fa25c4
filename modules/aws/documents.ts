/**
 * The policy documents of the AWS baseline as plain data, built from the spec. Constructs render them;
 * tests and reviewers read them here.
 */
import { MFA_BOOTSTRAP_ACTIONS, type AwsSpec, type BaselineSpec } from "../spec";
import {
  policyDocument,
  type ConditionBlock,
  type PolicyDocument,
  type PolicyStatement,
} from "./policy-document";
import {
  accountRootArn,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  githubBranchSubject,
  githubEnvironmentSubject,
  mfaExemptArns,
  PRINCIPAL_ARN_KEY,
} from "./principals";

/**
 * The NotAction list of `DenyAllExceptListedIfNoMFA`, exactly as AWS documents it: the actions a user
 * needs to enrol an MFA device before having one.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
 */
export const FORCE_MFA_NOT_ACTIONS = MFA_BOOTSTRAP_ACTIONS;

/** State-bucket actions that destroy state or change who may touch it. Lifecycle and versioning changes are deletes by other means. */
export const STATE_BUCKET_PROTECTED_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
] as const;

/** A Service Control Policy may hold at most 5,120 characters (AWS Organizations quotas). */
export const SCP_MAX_CHARACTERS = 5120;

/**
 * `Deny` + `BoolIfExists aws:MultiFactorAuthPresent false` also denies long-term access keys, where the
 * key is absent; `Bool` would let them through.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 */
export const MFA_ABSENT: ConditionBlock = { BoolIfExists: { "aws:MultiFactorAuthPresent": ["false"] } };

/** Keeps break-glass users and the CI role out of a deny, by `aws:PrincipalArn` rather than `NotPrincipal`. */
export function exemptionCondition(aws: AwsSpec): ConditionBlock {
  return { ArnNotLike: { [PRINCIPAL_ARN_KEY]: mfaExemptArns(aws) } };
}

function denyUnless(
  aws: AwsSpec,
  statement: Omit<PolicyStatement, "Effect" | "Condition">,
  condition: ConditionBlock,
): PolicyStatement {
  return {
    Sid: statement.Sid,
    Effect: "Deny",
    ...statement,
    Condition: { ...condition, ...exemptionCondition(aws) },
  };
}

/** AWS's "manage your own MFA, deny everything else without MFA" policy, with the exemptions added. */
export function forceMfaDocument(aws: AwsSpec): PolicyDocument {
  return policyDocument(
    { Sid: "AllowViewAccountInfo", Effect: "Allow", Action: ["iam:ListVirtualMFADevices"], Resource: ["*"] },
    {
      Sid: "AllowManageOwnVirtualMFADevice",
      Effect: "Allow",
      Action: ["iam:CreateVirtualMFADevice"],
      Resource: [`arn:aws:iam::${aws.accountId}:mfa/*`],
    },
    {
      Sid: "AllowManageOwnUserMFA",
      Effect: "Allow",
      Action: [
        "iam:DeactivateMFADevice",
        "iam:EnableMFADevice",
        "iam:GetUser",
        "iam:ListMFADevices",
        "iam:ResyncMFADevice",
      ],
      Resource: [`arn:aws:iam::${aws.accountId}:user/\${aws:username}`],
    },
    denyUnless(
      aws,
      { Sid: "DenyAllExceptListedIfNoMFA", NotAction: [...FORCE_MFA_NOT_ACTIONS], Resource: ["*"] },
      MFA_ABSENT,
    ),
  );
}

/**
 * Sensitive actions need an MFA younger than the window: an age equal to the window is already stale,
 * as in the administrator role's `NumericLessThan` trust. `aws:MultiFactorAuthAge` is absent without MFA,
 * so `NumericGreaterThanEqualsIfExists` denies that case too; the explicit `BoolIfExists` statement says it plainly.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage
 */
export function freshMfaDocument(spec: BaselineSpec, aws: AwsSpec): PolicyDocument {
  const actions = [...aws.sensitiveActions];
  return policyDocument(
    denyUnless(aws, { Sid: "DenySensitiveActionsWithoutMfa", Action: actions, Resource: ["*"] }, MFA_ABSENT),
    denyUnless(
      aws,
      { Sid: "DenySensitiveActionsWithStaleMfa", Action: actions, Resource: ["*"] },
      {
        NumericGreaterThanEqualsIfExists: {
          "aws:MultiFactorAuthAge": [String(spec.sessions.freshMfaSeconds)],
        },
      },
    ),
  );
}

/**
 * Trust policy of the administrator role: principals of this account, with an MFA younger than the
 * fresh-MFA window at AssumeRole. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
 */
export function adminRoleTrustDocument(spec: BaselineSpec, aws: AwsSpec): PolicyDocument {
  return policyDocument({
    Sid: "AssumeWithFreshMfa",
    Effect: "Allow",
    Principal: { AWS: [accountRootArn(aws)] },
    Action: ["sts:AssumeRole"],
    Condition: {
      Bool: { "aws:MultiFactorAuthPresent": ["true"] },
      NumericLessThan: { "aws:MultiFactorAuthAge": [String(spec.sessions.freshMfaSeconds)] },
    },
  });
}

/** Lets the administrators group assume the administrator role (the role's trust policy requires MFA as well). */
export function adminAssumeDocument(adminRoleArn: string): PolicyDocument {
  return policyDocument({
    Sid: "AssumeAdministratorRoleWithMfa",
    Effect: "Allow",
    Action: ["sts:AssumeRole"],
    Resource: [adminRoleArn],
    Condition: { Bool: { "aws:MultiFactorAuthPresent": ["true"] } },
  });
}

/** A branch or environment name is a StringLike pattern when it holds `*` or `?`. */
function isPattern(name: string): boolean {
  return /[*?]/.test(name);
}

/**
 * Trust policy of the CI role: GitHub's OIDC provider, audience `sts.amazonaws.com`, and `sub` limited to
 * the listed branches and environments of one repository. Exact names use StringEquals; names with
 * wildcards use StringLike in a statement of their own (operators in one statement are ANDed).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
 */
export function ciRoleTrustDocument(aws: AwsSpec, oidcProviderArn: string): PolicyDocument {
  const { repository, branches, environments, sourceIpCidrs } = aws.ci;
  for (const name of [...branches, ...environments]) {
    if (/^[*?/]+$/.test(name)) {
      throw new Error(
        `aws.ci: "${name}" would let every branch or environment of ${repository} assume the CI role; name the branches and environments`,
      );
    }
  }
  const subjects = [
    ...branches.map((b) => githubBranchSubject(repository, b)),
    ...environments.map((e) => githubEnvironmentSubject(repository, e)),
  ];
  const exact = subjects.filter((s) => !isPattern(s));
  const patterns = subjects.filter(isPattern);
  const audience = { [`${GITHUB_OIDC_HOST}:aud`]: [GITHUB_OIDC_AUDIENCE] };
  const sourceIp: ConditionBlock =
    sourceIpCidrs.length > 0 ? { IpAddress: { "aws:SourceIp": [...sourceIpCidrs] } } : {};
  const statement = (sid: string, sub: ConditionBlock): PolicyStatement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Federated: [oidcProviderArn] },
    Action: ["sts:AssumeRoleWithWebIdentity"],
    Condition: { ...sub, ...sourceIp },
  });
  const statements: PolicyStatement[] = [];
  if (exact.length > 0) {
    statements.push(
      statement("GitHubActionsExactRefs", {
        StringEquals: { ...audience, [`${GITHUB_OIDC_HOST}:sub`]: exact },
      }),
    );
  }
  if (patterns.length > 0) {
    statements.push(
      statement("GitHubActionsRefPatterns", {
        StringEquals: audience,
        StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: patterns },
      }),
    );
  }
  return policyDocument(...statements);
}

/**
 * Compensating control for the CI role: nothing from outside the runners' networks. Calls AWS services
 * make on the role's behalf carry the service's address, hence `aws:ViaAWSService`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html
 */
export function ciSourceIpDocument(aws: AwsSpec): PolicyDocument {
  return policyDocument({
    Sid: "DenyOutsideRunnerNetworks",
    Effect: "Deny",
    Action: ["*"],
    Resource: ["*"],
    Condition: {
      NotIpAddress: { "aws:SourceIp": [...aws.ci.sourceIpCidrs] },
      Bool: { "aws:ViaAWSService": ["false"] },
    },
  });
}

/**
 * The Organizations SCP: sensitive actions without MFA are denied to the long-term identities of people
 * (IAM users and the root user) in the accounts it is attached to; break-glass and CI are exempt.
 * SCPs do not restrict the management account (AWS Organizations user guide, "Service control policies").
 */
export function organizationScpDocument(aws: AwsSpec): PolicyDocument {
  return policyDocument({
    Sid: "DenySensitiveActionsWithoutMfa",
    Effect: "Deny",
    Action: [...aws.sensitiveActions],
    Resource: ["*"],
    Condition: {
      ...MFA_ABSENT,
      ArnLike: { [PRINCIPAL_ARN_KEY]: humanPrincipalPatterns() },
      ...exemptionCondition(aws),
    },
  });
}

/**
 * Roles are deliberately not human principals here: role sessions carry no MFA information, "so you cannot
 * check individual API operations for MFA" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html),
 * and a deny conditioned on it would lock the administrator role out of sensitive actions for good. The
 * administrator role asks for fresh MFA at sts:AssumeRole instead (adminRoleTrustDocument).
 */
export function humanPrincipalPatterns(): string[] {
  return ["arn:aws:iam::*:user/*", "arn:aws:iam::*:root"];
}

/** The Terraform state bucket: no deletes or policy changes without MFA (break-glass and CI exempt), and TLS only for everyone. */
export function stateBucketDocument(aws: AwsSpec): PolicyDocument {
  const bucket = `arn:aws:s3:::${aws.stateBucket.name}`;
  return policyDocument(
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [bucket, `${bucket}/*`],
      Condition: { Bool: { "aws:SecureTransport": ["false"] } },
    },
    denyUnless(
      aws,
      {
        Sid: "DenyStateDeletionWithoutMfa",
        Principal: "*",
        Action: [...STATE_BUCKET_PROTECTED_ACTIONS],
        Resource: [bucket, `${bucket}/*`],
      },
      MFA_ABSENT,
    ),
  );
}

/** Lets EventBridge and CloudWatch alarms of this account publish to the alert topic, each only from its own rule or alarm. */
export function alertTopicDocument(
  aws: AwsSpec,
  topicArn: string,
  eventRuleArn: string,
  alarmArn: string,
): PolicyDocument {
  const publish = (sid: string, service: string, sourceArn: string): PolicyStatement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: [service] },
    Action: ["sns:Publish"],
    Resource: [topicArn],
    Condition: {
      ArnEquals: { "aws:SourceArn": [sourceArn] },
      StringEquals: { "aws:SourceAccount": [aws.accountId] },
    },
  });
  return policyDocument(
    publish("AllowEventBridgeRule", "events.amazonaws.com", eventRuleArn),
    publish("AllowCloudWatchAlarm", "cloudwatch.amazonaws.com", alarmArn),
  );
}
