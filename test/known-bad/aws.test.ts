/**
 * Known-bad variants of the example organisation's AWS stack, each a mistake that has locked people out
 * or let them in elsewhere. The property suite and `verify` must both catch each one, and the
 * counterexample must point at the mistake. Variants edit the synthesized configuration (never the
 * constructs), so they test what Terraform would apply.
 */
import fc from "fast-check";
import { parse } from "yaml";
import { parseBaselineSpec } from "../../modules/spec";
import { exampleOrg } from "../../stacks/example-org";
import { awsAdapter } from "../../simulator/aws/adapter";
import { parseAwsRequest, type AwsRequest } from "../../simulator/aws/context";
import { awsContextSpace } from "../../simulator/aws/space";
import { awsInvariants } from "../../simulator/invariants/aws";
import { editPolicyDocuments, type Statement } from "../../simulator/invariants/aws-variants";
import { TfJson, type TerraformModel, type TfValue } from "../../simulator/terraform/model";
import { withResources } from "../../simulator/verify/variants";
import { invariantProperty, verifyExhaustively, type InvariantResult } from "../../simulator/verify/verify";
import { exampleSynth } from "../support/example-synth";

const spec = parseBaselineSpec(exampleOrg);
const aws = spec.aws as NonNullable<typeof spec.aws>;
const STACK = "aws-baseline";
/** Enough random requests that a one-in-a-few-hundred counterexample is all but certain to be met. */
const PROPERTY_RUNS = 10_000;

let example: TerraformModel;
beforeAll(() => {
  const tf = exampleSynth().get(STACK);
  if (!tf) throw new Error("the example organisation has no aws-baseline stack");
  example = tf;
});

function invariant(id: string) {
  const found = awsInvariants(spec).find((i) => i.id === id);
  if (!found) throw new Error(`no invariant ${id}`);
  return found;
}

function verifyOne(model: TerraformModel, id: string): InvariantResult {
  const [result] = verifyExhaustively({
    adapter: awsAdapter,
    model,
    stack: STACK,
    space: awsContextSpace(model, spec),
    invariants: [invariant(id)],
  });
  return result;
}

/** The shrunk counterexample fast-check finds, or undefined when the property held. */
function propertyCounterexample(
  model: TerraformModel,
  id: string,
): { context: AwsRequest; message: string } | undefined {
  const details = fc.check(
    invariantProperty(
      { adapter: awsAdapter, model, stack: STACK, space: awsContextSpace(model, spec) },
      invariant(id),
    ),
    { numRuns: PROPERTY_RUNS },
  );
  if (!details.failed || !details.counterexample) return undefined;
  return { context: details.counterexample[0], message: String(details.errorInstance) };
}

/** Edits the statement with `sid` of the policy at `address`. */
function editStatement(address: string, sid: string, edit: (s: Statement) => void): TerraformModel {
  let found = false;
  const model = editPolicyDocuments(example, (statements, at) => {
    if (at !== address) return;
    for (const s of statements)
      if (s.Sid === sid) {
        edit(s);
        found = true;
      }
  });
  if (!found) throw new Error(`${address} has no statement ${sid}: the example changed, update this variant`);
  return model;
}

function conditionOf(s: Statement): Record<string, Record<string, TfValue>> {
  return s.Condition as Record<string, Record<string, TfValue>>;
}

const breakGlassArns = aws.breakGlassUsers.map((u) => `arn:aws:iam::${aws.accountId}:user/${u}`);

describe("Bool instead of BoolIfExists on the force-MFA deny", () => {
  // Long-term access keys carry no aws:MultiFactorAuthPresent, so `Bool … false` does not match them and they get through without MFA.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
  let bad: TerraformModel;
  beforeAll(() => {
    bad = editStatement("aws_iam_policy.force_mfa", "DenyAllExceptListedIfNoMFA", (s) => {
      const c = conditionOf(s);
      c.Bool = c.BoolIfExists;
      delete c.BoolIfExists;
    });
  });

  test("verify refutes 'humans need MFA' with a request made with long-term access keys", () => {
    const r = verifyOne(bad, "aws-humans-need-mfa");
    expect(r.status).toBe("refuted");
    const ce = r.counterexamples[0];
    expect(ce.context).toMatchObject({ credentials: "long-term-keys", action: "ec2:DescribeInstances" });
    expect(ce.actual).toBe("allow");
    expect(ce.scenario).toContain("credentials: long-term-keys");
  });

  test("the printed scenario case is a valid request that reproduces the outcome", () => {
    const [scenario] = parse(verifyOne(bad, "aws-humans-need-mfa").counterexamples[0].scenario) as [
      { context: unknown; expect: { outcome: string } },
    ];
    expect(scenario.expect.outcome).toBe("mfa");
    const request = parseAwsRequest(scenario.context);
    expect(awsAdapter.evaluate(awsAdapter.compile(bad), request).verdict.outcome).toBe("allow");
    expect(awsAdapter.evaluate(awsAdapter.compile(example), request).verdict.outcome).toBe("mfa");
  });

  test("the property finds a long-term-key request that gets through", () => {
    const ce = propertyCounterexample(bad, "aws-humans-need-mfa");
    expect(ce?.context.credentials).toBe("long-term-keys");
    expect(ce?.message).toContain("Scenario case to paste");
  });

  test("the example organisation itself denies that request until MFA", () => {
    expect(verifyOne(example, "aws-humans-need-mfa").status).toBe("proved");
  });
});

