import "cdktf/lib/testing/adapters/jest";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { recordedPolicyDocument } from "./policy-document";
import { conditionsOf, dataStatements, exampleSpec, statementBySid, synthBaseline } from "./test-support";

const SUB = "token.actions.githubusercontent.com:sub";
const AUD = "token.actions.githubusercontent.com:aud";

describe("organization", () => {
  it("without aws.organization there is no SCP and no attachment", () => {
    const { json, baseline } = synthBaseline(exampleSpec((aws) => delete aws.organization));
    expect(json).not.toHaveResource(OrganizationsPolicy);
    expect(json).not.toHaveResource(OrganizationsPolicyAttachment);
    expect(baseline.organizationScp).toBeUndefined();
  });

  it("attaches the SCP to every target", () => {
    const targets = ["r-ex12", "ou-ex12-abcdefgh", "444455556666"];
    const { tf } = synthBaseline(
      exampleSpec((aws) => {
        aws.organization = {
          managementAccountId: "999988887777",
          scpTargets: targets,
          delegatedPolicyAdministrator: true,
        };
      }),
    );
    expect(
      Object.values(tf.resource.aws_organizations_policy_attachment)
        .map((a) => a.target_id)
        .sort(),
    ).toEqual([...targets].sort());
  });

  // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html (SCPs are managed from the management account)
  // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_delegate_policies.html (a delegated administrator may manage them)
  it("warns when the stack's account is neither the management account nor a delegated policy administrator", () => {
    const warnings = (accountId: string, delegated: boolean) =>
      synthBaseline(
        exampleSpec((aws) => {
          aws.accountId = accountId;
          if (aws.organization)
            aws.organization = { ...aws.organization, delegatedPolicyAdministrator: delegated };
        }),
      )
        .baseline.node.metadata.filter((m) => m.type === "@cdktf/warn")
        .map((m) => String(m.data));
    expect(warnings("111122223333", false)).toEqual([
      expect.stringContaining("managed from the management account 999988887777"),
    ]);
    expect(warnings("999988887777", false)).toEqual([]);
    expect(warnings("111122223333", true)).toEqual([]);
  });

  // AWS Organizations quotas: "Maximum size of a policy document: Service control policies: 5,120 characters".
  it("refuses a sensitive-action list that would not fit in an SCP, saying how to shorten it", () => {
    const actions = Array.from({ length: 300 }, (_, i) => `iam:SomeVeryLongActionNameNumber${i}`);
    expect(() => synthBaseline(exampleSpec((aws) => (aws.sensitiveActions = actions)))).toThrow(
      /over the 5120 AWS allows; use wildcards/,
    );
  });
});

