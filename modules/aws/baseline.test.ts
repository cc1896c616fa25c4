import "cdktf/lib/testing/adapters/jest";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { IamAccountPasswordPolicy } from "@cdktf/provider-aws/lib/iam-account-password-policy";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { Testing } from "cdktf";
import { DEFAULT_SENSITIVE_ACTIONS } from "../spec";
import { AwsMfaBaseline } from "./baseline";
import { CONSOLE_SIGNIN_WITHOUT_MFA_PATTERN } from "./mfa-alerts";
import { recordedPolicyDocument } from "./policy-document";
import { conditionsOf, dataStatements, exampleSpec, statementBySid, synthBaseline } from "./test-support";

// Example Corp: account 111122223333, break-glass users breakglass-1/2, CI role github-actions-deploy.
const BREAK_GLASS = [
  "arn:aws:iam::111122223333:user/breakglass-1",
  "arn:aws:iam::111122223333:user/breakglass-2",
];
const CI_ROLE = "arn:aws:iam::111122223333:role/github-actions-deploy";
const EXEMPT = [...BREAK_GLASS, CI_ROLE];

const spec = exampleSpec();
const { json, tf, baseline } = synthBaseline(spec);

describe("human groups and the force-MFA policy", () => {
  it("creates one IAM group per human tier with the spec's names", () => {
    for (const name of ["Administrators", "Engineers", "Contractors"]) {
      expect(json).toHaveResourceWithProperties(IamGroup, { name });
    }
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
  it("denies everything but the documented MFA self-service list when MFA is absent, with BoolIfExists so long-term keys are denied too", () => {
    const deny = statementBySid(dataStatements(tf, "force_mfa"), "DenyAllExceptListedIfNoMFA");
    expect(deny.effect).toBe("Deny");
    expect(deny.not_actions).toEqual([
      "iam:CreateVirtualMFADevice",
      "iam:EnableMFADevice",
      "iam:GetUser",
      "iam:ListMFADevices",
      "iam:ListVirtualMFADevices",
      "iam:ResyncMFADevice",
      "sts:GetSessionToken",
    ]);
    expect(deny.actions).toBeUndefined();
    expect(deny.resources).toEqual(["*"]);
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
    expect(conditionsOf(deny)).toEqual({
      BoolIfExists: { "aws:MultiFactorAuthPresent": ["false"] },
      ArnNotLike: { "aws:PrincipalArn": EXEMPT },
    });
  });

  it("lets users enrol and manage only their own MFA device, with the policy variable in data-source syntax", () => {
    const statements = dataStatements(tf, "force_mfa");
    expect(statementBySid(statements, "AllowManageOwnUserMFA")).toMatchObject({
      effect: "Allow",
      actions: [
        "iam:DeactivateMFADevice",
        "iam:EnableMFADevice",
        "iam:GetUser",
        "iam:ListMFADevices",
        "iam:ResyncMFADevice",
      ],
      resources: ["arn:aws:iam::111122223333:user/&{aws:username}"],
    });
    expect(statementBySid(statements, "AllowManageOwnVirtualMFADevice").resources).toEqual([
      "arn:aws:iam::111122223333:mfa/*",
    ]);
    expect(statementBySid(statements, "AllowViewAccountInfo").actions).toEqual(["iam:ListVirtualMFADevices"]);
  });

  it("is an IAM policy rendered from the data source and attached to every human group", () => {
    expect(json).toHaveResourceWithProperties(IamPolicy, {
      policy: "${data.aws_iam_policy_document.force_mfa.json}",
    });
    for (const tier of ["administrators", "employees", "contractors"]) {
      expect(json).toHaveResourceWithProperties(IamGroupPolicyAttachment, {
        group: `\${aws_iam_group.${tier}.name}`,
        policy_arn: "${aws_iam_policy.force_mfa.arn}",
      });
    }
  });
});

describe("the fresh-MFA policy", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage
  it("denies the sensitive actions when MFA is absent or older than the window", () => {
    const statements = dataStatements(tf, "fresh_mfa");
    const absent = statementBySid(statements, "DenySensitiveActionsWithoutMfa");
    const stale = statementBySid(statements, "DenySensitiveActionsWithStaleMfa");
    for (const s of [absent, stale]) {
      expect(s.effect).toBe("Deny");
      expect(s.actions).toEqual([...DEFAULT_SENSITIVE_ACTIONS]);
      expect(conditionsOf(s).ArnNotLike).toEqual({ "aws:PrincipalArn": EXEMPT });
    }
    expect(conditionsOf(absent).BoolIfExists).toEqual({ "aws:MultiFactorAuthPresent": ["false"] });
    expect(conditionsOf(stale).NumericGreaterThanEqualsIfExists).toEqual({
      "aws:MultiFactorAuthAge": ["300"],
    });
  });

  it("is attached to every human group", () => {
    for (const tier of ["administrators", "employees", "contractors"]) {
      expect(json).toHaveResourceWithProperties(IamGroupPolicyAttachment, {
        group: `\${aws_iam_group.${tier}.name}`,
        policy_arn: "${aws_iam_policy.fresh_mfa.arn}",
      });
    }
  });

  // "The temporary credentials returned by AssumeRole do not include MFA information in the context, so you
  // cannot check individual API operations for MFA"; "Once the user has assumed the role, no further MFA
  // checks are made." https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
  it("is not attached to any role: role sessions carry no MFA keys, so it would deny their sensitive actions for good", () => {
    expect(tf.resource.aws_iam_role_policy_attachment?.admin_fresh_mfa).toBeUndefined();
    const roleAttachments = Object.values(tf.resource.aws_iam_role_policy_attachment ?? {});
    expect(roleAttachments.map((a) => a.policy_arn)).not.toContain("${aws_iam_policy.fresh_mfa.arn}");
    expect(
      roleAttachments.filter((a) => a.role === "${aws_iam_role.admin.name}").map((a) => a.policy_arn),
    ).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess"]);
  });

  it("uses the spec's window and action list", () => {
    const custom = exampleSpec((aws, input) => {
      aws.sensitiveActions = ["iam:CreateUser", "kms:ScheduleKeyDeletion"];
      input.sessions = { ...input.sessions, freshMfaSeconds: 900 };
    });
    const statements = dataStatements(synthBaseline(custom).tf, "fresh_mfa");
    const stale = statementBySid(statements, "DenySensitiveActionsWithStaleMfa");
    expect(stale.actions).toEqual(["iam:CreateUser", "kms:ScheduleKeyDeletion"]);
    expect(conditionsOf(stale).NumericGreaterThanEqualsIfExists).toEqual({
      "aws:MultiFactorAuthAge": ["900"],
    });
  });
});

describe("the administrator role", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
  it("can only be assumed by this account's principals with an MFA younger than the window", () => {
    const [trust] = dataStatements(tf, "admin_role_trust");
    expect(trust).toMatchObject({
      effect: "Allow",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }],
    });
    expect(conditionsOf(trust)).toEqual({
      Bool: { "aws:MultiFactorAuthPresent": ["true"] },
      NumericLessThan: { "aws:MultiFactorAuthAge": ["300"] },
    });
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html#id_roles_update-session-duration
  it("has the spec's name and session length, and AdministratorAccess", () => {
    expect(json).toHaveResourceWithProperties(IamRole, {
      name: "OrganizationAdmin",
      assume_role_policy: "${data.aws_iam_policy_document.admin_role_trust.json}",
      max_session_duration: 3600,
    });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: "${aws_iam_role.admin.name}",
      policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
    });
    const longer = exampleSpec((_aws, input) => {
      input.sessions = { ...input.sessions, adminRoleSessionHours: 4 };
    });
    expect(synthBaseline(longer).json).toHaveResourceWithProperties(IamRole, {
      name: "OrganizationAdmin",
      max_session_duration: 14400,
    });
  });

  it("is assumable by the administrators group only, with MFA", () => {
    const [allow] = dataStatements(tf, "assume_admin");
    expect(allow).toMatchObject({
      effect: "Allow",
      actions: ["sts:AssumeRole"],
      resources: ["${aws_iam_role.admin.arn}"],
    });
    expect(conditionsOf(allow)).toEqual({ Bool: { "aws:MultiFactorAuthPresent": ["true"] } });
    const attachments = Object.values(tf.resource.aws_iam_group_policy_attachment).filter(
      (a) => a.policy_arn === "${aws_iam_policy.assume_admin.arn}",
    );
    expect(attachments.map((a) => a.group)).toEqual(["${aws_iam_group.administrators.name}"]);
  });
});

