/**
 * Throughput of the AWS evaluator and of iam-simulate on the identical request set, in the same run,
 * and the ratio (target: at least 10x). Requests: the force-MFA user policy with an allow-all policy,
 * an SCP level and a boundary, over a mix of actions and credentials.
 */
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { TfSymbol } from "../simulator/terraform/model";
import { compileAws, evaluateAws, parseAwsRequest, type AwsRequest } from "../simulator/aws";
import { tfModel } from "../simulator/aws/testing/tf-model";

const ACCT = "111122223333";
const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const ALLOW_ALL = doc({ Effect: "Allow", Action: "*", Resource: "*" });
const FORCE_MFA = doc({
  Sid: "DenyAllExceptListedIfNoMFA",
  Effect: "Deny",
  NotAction: [
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetUser",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
  ],
  Resource: "*",
  Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
});
const SCP = doc({
  Sid: "FreshMfa",
  Effect: "Deny",
  Action: ["iam:Create*", "iam:Delete*", "s3:DeleteBucket"],
  Resource: "*",
  Condition: { NumericGreaterThanIfExists: { "aws:MultiFactorAuthAge": "300" } },
});
const BOUNDARY = doc({ Effect: "Allow", NotAction: ["organizations:*"], Resource: "*" });

const model = compileAws(
  tfModel({
    "aws_iam_user.alice": { name: "alice", permissions_boundary: new TfSymbol("aws_iam_policy.pb", "arn") },
    "aws_iam_policy.pb": { name: "pb", policy: JSON.stringify(BOUNDARY) },
    "aws_iam_user_policy.all": { user: "alice", policy: JSON.stringify(ALLOW_ALL) },
    "aws_iam_user_policy.force": { user: "alice", policy: JSON.stringify(FORCE_MFA) },
    "aws_organizations_policy.scp": { content: JSON.stringify(SCP) },
    "aws_organizations_policy_attachment.root": {
      policy_id: new TfSymbol("aws_organizations_policy.scp", "id"),
      target_id: "r-root",
    },
  }),
);

const ACTIONS: [string, string][] = [
  ["s3:GetObject", "arn:aws:s3:::bucket/key"],
  ["iam:CreateUser", `arn:aws:iam::${ACCT}:user/bob`],
  ["iam:EnableMFADevice", `arn:aws:iam::${ACCT}:user/alice`],
  ["ec2:TerminateInstances", `arn:aws:ec2:eu-west-1:${ACCT}:instance/i-1`],
];
const CREDS = [
  { credentials: "long-term-keys" },
  { credentials: "console" },
  { credentials: "console-mfa", mfaAgeSeconds: 60 },
  { credentials: "session-token-mfa", mfaAgeSeconds: 3600 },
] as const;

export const requests: AwsRequest[] = ACTIONS.flatMap(([action, resource]) =>
  CREDS.map((c) =>
    parseAwsRequest({
      principal: "aws_iam_user.alice",
      action,
      resource,
      account: { kind: "member", organizationPath: ["r-root"], fullAwsAccess: true },
      ...c,
    }),
  ),
);

function ours(r: AwsRequest): string {
  return evaluateAws(model, r).decision;
}

const contexts = requests.map((r) => evaluateAws(model, r).context as Record<string, string>);
function theirs(i: number): string {
  const r = requests[i];
  return runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCT}:user/alice`,
        action: r.action,
        resource: { resource: r.resource, accountId: ACCT },
        contextVariables: contexts[i],
      },
      identityPolicies: [
        { name: "all", policy: ALLOW_ALL },
        { name: "force", policy: FORCE_MFA },
      ],
      serviceControlPolicies: [
        {
          orgIdentifier: "r-root",
          policies: [
            { name: "full", policy: ALLOW_ALL },
            { name: "scp", policy: SCP },
          ],
        },
      ],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: [{ name: "pb", policy: BOUNDARY }],
    },
    {},
  );
}

function perSecond(iterations: number, fn: (i: number) => unknown): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i % requests.length);
  const ns = Number(process.hrtime.bigint() - start);
  return iterations / (ns / 1e9);
}

export interface AwsBenchResult {
  readonly oursPerSecond: number;
  readonly iamSimulatePerSecond: number;
  readonly ratio: number;
}

export function runAwsBench(iterations = 20_000): AwsBenchResult {
  perSecond(2_000, (i) => ours(requests[i]));
  perSecond(500, theirs);
  const oursPerSecond = perSecond(iterations, (i) => ours(requests[i]));
  const iamSimulatePerSecond = perSecond(Math.max(1, Math.floor(iterations / 10)), theirs);
  return { oursPerSecond, iamSimulatePerSecond, ratio: oursPerSecond / iamSimulatePerSecond };
}

export const benchmarks = [
  {
    name: "aws: evaluateAws vs iam-simulate (same requests)",
    run(): Record<string, number> {
      const r = runAwsBench();
      return {
        "ours req/s": Math.round(r.oursPerSecond),
        "iam-simulate req/s": Math.round(r.iamSimulatePerSecond),
        ratio: Number(r.ratio.toFixed(1)),
      };
    },
  },
];

if (require.main === module) {
  for (const b of benchmarks) console.log(b.name, b.run());
}