describe("CI role trust", () => {
  it("with branches only, the sub list holds only branch subjects", () => {
    const { tf } = synthBaseline(
      exampleSpec((aws) => {
        aws.ci = { ...aws.ci, branches: ["main", "release"], environments: [] };
      }),
    );
    const [trust] = dataStatements(tf, "ci_role_trust");
    expect(conditionsOf(trust).StringEquals[SUB]).toEqual([
      "repo:example-corp/infrastructure:ref:refs/heads/main",
      "repo:example-corp/infrastructure:ref:refs/heads/release",
    ]);
  });

  // Operators in one statement are ANDed (IAM user guide, "Condition element"): patterns need their own statement.
  it("puts wildcard branch names in a separate StringLike statement, both requiring the audience", () => {
    const { tf } = synthBaseline(
      exampleSpec((aws) => {
        aws.ci = { ...aws.ci, branches: ["main", "release/*"], environments: ["production"] };
      }),
    );
    const statements = dataStatements(tf, "ci_role_trust");
    const exact = conditionsOf(statementBySid(statements, "GitHubActionsExactRefs"));
    const patterns = conditionsOf(statementBySid(statements, "GitHubActionsRefPatterns"));
    expect(exact.StringEquals[SUB]).toEqual([
      "repo:example-corp/infrastructure:ref:refs/heads/main",
      "repo:example-corp/infrastructure:environment:production",
    ]);
    expect(exact.StringLike).toBeUndefined();
    expect(patterns).toEqual({
      StringEquals: { [AUD]: ["sts.amazonaws.com"] },
      StringLike: { [SUB]: ["repo:example-corp/infrastructure:ref:refs/heads/release/*"] },
    });
  });

  it.each(["*", "**", "?", "*/*"])("refuses the branch %p, which would admit every branch", (branch) => {
    expect(() =>
      synthBaseline(
        exampleSpec((aws) => {
          aws.ci = { ...aws.ci, branches: [branch] };
        }),
      ),
    ).toThrow(/would let every branch or environment of example-corp\/infrastructure assume the CI role/);
  });

  it("never emits a sub pattern that spans refs (tags, pull requests, other environments)", () => {
    const { tf } = synthBaseline(
      exampleSpec((aws) => {
        aws.ci = { ...aws.ci, branches: ["main", "feature/*"], environments: ["prod-?"] };
      }),
    );
    const subs = dataStatements(tf, "ci_role_trust").flatMap((s) =>
      (s.condition ?? []).filter((c) => c.variable === SUB).flatMap((c) => c.values),
    );
    for (const sub of subs) {
      expect(sub).toMatch(/^repo:example-corp\/infrastructure:(ref:refs\/heads\/|environment:)[^*?]/);
    }
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html
  it("with sourceIpCidrs, adds an aws:SourceIp condition to the trust and a deny outside those networks on the role", () => {
    const cidrs = ["192.0.2.0/24", "2001:db8::/32"];
    const { tf, json } = synthBaseline(
      exampleSpec((aws) => {
        aws.ci = { ...aws.ci, sourceIpCidrs: cidrs };
      }),
    );
    const [trust] = dataStatements(tf, "ci_role_trust");
    expect(conditionsOf(trust).IpAddress).toEqual({ "aws:SourceIp": cidrs });
    expect(json).toHaveResourceWithProperties(IamRolePolicy, {
      role: "${aws_iam_role.ci.name}",
      name: "deny-outside-runner-networks",
    });
    expect(json).toHaveResourceWithProperties(IamRolePolicy, {
      policy: "${data.aws_iam_policy_document.ci_source_ip.json}",
    });
    const [deny] = dataStatements(tf, "ci_source_ip");
    expect(deny).toMatchObject({
      sid: "DenyOutsideRunnerNetworks",
      effect: "Deny",
      actions: ["*"],
      resources: ["*"],
    });
    expect(conditionsOf(deny)).toEqual({
      NotIpAddress: { "aws:SourceIp": cidrs },
      Bool: { "aws:ViaAWSService": ["false"] },
    });
  });

  it("without sourceIpCidrs, has no SourceIp condition and no inline deny", () => {
    const { tf, json } = synthBaseline(exampleSpec());
    expect(dataStatements(tf, "ci_role_trust").every((s) => !conditionsOf(s).IpAddress)).toBe(true);
    expect(json).not.toHaveResource(IamRolePolicy);
  });
});

describe("break-glass exemptions follow the spec", () => {
  it("lists every break-glass user of the spec's account in every MFA deny", () => {
    const { tf, baseline } = synthBaseline(
      exampleSpec((aws) => {
        aws.accountId = "123456789012";
        aws.breakGlassUsers = ["vault-a", "vault-b", "vault-c"];
      }),
    );
    const expected = [
      "arn:aws:iam::123456789012:user/vault-a",
      "arn:aws:iam::123456789012:user/vault-b",
      "arn:aws:iam::123456789012:user/vault-c",
      "arn:aws:iam::123456789012:role/github-actions-deploy",
    ];
    for (const doc of ["force_mfa", "fresh_mfa"]) {
      for (const s of dataStatements(tf, doc).filter((x) => x.effect === "Deny")) {
        expect(conditionsOf(s).ArnNotLike).toEqual({ "aws:PrincipalArn": expected });
      }
    }
    const bucketDeny = recordedPolicyDocument(baseline.stateBucketPolicy)?.Statement.find(
      (s) => s.Sid === "DenyStateDeletionWithoutMfa",
    );
    expect(bucketDeny?.Condition?.ArnNotLike).toEqual({ "aws:PrincipalArn": expected });
    expect(recordedPolicyDocument(baseline.organizationScp!)?.Statement[0].Condition?.ArnNotLike).toEqual({
      "aws:PrincipalArn": expected,
    });
  });
});