describe("the Organizations SCP", () => {
  // Scoped to IAM users and the root user: a role session's requests carry no MFA information
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html), so a
  // deny on aws:MultiFactorAuthPresent would catch every administrator-role session.
  it("denies sensitive actions without MFA to IAM users and root (not roles), exempting break-glass and CI by aws:PrincipalArn (not NotPrincipal)", () => {
    const doc = recordedPolicyDocument(baseline.organizationScp!);
    expect(doc?.Statement).toEqual([
      {
        Sid: "DenySensitiveActionsWithoutMfa",
        Effect: "Deny",
        Action: [...DEFAULT_SENSITIVE_ACTIONS],
        Resource: ["*"],
        Condition: {
          BoolIfExists: { "aws:MultiFactorAuthPresent": ["false"] },
          ArnLike: {
            "aws:PrincipalArn": ["arn:aws:iam::*:user/*", "arn:aws:iam::*:root"],
          },
          ArnNotLike: { "aws:PrincipalArn": EXEMPT },
        },
      },
    ]);
    expect(json).toHaveResourceWithProperties(OrganizationsPolicy, {
      type: "SERVICE_CONTROL_POLICY",
      name: "mfa-baseline-sensitive-actions-need-mfa",
    });
  });

  it("is written with jsonencode, contains no NotPrincipal and is attached to every SCP target", () => {
    const [content] = Object.values(tf.resource.aws_organizations_policy).map((p) => String(p.content));
    expect(content.startsWith("${jsonencode(")).toBe(true);
    expect(content).not.toContain("NotPrincipal");
    expect(json).toHaveResourceWithProperties(OrganizationsPolicyAttachment, {
      policy_id: "${aws_organizations_policy.sensitive_actions_mfa.id}",
      target_id: "r-ex12",
    });
  });
});

