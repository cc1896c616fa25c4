/**
 * The AWS evaluator over the example organisation's synthesized baseline (stacks/aws.ts): force-MFA,
 * the fresh-MFA window for sensitive actions, the administrator role's trust, the SCP, the state
 * bucket policy and the CI role's OIDC trust. Administrator-role sessions follow the documented reading: no MFA
 * information (credentials `assumed-role`), and the baseline does not condition their actions on it.
 */
import {
  compileAws,
  evaluateAws,
  parseAwsRequest,
  type AwsModel,
  type AwsRequestInput,
} from "../simulator/aws";
import { formatTrace } from "../simulator/decision";
import { exampleSynth } from "./support/example-synth";

const ACCT = "111122223333";
const ALLOW_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
let model: AwsModel;
beforeAll(() => {
  const tf = exampleSynth().get("aws-baseline");
  if (!tf) throw new Error("the example organisation has no aws-baseline stack");
  model = compileAws(tf);
});

function human(group: string, extra: Partial<AwsRequestInput>): AwsRequestInput {
  // The job permissions of people come from outside the baseline; give them everything so only the baseline's denies decide.
  return {
    principal: `arn:aws:iam::${ACCT}:user/jane`,
    groups: [`aws_iam_group.${group}`],
    identityPolicies: [ALLOW_ALL],
    action: "ec2:DescribeInstances",
    account: { kind: "member" },
    ...extra,
  };
}

function decide(input: AwsRequestInput) {
  const d = evaluateAws(model, parseAwsRequest(input), { trace: true });
  return Object.assign(d, { why: formatTrace(d.trace) });
}

test("the example baseline compiles without problems", () => {
  expect(model.problems).toEqual([]);
  expect([...model.roles.keys()].sort()).toEqual(["aws_iam_role.admin", "aws_iam_role.ci"]);
});

describe("force MFA for every human tier", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
  test.each(["employees", "contractors", "administrators"])(
    "%s: access keys and console without MFA are denied until MFA; with MFA allowed",
    (group) => {
      for (const credentials of ["long-term-keys", "console"] as const) {
        const d = decide(human(group, { credentials }));
        expect(d.decision).toBe("explicitDeny");
        expect(d.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
        expect(d.deciding.map((s) => s.policy)).toContain("aws_iam_policy.force_mfa");
      }
      expect(decide(human(group, { credentials: "console-mfa", mfaAgeSeconds: 3600 })).verdict.outcome).toBe(
        "allow",
      );
    },
  );

  test("a new user can enrol an MFA device without MFA", () => {
    const d = decide(
      human("employees", {
        credentials: "console",
        action: "iam:EnableMFADevice",
        resource: `arn:aws:iam::${ACCT}:user/jane`,
      }),
    );
    expect(d.verdict.outcome).toBe("allow");
  });
});

describe("fresh MFA for sensitive actions", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage
  test("iam:CreateUser needs MFA younger than sessions.freshMfaSeconds (300 s)", () => {
    expect(
      decide(
        human("administrators", { credentials: "console-mfa", mfaAgeSeconds: 60, action: "iam:CreateUser" }),
      ).verdict.outcome,
    ).toBe("allow");
    const stale = decide(
      human("administrators", { credentials: "console-mfa", mfaAgeSeconds: 3600, action: "iam:CreateUser" }),
    );
    expect(stale.verdict).toMatchObject({ outcome: "mfa", requires: ["fresh-mfa"] });
  });
});

describe("administrator role trust", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
  const assume = (extra: Partial<AwsRequestInput>) =>
    decide(
      human("administrators", {
        action: "sts:AssumeRole",
        resource: "aws_iam_role.admin",
        account: { kind: "management" },
        ...extra,
      }),
    );
  test("an administrator assumes the role with fresh MFA; stale or no MFA is not enough", () => {
    const ok = assume({ credentials: "session-token-mfa", mfaAgeSeconds: 60 });
    expect(ok.verdict.outcome).toBe("allow");
    expect(assume({ credentials: "session-token-mfa", mfaAgeSeconds: 900 }).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["fresh-mfa"],
    });
    expect(assume({ credentials: "long-term-keys" }).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["fresh-mfa"],
    });
  });
  // "The temporary credentials returned by AssumeRole do not include MFA information in the context, so you cannot
  // check individual API operations for MFA"; "Once the user has assumed the role, no further MFA checks are made."
  test("its sessions (no MFA information) can do sensitive actions in member and management accounts", () => {
    const session = (action: string, kind: "member" | "management") =>
      decide({ principal: "aws_iam_role.admin", credentials: "assumed-role", action, account: { kind } });
    for (const kind of ["member", "management"] as const) {
      for (const action of [
        "iam:CreateUser",
        "cloudtrail:DeleteTrail",
        "kms:ScheduleKeyDeletion",
        "organizations:LeaveOrganization",
      ]) {
        const d = session(action, kind);
        expect({
          action,
          kind,
          outcome: d.verdict.outcome,
          why: d.verdict.outcome === "allow" ? "" : d.why,
        }).toEqual({ action, kind, outcome: "allow", why: "" });
      }
    }
    expect(session("iam:CreateUser", "member").context).toMatchObject({
      "aws:MultiFactorAuthPresent": "false",
    });
  });
  test("no policy reaching the role reads the MFA keys, so the outcome is the same under the reading that sessions keep the MFA", () => {
    for (const age of ["0", "1200", "3599"]) {
      const d = decide({
        principal: "aws_iam_role.admin",
        credentials: "assumed-role",
        action: "iam:AttachRolePolicy",
        account: { kind: "member" },
        context: { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": age },
      });
      expect(d.verdict.outcome).toBe("allow");
    }
  });
  test("an employee has no permission to assume it", () => {
    const d = decide(
      human("employees", {
        identityPolicies: [],
        action: "sts:AssumeRole",
        resource: "aws_iam_role.admin",
        account: { kind: "management" },
        credentials: "session-token-mfa",
        mfaAgeSeconds: 10,
      }),
    );
    expect(d.verdict.outcome).toBe("deny");
  });
});

