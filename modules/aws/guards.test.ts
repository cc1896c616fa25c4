import "cdktf/lib/testing/adapters/jest";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUserGroupMembership } from "@cdktf/provider-aws/lib/iam-user-group-membership";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { App, Fn, Testing } from "cdktf";
import { AwsBaselineStack } from "../../stacks/aws";
import { guardFindings } from "../guards";
import type { BaselineSpec } from "../spec";
import { AwsMfaBaseline } from "./baseline";
import { AWS_GUARD_IDS } from "./guards";
import { policyDocument, policyDocumentDataSource, type PolicyStatement } from "./policy-document";
import { exampleSpec } from "./test-support";

const spec = exampleSpec();
const BG1 = "arn:aws:iam::111122223333:user/breakglass-1";
const BG2 = "arn:aws:iam::111122223333:user/breakglass-2";
const CI = "arn:aws:iam::111122223333:role/github-actions-deploy";

/** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent */
function mfaDeny(exempt: string[], extra: Partial<PolicyStatement> = {}): PolicyStatement {
  return {
    Sid: "DenyWithoutMfa",
    Effect: "Deny",
    Action: ["*"],
    Resource: ["*"],
    Condition: {
      BoolIfExists: { "aws:MultiFactorAuthPresent": ["false"] },
      ...(exempt.length > 0 ? { ArnNotLike: { "aws:PrincipalArn": exempt } } : {}),
    },
    ...extra,
  };
}

function baselineStack(s: BaselineSpec = spec): {
  app: App;
  stack: AwsBaselineStack;
  baseline: AwsMfaBaseline;
} {
  const app = Testing.app();
  const stack = new AwsBaselineStack(app, "aws-baseline", s);
  const baseline = stack.node.findAll().find((c): c is AwsMfaBaseline => c instanceof AwsMfaBaseline)!;
  return { app, stack, baseline };
}

/** Runs the aspects the way synth does and returns the error annotations. */
function findings(stack: AwsBaselineStack): string[] {
  Testing.synth(stack);
  return guardFindings(stack);
}

describe("the example organisation's AWS baseline", () => {
  it("passes its own lockout guards: full synth succeeds with no findings", () => {
    const { stack } = baselineStack();
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(guardFindings(stack)).toEqual([]);
  });

  it("stays safe when its own force-MFA and fresh-MFA policies are attached to the CI role (they exempt it)", () => {
    const { stack, baseline } = baselineStack();
    new IamRolePolicyAttachment(stack, "ci-force", {
      role: baseline.ciRole.name,
      policyArn: baseline.forceMfaPolicy.arn,
    });
    new IamRolePolicyAttachment(stack, "ci-fresh", {
      role: baseline.ciRole.name,
      policyArn: baseline.freshMfaPolicy.arn,
    });
    expect(findings(stack)).toEqual([]);
  });
});

describe(`${AWS_GUARD_IDS.ci}: MFA denies that would catch the CI role`, () => {
  it("fails synth when an MFA-deny policy without a CI exemption is attached to the CI role", () => {
    const { app, stack, baseline } = baselineStack();
    const doc = policyDocumentDataSource(stack, "deny-doc", policyDocument(mfaDeny([BG1, BG2])));
    const policy = new IamPolicy(stack, "deny", { name: "deny-without-mfa", policy: doc.json });
    new IamRolePolicyAttachment(stack, "ci-deny", { role: baseline.ciRole.name, policyArn: policy.arn });
    expect(() => app.synth()).toThrow(/Encountered Annotations with level "ERROR"/);
    const messages = guardFindings(stack);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`[${AWS_GUARD_IDS.ci}]`);
    expect(messages[0]).toMatch(
      /aws_iam_role_policy_attachment\.ci_deny attaches aws_iam_policy\.deny to the CI role "github-actions-deploy"/,
    );
    expect(messages[0]).toContain(
      'statement "DenyWithoutMfa" denies requests without MFA and would also deny CI role github-actions-deploy',
    );
    expect(messages[0]).toContain(`ArnNotLike condition on aws:PrincipalArn listing ${CI}`);
  });

  it("flags a state-bucket-style resource policy that exempts break-glass but not CI, even as literal JSON", () => {
    const { stack } = baselineStack();
    new S3BucketPolicy(stack, "other-bucket", {
      bucket: "other-bucket",
      policy: JSON.stringify(policyDocument(mfaDeny([BG1, BG2], { Principal: "*" }))),
    });
    const messages = findings(stack);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/\[AWS-MFA-DENY-CI\] aws_s3_bucket_policy\.other_bucket \(resource policy\)/);
  });

  it("accepts an exemption written as a reference to the CI role's ARN", () => {
    const { stack, baseline } = baselineStack();
    new S3BucketPolicy(stack, "other-bucket", {
      bucket: "other-bucket",
      policy: JSON.stringify(policyDocument(mfaDeny([BG1, BG2, baseline.ciRole.arn], { Principal: "*" }))),
    });
    expect(findings(stack)).toEqual([]);
  });

  it("does not count an unrelated reference as an exemption", () => {
    const { stack, baseline } = baselineStack();
    new S3BucketPolicy(stack, "other-bucket", {
      bucket: "other-bucket",
      policy: JSON.stringify(policyDocument(mfaDeny([BG1, BG2, baseline.adminRole.arn], { Principal: "*" }))),
    });
    expect(findings(stack)).toEqual([expect.stringContaining(`[${AWS_GUARD_IDS.ci}]`)]);
  });

  it("ignores resource-policy MFA denies that name only other principals", () => {
    const { stack } = baselineStack();
    new S3BucketPolicy(stack, "other-bucket", {
      bucket: "other-bucket",
      policy: JSON.stringify(
        policyDocument(mfaDeny([], { Principal: { AWS: ["arn:aws:iam::111122223333:user/alice"] } })),
      ),
    });
    expect(findings(stack)).toEqual([]);
  });

  it("flags inline role policies on the CI role", () => {
    const { stack, baseline } = baselineStack();
    new IamRolePolicy(stack, "ci-inline", {
      role: baseline.ciRole.name,
      policy: JSON.stringify(policyDocument(mfaDeny([BG1, BG2]))),
    });
    expect(findings(stack)).toEqual([
      expect.stringMatching(/\[AWS-MFA-DENY-CI\] .*inline policy of the CI role/),
    ]);
  });
});