describe("the Terraform state bucket policy", () => {
  const doc = recordedPolicyDocument(baseline.stateBucketPolicy);
  const bucket = "arn:aws:s3:::example-corp-terraform-state";

  it("targets the spec's bucket and is written with jsonencode", () => {
    expect(json).toHaveResourceWithProperties(S3BucketPolicy, {
      bucket: "example-corp-terraform-state",
      policy: expect.stringMatching(/^\$\{jsonencode\(/) as unknown as string,
    });
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html (enforce encryption in transit)
  it("denies non-TLS requests to everyone", () => {
    expect(doc?.Statement.find((s) => s.Sid === "DenyInsecureTransport")).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [bucket, `${bucket}/*`],
      Condition: { Bool: { "aws:SecureTransport": ["false"] } },
    });
  });

  it("denies deletes and policy changes without MFA, with break-glass and the CI role exempt", () => {
    const deny = doc?.Statement.find((s) => s.Sid === "DenyStateDeletionWithoutMfa");
    expect(deny).toMatchObject({ Effect: "Deny", Principal: "*", Resource: [bucket, `${bucket}/*`] });
    expect(deny?.Action).toEqual(
      expect.arrayContaining([
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:DeleteBucket",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
      ]),
    );
    expect(deny?.Condition).toEqual({
      BoolIfExists: { "aws:MultiFactorAuthPresent": ["false"] },
      ArnNotLike: { "aws:PrincipalArn": EXEMPT },
    });
  });
});

describe("account password policy and Config rules", () => {
  // CIS AWS Foundations 1.8/1.9: at least 14 characters, no reuse of the last 24.
  it("follows the spec's password policy and requires every character class", () => {
    expect(json).toHaveResourceWithProperties(IamAccountPasswordPolicy, {
      minimum_password_length: 14,
      password_reuse_prevention: 24,
      require_lowercase_characters: true,
      require_uppercase_characters: true,
      require_numbers: true,
      require_symbols: true,
      allow_users_to_change_password: true,
    });
    const [policy] = Object.values(tf.resource.aws_iam_account_password_policy);
    expect(policy.max_password_age).toBeUndefined();
    const expiring = exampleSpec((aws) => {
      aws.passwordPolicy = { minimumLength: 16, reusePrevention: 5, maxAgeDays: 90 };
    });
    expect(synthBaseline(expiring).json).toHaveResourceWithProperties(IamAccountPasswordPolicy, {
      minimum_password_length: 16,
      password_reuse_prevention: 5,
      max_password_age: 90,
    });
  });

  // https://docs.aws.amazon.com/config/latest/developerguide/root-account-mfa-enabled.html and the three sibling rule pages
  it.each([
    "ROOT_ACCOUNT_MFA_ENABLED",
    "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
    "IAM_USER_MFA_ENABLED",
    "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
  ])("adds the AWS managed Config rule %s", (identifier) => {
    expect(json).toHaveResourceWithProperties(ConfigConfigRule, {
      source: { owner: "AWS", source_identifier: identifier },
      maximum_execution_frequency: "TwentyFour_Hours",
    });
  });
});

describe("sign-in alerts", () => {
  // https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-3
  it("counts console sign-ins without MFA on the CloudTrail log group with the CIS filter", () => {
    expect(CONSOLE_SIGNIN_WITHOUT_MFA_PATTERN).toBe(
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    );
    expect(json).toHaveResourceWithProperties(CloudwatchLogMetricFilter, {
      log_group_name: "aws-cloudtrail-logs-example-corp",
      pattern: CONSOLE_SIGNIN_WITHOUT_MFA_PATTERN,
      metric_transformation: { name: "ConsoleSignInWithoutMfa", namespace: "MfaBaseline", value: "1" },
    });
  });

  it("alarms on the metric (same name and namespace as the filter) to the SNS topic", () => {
    expect(json).toHaveResourceWithProperties(SnsTopic, { name: "mfa-baseline-alerts" });
    expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: "ConsoleSignInWithoutMfa",
      namespace: "MfaBaseline",
      statistic: "Sum",
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      alarm_actions: ["${aws_sns_topic.alerts.arn}"],
    });
  });

  it("sends failed console sign-ins from EventBridge to the same topic", () => {
    const [rule] = Object.values(tf.resource.aws_cloudwatch_event_rule);
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      "detail-type": ["AWS Console Sign In via CloudTrail"],
      detail: { eventName: ["ConsoleLogin"], responseElements: { ConsoleLogin: ["Failure"] } },
    });
    expect(json).toHaveResourceWithProperties(CloudwatchEventRule, { name: "console-signin-failures" });
    expect(json).toHaveResourceWithProperties(CloudwatchEventTarget, {
      rule: "${aws_cloudwatch_event_rule.console_signin_failures.name}",
      arn: "${aws_sns_topic.alerts.arn}",
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-resource-based.html#eb-sns-permissions
  it("lets only that rule and that alarm publish to the topic", () => {
    expect(json).toHaveResourceWithProperties(SnsTopicPolicy, {
      arn: "${aws_sns_topic.alerts.arn}",
      policy: expect.stringMatching(/^\$\{jsonencode\(/) as unknown as string,
    });
    const topicPolicy = baseline.node.findAll().find((c): c is SnsTopicPolicy => c instanceof SnsTopicPolicy);
    const statements = recordedPolicyDocument(topicPolicy!)?.Statement;
    expect(statements?.map((s) => [s.Principal, s.Action, s.Condition?.ArnEquals])).toEqual([
      [{ Service: ["events.amazonaws.com"] }, ["sns:Publish"], { "aws:SourceArn": [expect.any(String)] }],
      [{ Service: ["cloudwatch.amazonaws.com"] }, ["sns:Publish"], { "aws:SourceArn": [expect.any(String)] }],
    ]);
    const [policy] = Object.values(tf.resource.aws_sns_topic_policy);
    expect(String(policy.policy)).toContain("aws_cloudwatch_event_rule.console_signin_failures.arn");
    expect(String(policy.policy)).toContain("aws_cloudwatch_metric_alarm.console_signin_without_mfa.arn");
  });
});

describe("GitHub Actions OIDC and the CI role", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
  it("registers GitHub's OIDC provider with the STS audience", () => {
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  it("trusts exactly the repository's listed branch and environment subjects with StringEquals, and the aud", () => {
    const [trust] = dataStatements(tf, "ci_role_trust");
    expect(trust).toMatchObject({
      effect: "Allow",
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [
        { type: "Federated", identifiers: ["${aws_iam_openid_connect_provider.github_actions.arn}"] },
      ],
    });
    expect(conditionsOf(trust)).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"],
        "token.actions.githubusercontent.com:sub": [
          "repo:example-corp/infrastructure:ref:refs/heads/main",
          "repo:example-corp/infrastructure:environment:production",
        ],
      },
    });
  });

  it("has the spec's name, a one-hour session and the spec's managed policies", () => {
    expect(json).toHaveResourceWithProperties(IamRole, {
      name: "github-actions-deploy",
      assume_role_policy: "${data.aws_iam_policy_document.ci_role_trust.json}",
      max_session_duration: 3600,
    });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: "${aws_iam_role.ci.name}",
      policy_arn: "arn:aws:iam::aws:policy/PowerUserAccess",
    });
  });
});

