/**
 * Detection: console sign-in without MFA (CIS metric filter and alarm) and failed console sign-ins
 * (EventBridge), both to one SNS topic, the hook for an automated response playbook.
 */
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import type { Construct } from "constructs";
import type { AwsSpec } from "../spec";
import { alertTopicDocument } from "./documents";
import { addressed } from "./logical-id";
import { jsonencodePolicy, recordPolicyDocument } from "./policy-document";

/**
 * The filter Security Hub control CloudWatch.3 prescribes ("Additional fields or terms cannot be added"):
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-3
 */
export const CONSOLE_SIGNIN_WITHOUT_MFA_PATTERN =
  '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }';

export const METRIC_NAMESPACE = "MfaBaseline";
export const CONSOLE_SIGNIN_WITHOUT_MFA_METRIC = "ConsoleSignInWithoutMfa";

/**
 * Failed console sign-ins, wrong MFA code included (CloudTrail records them as ConsoleLogin with
 * `responseElements.ConsoleLogin = "Failure"`). Sign-in events reach EventBridge in the region of the
 * sign-in endpoint, for the global endpoint us-east-1; deploy this stack there or add a rule in us-east-1.
 */
export const CONSOLE_SIGNIN_FAILURE_EVENT_PATTERN = {
  "detail-type": ["AWS Console Sign In via CloudTrail"],
  detail: { eventName: ["ConsoleLogin"], responseElements: { ConsoleLogin: ["Failure"] } },
} as const;

export interface MfaAlerts {
  readonly topic: SnsTopic;
}

export function addMfaAlerts(scope: Construct, aws: AwsSpec): MfaAlerts {
  const topic = addressed(new SnsTopic(scope, "alerts-topic", { name: aws.alarmTopicName }), "alerts");

  addressed(
    new CloudwatchLogMetricFilter(scope, "console-signin-without-mfa-filter", {
      name: "console-signin-without-mfa",
      logGroupName: aws.cloudTrailLogGroup,
      pattern: CONSOLE_SIGNIN_WITHOUT_MFA_PATTERN,
      metricTransformation: {
        name: CONSOLE_SIGNIN_WITHOUT_MFA_METRIC,
        namespace: METRIC_NAMESPACE,
        value: "1",
      },
    }),
    "console_signin_without_mfa",
  );
  const alarm = addressed(
    new CloudwatchMetricAlarm(scope, "console-signin-without-mfa-alarm", {
      alarmName: "console-signin-without-mfa",
      alarmDescription: "An IAM user signed in to the console without MFA (CIS AWS Foundations 3.2 / 4.2).",
      namespace: METRIC_NAMESPACE,
      metricName: CONSOLE_SIGNIN_WITHOUT_MFA_METRIC,
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topic.arn],
    }),
    "console_signin_without_mfa",
  );

  const rule = addressed(
    new CloudwatchEventRule(scope, "console-signin-failures-rule", {
      name: "console-signin-failures",
      description: "Failed console sign-ins, including wrong MFA codes.",
      eventPattern: JSON.stringify(CONSOLE_SIGNIN_FAILURE_EVENT_PATTERN),
    }),
    "console_signin_failures",
  );
  addressed(
    new CloudwatchEventTarget(scope, "console-signin-failures-target", {
      rule: rule.name,
      arn: topic.arn,
      targetId: "alerts",
    }),
    "console_signin_failures",
  );

  const doc = alertTopicDocument(aws, topic.arn, rule.arn, alarm.arn);
  const policy = addressed(
    new SnsTopicPolicy(scope, "alerts-topic-policy", { arn: topic.arn, policy: jsonencodePolicy(doc) }),
    "alerts",
  );
  recordPolicyDocument(policy, doc);
  return { topic };
}