describe(`${AWS_GUARD_IDS.breakGlass}: MFA denies that would catch break-glass users`, () => {
  function withGroupPolicy(exempt: string[], breakGlassMember: boolean) {
    const { stack } = baselineStack();
    const group = new IamGroup(stack, "ops", { name: "Ops" });
    if (breakGlassMember)
      new IamUserGroupMembership(stack, "bg-in-ops", { user: "breakglass-2", groups: [group.name] });
    const doc = policyDocumentDataSource(stack, "deny-doc", policyDocument(mfaDeny(exempt)));
    const policy = new IamPolicy(stack, "deny", { name: "deny-without-mfa", policy: doc.json });
    new IamGroupPolicyAttachment(stack, "ops-deny", { group: group.name, policyArn: policy.arn });
    return stack;
  }

  it("fails synth when an MFA deny without break-glass exemption is attached to a group a break-glass user is in", () => {
    const stack = withGroupPolicy([CI], true);
    expect(() => Testing.fullSynth(stack)).toThrow(/AWS-MFA-DENY-BREAK-GLASS/);
    const messages = guardFindings(stack);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('to group "Ops", which has break-glass member(s) breakglass-2');
    expect(messages[0]).toContain(
      "would also deny break-glass user breakglass-2 (arn:aws:iam::111122223333:user/breakglass-2)",
    );
    expect(messages[0]).toContain("break-glass access must keep working when MFA is lost or broken");
  });

  it("names only the members that are not exempt", () => {
    const stack = withGroupPolicy([BG2], true);
    expect(findings(stack)).toEqual([]);
  });

  it("does not flag the same policy on a group without break-glass members", () => {
    expect(findings(withGroupPolicy([], false))).toEqual([]);
  });

  it("flags an SCP that exempts nobody, for every break-glass user and CI", () => {
    const { stack } = baselineStack();
    new OrganizationsPolicy(stack, "scp", {
      name: "scp",
      content: JSON.stringify(policyDocument(mfaDeny([]))),
    });
    const messages = findings(stack);
    expect(messages.filter((m) => m.includes(`[${AWS_GUARD_IDS.breakGlass}]`))).toHaveLength(2);
    expect(messages.filter((m) => m.includes(`[${AWS_GUARD_IDS.ci}]`))).toHaveLength(1);
    expect(messages.every((m) => m.includes("aws_organizations_policy.scp (SERVICE_CONTROL_POLICY)"))).toBe(
      true,
    );
  });

  it("treats a Deny on aws:MultiFactorAuthAge as an MFA deny too", () => {
    const { stack } = baselineStack();
    const stale: PolicyStatement = {
      Sid: "DenyStaleMfa",
      Effect: "Deny",
      Action: ["iam:*"],
      Resource: ["*"],
      Principal: "*",
      Condition: {
        NumericGreaterThan: { "aws:MultiFactorAuthAge": ["300"] },
        ArnNotLike: { "aws:PrincipalArn": [CI] },
      },
    };
    new S3BucketPolicy(stack, "other-bucket", {
      bucket: "other-bucket",
      policy: JSON.stringify(policyDocument(stale)),
    });
    expect(findings(stack).filter((m) => m.includes(AWS_GUARD_IDS.breakGlass))).toHaveLength(2);
  });

  it("ignores policy-level denies that are not about MFA", () => {
    const { stack } = baselineStack();
    const tls: PolicyStatement = {
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: ["*"],
      Condition: { Bool: { "aws:SecureTransport": ["false"] } },
    };
    new S3BucketPolicy(stack, "other-bucket", {
      bucket: "other-bucket",
      policy: JSON.stringify(policyDocument(tls)),
    });
    expect(findings(stack)).toEqual([]);
  });
});

describe(`${AWS_GUARD_IDS.notPrincipal} and ${AWS_GUARD_IDS.unreadable}`, () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html (NotPrincipal with Deny)
  it("flags MFA denies that exempt with NotPrincipal", () => {
    const { stack } = baselineStack();
    const statement = mfaDeny([], { NotPrincipal: { AWS: [BG1, BG2, CI] } });
    new S3BucketPolicy(stack, "other-bucket", {
      bucket: "other-bucket",
      policy: JSON.stringify(policyDocument(statement)),
    });
    const messages = findings(stack);
    expect(messages).toEqual([expect.stringContaining(`[${AWS_GUARD_IDS.notPrincipal}]`)]);
    expect(messages[0]).toContain("use an ArnNotLike condition on aws:PrincipalArn instead");
  });

  it("fails closed on a policy it cannot read where break-glass or CI could be subject to it", () => {
    const { stack } = baselineStack();
    new OrganizationsPolicy(stack, "scp", {
      name: "scp",
      content: Fn.jsonencode(policyDocument(mfaDeny([]))),
    });
    const messages = findings(stack);
    expect(messages).toEqual([expect.stringContaining(`[${AWS_GUARD_IDS.unreadable}]`)]);
    expect(messages[0]).toContain("is an expression the guard cannot read");
    expect(messages[0]).toContain(
      "break-glass user breakglass-1, break-glass user breakglass-2, CI role github-actions-deploy",
    );
  });
});