describe("AWS CLI outputs", () => {
  // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html#cli-configure-role-mfa
  it("give a profile with role_arn of the admin role, the mfa_serial pattern and duration_seconds within max_session_duration", () => {
    const profile = String(tf.output.aws_cli_admin_profile.value);
    expect(profile).toContain("[profile example-corp-admin]");
    expect(profile).toContain("source_profile = example-corp\n");
    expect(profile).toContain("role_arn = ${aws_iam_role.admin.arn}");
    expect(profile).toContain("mfa_serial = arn:aws:iam::111122223333:mfa/<iam-user-name>");
    expect(profile).toContain("duration_seconds = 3600");
    expect(tf.output.admin_role_arn.value).toBe("${aws_iam_role.admin.arn}");
    expect(tf.output.admin_role_duration_seconds.value).toBe(3600);
    expect(tf.output.mfa_serial_pattern.value).toBe("arn:aws:iam::111122223333:mfa/<iam-user-name>");
    expect(tf.output.ci_role_arn.value).toBe("${aws_iam_role.ci.arn}");
  });
});

describe("construction", () => {
  it("fails with a clear message when the spec has no aws section", () => {
    const noAws = exampleSpec((_aws, input) => {
      delete input.aws;
    });
    expect(() => Testing.synthScope((scope) => new AwsMfaBaseline(scope, "baseline", noAws))).toThrow(
      /the spec has no "aws" section/,
    );
  });

  it("refuses a second baseline in the same stack, whose fixed addresses would collide", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new AwsMfaBaseline(scope, "one", spec);
        new AwsMfaBaseline(scope, "two", spec);
      }),
    ).toThrow(/already an AWS MFA baseline in this stack/);
  });
});