describe("SCP on the organisation root", () => {
  test("member accounts: sensitive actions without fresh MFA are denied by the SCP; the management account is exempt", () => {
    // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
    const member = decide({
      principal: `arn:aws:iam::${ACCT}:user/ops`,
      identityPolicies: [ALLOW_ALL],
      action: "cloudtrail:StopLogging",
      credentials: "long-term-keys",
      account: { kind: "member" },
    });
    expect(member.decision).toBe("explicitDeny");
    expect(member.deciding.map((s) => s.kind)).toContain("scp");
    const mgmt = decide({
      principal: `arn:aws:iam::${ACCT}:user/ops`,
      identityPolicies: [ALLOW_ALL],
      action: "cloudtrail:StopLogging",
      credentials: "long-term-keys",
      account: { kind: "management" },
    });
    expect(mgmt.verdict.outcome).toBe("allow");
  });
  test("it covers the root user of member accounts but no role: role sessions carry no MFA information", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
    const root = decide({
      principal: "arn:aws:iam::222233334444:root",
      action: "iam:CreateUser",
      credentials: "long-term-keys",
      account: { id: "222233334444", kind: "member" },
    });
    expect(root.deciding.map((s) => `${s.policy}#${s.sid}`)).toContain(
      "aws_organizations_policy.sensitive_actions_mfa#DenySensitiveActionsWithoutMfa",
    );
    const role = decide({
      principal: "aws_iam_role.admin",
      credentials: "assumed-role",
      action: "cloudtrail:StopLogging",
      account: { kind: "member" },
    });
    expect(role.decision).toBe("allow");
  });
});

describe("Terraform state bucket", () => {
  const bucket = (extra: Partial<AwsRequestInput>) =>
    decide({
      principal: `arn:aws:iam::${ACCT}:user/ops`,
      identityPolicies: [ALLOW_ALL],
      account: { kind: "management" },
      action: "s3:GetObject",
      resource: "arn:aws:s3:::example-corp-terraform-state/env/terraform.tfstate",
      ...extra,
    });
  test("requests without TLS are denied", () => {
    const d = bucket({ secureTransport: false, credentials: "console-mfa" });
    expect(d.decision).toBe("explicitDeny");
    expect(d.deciding).toEqual([
      expect.objectContaining({
        policy: "aws_s3_bucket_policy.terraform_state",
        sid: "DenyInsecureTransport",
      }),
    ]);
  });
  test("an administrator-role session cannot delete state: it carries no MFA, and the verdict says MFA cannot lift the deny", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
    const d = bucket({
      principal: "aws_iam_role.admin",
      identityPolicies: undefined,
      credentials: "assumed-role",
      action: "s3:DeleteObject",
    });
    expect(d.deciding.map((s) => s.sid)).toContain("DenyStateDeletionWithoutMfa");
    expect(d.verdict.outcome).toBe("deny");
    expect(d.verdict.summary).toContain("role sessions carry no MFA information");
    expect(
      bucket({ principal: "aws_iam_role.admin", identityPolicies: undefined, credentials: "assumed-role" })
        .verdict.outcome,
    ).toBe("allow");
  });
  test("deleting state needs MFA", () => {
    const d = bucket({ action: "s3:DeleteObject", credentials: "long-term-keys" });
    expect(d.deciding.map((s) => s.sid)).toContain("DenyStateDeletionWithoutMfa");
    expect(d.verdict.outcome).toBe("mfa");
    expect(bucket({ action: "s3:GetObject", credentials: "long-term-keys" }).verdict.outcome).toBe("allow");
  });
});

describe("CI role OIDC trust", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
  const ci = (sub: string, aud = "sts.amazonaws.com") =>
    decide({
      principal: "aws_iam_openid_connect_provider.github_actions",
      action: "sts:AssumeRoleWithWebIdentity",
      resource: "aws_iam_role.ci",
      credentials: "web-identity",
      claims: { aud, sub },
      account: { kind: "management" },
    });
  test("main branch and the production environment of the repository may assume it; other refs, repos and audiences may not", () => {
    expect(ci("repo:example-corp/infrastructure:ref:refs/heads/main").verdict.outcome).toBe("allow");
    expect(ci("repo:example-corp/infrastructure:environment:production").verdict.outcome).toBe("allow");
    expect(ci("repo:example-corp/infrastructure:ref:refs/heads/feature").verdict.outcome).toBe("deny");
    expect(ci("repo:attacker/infrastructure:ref:refs/heads/main").verdict.outcome).toBe("deny");
    expect(ci("repo:example-corp/infrastructure:ref:refs/heads/main", "other").verdict.outcome).toBe("deny");
  });
  test("the CI role session (no MFA possible) can deploy but is not blocked by the human MFA rules", () => {
    const d = decide({
      principal: "aws_iam_role.ci",
      credentials: "web-identity",
      action: "ec2:RunInstances",
      account: { kind: "member" },
    });
    expect(d.verdict.outcome).toBe("allow");
  });
});