describe("a CI role trust policy with a wildcard sub", () => {
  // AWS: "repo:ORG/REPO:ref:refs/heads/BRANCH"; a wildcard lets every branch, pull request and environment assume the role.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
  let bad: TerraformModel;
  const subKey = "token.actions.githubusercontent.com:sub";
  beforeAll(() => {
    let found = false;
    bad = editPolicyDocuments(example, (statements, at) => {
      if (at !== "aws_iam_role.ci") return;
      for (const s of statements) {
        const c = conditionOf(s);
        if (!c.StringEquals?.[subKey]) continue;
        delete c.StringEquals[subKey];
        c.StringLike = { ...(c.StringLike ?? {}), [subKey]: `repo:${aws.ci.repository}:*` };
        found = true;
      }
    });
    if (!found)
      throw new Error("aws_iam_role.ci has no sub condition: the example changed, update this variant");
    expect(bad.resources.get("aws_iam_role.ci")?.values.assume_role_policy).toBeInstanceOf(TfJson);
  });

  const allowedSubs = [
    ...aws.ci.branches.map((b) => `repo:${aws.ci.repository}:ref:refs/heads/${b}`),
    ...aws.ci.environments.map((e) => `repo:${aws.ci.repository}:environment:${e}`),
  ];

  test("verify refutes 'CI role only from its repository' with a token for another ref of the same repository", () => {
    const r = verifyOne(bad, "aws-ci-role-only-from-its-repository");
    expect(r.status).toBe("refuted");
    for (const ce of r.counterexamples) {
      const sub = (ce.context as AwsRequest).claims?.sub ?? "";
      expect(sub.startsWith(`repo:${aws.ci.repository}:`)).toBe(true);
      expect(allowedSubs).not.toContain(sub);
      expect(ce.message).toContain(`sub ${sub}`);
      expect(ce.actual).toBe("allow");
    }
  });

  test("the variant is a new model: the example's trust policy still compares sub exactly", () => {
    const trust = example.resources.get("aws_iam_role.ci")?.values.assume_role_policy;
    expect(trust).toBeInstanceOf(TfJson);
    const statements = ((trust as TfJson).value as { Statement: Statement[] }).Statement;
    expect(statements.some((st) => conditionOf(st).StringEquals?.[subKey] !== undefined)).toBe(true);
    expect(statements.some((st) => conditionOf(st).StringLike?.[subKey] !== undefined)).toBe(false);
  });

  test("the property finds such a token", () => {
    const ce = propertyCounterexample(bad, "aws-ci-role-only-from-its-repository");
    expect(ce?.context.action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(allowedSubs).not.toContain(ce?.context.claims?.sub);
  });
});

describe.each([
  ["the SCP", "aws_organizations_policy.sensitive_actions_mfa", "DenySensitiveActionsWithoutMfa"],
  ["the state-bucket policy", "aws_s3_bucket_policy.terraform_state", "DenyStateDeletionWithoutMfa"],
])("the break-glass exemption missing from %s", (_what, address, sid) => {
  let bad: TerraformModel;
  beforeAll(() => {
    bad = editStatement(address, sid, (s) => {
      delete conditionOf(s).ArnNotLike;
    });
  });

  test(`verify refutes 'break-glass never blocked' and names ${address}`, () => {
    const r = verifyOne(bad, "aws-break-glass-never-blocked");
    expect(r.status).toBe("refuted");
    for (const ce of r.counterexamples) {
      expect(breakGlassArns).toContain((ce.context as AwsRequest).principal);
      expect(ce.message).toContain(`${address}#${sid}`);
      expect(ce.actual).toBe("mfa");
    }
  });

  test(`the property finds a break-glass request that ${address} blocks`, () => {
    const ce = propertyCounterexample(bad, "aws-break-glass-never-blocked");
    expect(breakGlassArns).toContain(ce?.context.principal);
    expect(ce?.message).toContain(address);
  });
});

test("the example organisation keeps its break-glass users unblocked and its CI role to its repository", () => {
  expect(verifyOne(example, "aws-break-glass-never-blocked").status).toBe("proved");
  expect(verifyOne(example, "aws-ci-role-only-from-its-repository").status).toBe("proved");
});

/** The fresh-MFA policy attached to the administrator role again, as the baseline once did. */
function freshMfaOnAdminRole(): TerraformModel {
  const access = example.resources.get("aws_iam_role_policy_attachment.admin_administrator_access");
  const fresh = example.resources.get("aws_iam_group_policy_attachment.fresh_mfa_administrators");
  if (!access || !fresh)
    throw new Error("the example changed: no admin role or fresh-MFA attachment to copy");
  expect(example.resources.has("aws_iam_role_policy_attachment.admin_fresh_mfa")).toBe(false);
  const address = "aws_iam_role_policy_attachment.admin_fresh_mfa";
  return withResources(example, [
    ...example.resources.values(),
    {
      ...access,
      address,
      name: "admin_fresh_mfa",
      values: { ...access.values, policy_arn: fresh.values.policy_arn },
      location: { ...access.location, address },
    },
  ]);
}

/** The SCP's human principals widened to the administrator role again. */
function scpCoversAdminRole(): TerraformModel {
  return editStatement(
    "aws_organizations_policy.sensitive_actions_mfa",
    "DenySensitiveActionsWithoutMfa",
    (s) => {
      const like = conditionOf(s).ArnLike;
      const values = like["aws:PrincipalArn"];
      like["aws:PrincipalArn"] = [
        ...(Array.isArray(values) ? values : [values]),
        `arn:aws:iam::*:role/${aws.adminRole.name}`,
      ];
    },
  );
}

describe.each([
  [
    "the fresh-MFA policy re-attached to the administrator role",
    freshMfaOnAdminRole,
    "aws_iam_policy.fresh_mfa",
  ],
  [
    "the SCP's MFA deny widened to the administrator role",
    scpCoversAdminRole,
    "aws_organizations_policy.sensitive_actions_mfa",
  ],
])("%s", (_what, build, culprit) => {
  // "The temporary credentials returned by AssumeRole do not include MFA information in the context, so you cannot
  // check individual API operations for MFA." A deny on the MFA keys then catches every session of the role.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
  const id = "aws-admin-role-session-can-do-sensitive-actions";
  let bad: TerraformModel;
  beforeAll(() => {
    bad = build();
  });

  test(`verify refutes '${id}': the administrator role cannot do sensitive actions, and ${culprit} is named`, () => {
    const r = verifyOne(bad, id);
    expect(r.status).toBe("refuted");
    const ce = r.counterexamples[0];
    expect((ce.context as AwsRequest).principal).toBe(
      `arn:aws:iam::${aws.accountId}:role/${aws.adminRole.name}`,
    );
    expect(ce.message).toContain("the administrator role cannot do sensitive actions");
    expect(ce.message).toContain(culprit);
    expect(ce.actual).not.toBe("allow");
    expect(r.counterexamples.some((c) => (c.context as AwsRequest).credentials === "assumed-role")).toBe(
      true,
    );
  });

  test("the printed scenario case expects allow and reproduces the lockout", () => {
    const ce = verifyOne(bad, id).counterexamples[0];
    const [scenario] = parse(ce.scenario) as [{ context: unknown; expect: { outcome: string } }];
    expect(scenario.expect.outcome).toBe("allow");
    const request = parseAwsRequest(scenario.context);
    expect(awsAdapter.evaluate(awsAdapter.compile(bad), request).verdict.outcome).not.toBe("allow");
    expect(awsAdapter.evaluate(awsAdapter.compile(example), request).verdict.outcome).toBe("allow");
  });

  test("the property finds an administrator-role session that is refused a sensitive action", () => {
    const ce = propertyCounterexample(bad, id);
    expect(ce?.context.principal).toBe(`arn:aws:iam::${aws.accountId}:role/${aws.adminRole.name}`);
    expect(ce?.message).toContain("the administrator role cannot do sensitive actions");
  });
});

describe("iam:Create* among the sensitive actions of the fresh-MFA policy", () => {
  // iam:Create* also matches iam:CreateVirtualMFADevice: a user without MFA could never enrol a device.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
  const id = "aws-mfa-enrolment-always-possible";
  let bad: TerraformModel;
  beforeAll(() => {
    bad = editStatement("aws_iam_policy.fresh_mfa", "DenySensitiveActionsWithoutMfa", (s) => {
      s.Action = [...(s.Action as string[]), "iam:Create*"];
    });
  });

  test("verify refutes 'MFA enrolment is always possible' with iam:CreateVirtualMFADevice", () => {
    const r = verifyOne(bad, id);
    expect(r.status).toBe("refuted");
    expect(r.counterexamples.map((c) => (c.context as AwsRequest).action)).toContain(
      "iam:CreateVirtualMFADevice",
    );
    for (const ce of r.counterexamples) expect(ce.message).toContain("aws_iam_policy.fresh_mfa");
  });

  test("the property finds a user without MFA who cannot enrol", () => {
    const ce = propertyCounterexample(bad, id);
    expect(ce?.context.action).toBe("iam:CreateVirtualMFADevice");
  });
});

test("the example organisation lets administrator-role sessions do sensitive actions and every tier user enrol MFA", () => {
  expect(verifyOne(example, "aws-admin-role-session-can-do-sensitive-actions").status).toBe("proved");
  expect(verifyOne(example, "aws-mfa-enrolment-always-possible").status).toBe("proved");
});
