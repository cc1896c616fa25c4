import { TfJson, TfSymbol, TfTemplate } from "../terraform/model";
import { compileAws, evaluateAws, parseAwsRequest, type AwsRequestInput } from "./index";
import { tfModel, type ResourceSpec } from "./testing/tf-model";

const ACCT = "111122223333";
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
/** A rendered document whose values still hold Terraform symbols, as the loader gives it. */
const jdoc = (...Statement: object[]) => new TfJson({ Version: "2012-10-17", Statement } as never);
const sym = (address: string, attribute: string) => new TfSymbol(address, attribute);

const FORCE_MFA = {
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
};

function userWith(policies: object[], extra: ResourceSpec = {}): ResourceSpec {
  const out: Record<string, ResourceSpec[string]> = { "aws_iam_user.alice": { name: "alice" } };
  policies.forEach(
    (p, i) =>
      (out[`aws_iam_user_policy.p${i}`] = { user: sym("aws_iam_user.alice", "name"), policy: doc(p) }),
  );
  return { ...out, ...extra };
}

function run(resources: ResourceSpec, req: Partial<AwsRequestInput>, trace = false) {
  const model = compileAws(tfModel(resources));
  return evaluateAws(
    model,
    parseAwsRequest({
      principal: "aws_iam_user.alice",
      action: "s3:GetObject",
      account: { kind: "management" },
      ...req,
    }),
    { trace },
  );
}

const ALLOW_ALL = { Effect: "Allow", Action: "*", Resource: "*" };

describe("MFA condition keys and the credentials matrix", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
  const force = userWith([ALLOW_ALL, FORCE_MFA]);

  test("Deny + BoolIfExists false denies long-term keys (key absent) and console without MFA; MFA lifts it", () => {
    const keys = run(force, { credentials: "long-term-keys" });
    expect(keys.decision).toBe("explicitDeny");
    expect(keys.deciding).toEqual([
      expect.objectContaining({ policy: "aws_iam_user_policy.p1", sid: "DenyAllExceptListedIfNoMFA" }),
    ]);
    expect(keys.verdict).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    expect(run(force, { credentials: "console" }).decision).toBe("explicitDeny");
    expect(run(force, { credentials: "console-mfa" }).decision).toBe("allow");
    expect(run(force, { credentials: "session-token-mfa", mfaAgeSeconds: 5000 }).verdict.outcome).toBe(
      "allow",
    );
  });

  test("NotAction exempts the MFA enrolment actions from the deny", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    expect(run(force, { credentials: "console", action: "iam:EnableMFADevice" }).decision).toBe("allow");
    expect(run(force, { credentials: "console", action: "IAM:listmfadevices" }).decision).toBe("allow");
  });

  test('NOT RECOMMENDED Deny + Bool "false" lets long-term access keys through (key absent → condition false)', () => {
    const weak = userWith([
      ALLOW_ALL,
      { ...FORCE_MFA, Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } },
    ]);
    expect(run(weak, { credentials: "long-term-keys" }).decision).toBe("allow");
    expect(run(weak, { credentials: "console" }).decision).toBe("explicitDeny");
  });

  test("the sugar fills keys per the matrix and explicit context keys override", () => {
    const ctx = (r: Partial<AwsRequestInput>) => run(force, r).context;
    expect(ctx({ credentials: "long-term-keys" })["aws:MultiFactorAuthPresent"]).toBeUndefined();
    expect(ctx({ credentials: "console" })).toMatchObject({ "aws:MultiFactorAuthPresent": "false" });
    expect(ctx({ credentials: "console" })["aws:MultiFactorAuthAge"]).toBeUndefined();
    expect(ctx({ credentials: "console-mfa", mfaAgeSeconds: 30 })).toMatchObject({
      "aws:MultiFactorAuthPresent": "true",
      "aws:MultiFactorAuthAge": "30",
    });
    expect(ctx({ credentials: "web-identity", principal: "aws_iam_user.alice" })).toMatchObject({
      "aws:MultiFactorAuthPresent": "false",
    });
    expect(ctx({ credentials: "console", context: { "aws:multifactorauthpresent": true } })).toMatchObject({
      "aws:multifactorauthpresent": "true",
    });
    expect(
      run(force, { credentials: "console", context: { "aws:MultiFactorAuthPresent": "true" } }).decision,
    ).toBe("allow");
  });

  test("fresh-MFA window: NumericGreaterThan aws:MultiFactorAuthAge denies stale MFA → outcome mfa requiring fresh-mfa", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage
    const fresh = userWith([
      ALLOW_ALL,
      {
        Sid: "FreshMfa",
        Effect: "Deny",
        Action: "iam:Create*",
        Resource: "*",
        Condition: { NumericGreaterThanIfExists: { "aws:MultiFactorAuthAge": "300" } },
      },
      {
        Sid: "NeedMfa",
        Effect: "Deny",
        Action: "iam:Create*",
        Resource: "*",
        Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
      },
    ]);
    expect(
      run(fresh, { credentials: "console-mfa", mfaAgeSeconds: 100, action: "iam:CreateUser" }).decision,
    ).toBe("allow");
    const stale = run(fresh, { credentials: "console-mfa", mfaAgeSeconds: 3600, action: "iam:CreateUser" });
    expect(stale.decision).toBe("explicitDeny");
    expect(stale.verdict).toMatchObject({ outcome: "mfa", requires: ["fresh-mfa"] });
    expect(run(fresh, { credentials: "long-term-keys", action: "iam:CreateUser" }).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["fresh-mfa"],
    });
  });

  test("assumed-role sessions carry no MFA keys; a deny on them cannot be lifted by MFA within the session, and the verdict says why", () => {
    // "The temporary credentials returned by AssumeRole do not include MFA information in the context, so you
    // cannot check individual API operations for MFA." https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
    const res: ResourceSpec = {
      "aws_iam_role.admin": {
        name: "admin",
        assume_role_policy: doc({
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
          Action: "sts:AssumeRole",
        }),
      },
      "aws_iam_role_policy.p": { role: sym("aws_iam_role.admin", "name"), policy: doc(ALLOW_ALL, FORCE_MFA) },
    };
    const session = { principal: "aws_iam_role.admin", credentials: "assumed-role" as const };
    const d = run(res, session);
    expect(d.context).toMatchObject({ "aws:MultiFactorAuthPresent": "false" });
    expect(d.context["aws:MultiFactorAuthAge"]).toBeUndefined();
    expect(d.decision).toBe("explicitDeny");
    expect(d.verdict.outcome).toBe("deny");
    expect(d.verdict.summary).toContain("role sessions carry no MFA information");
    expect(d.verdict.summary).toContain("id_credentials_mfa_configure-api-require");
    // Stating the keys explicitly (the reading some users report) is honoured, and then MFA can lift the deny.
    expect(
      run(res, {
        ...session,
        context: { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60" },
      }).decision,
    ).toBe("allow");
    expect(
      run(res, { ...session, context: { "aws:MultiFactorAuthPresent": "false" } }).verdict,
    ).toMatchObject({ outcome: "mfa", requires: ["mfa"] });
    // A role session's request that reads no MFA key is unaffected.
    expect(
      run(
        {
          ...res,
          "aws_iam_role_policy.p": { role: sym("aws_iam_role.admin", "name"), policy: doc(ALLOW_ALL) },
        },
        session,
      ).verdict.outcome,
    ).toBe("allow");
  });

  test("mfaAgeSeconds only with MFA credentials; unknown keys are errors", () => {
    expect(() =>
      parseAwsRequest({ principal: "x", action: "s3:GetObject", credentials: "console", mfaAgeSeconds: 3 }),
    ).toThrow(/mfaAgeSeconds/);
    expect(() => parseAwsRequest({ principal: "x", action: "s3:GetObject", colour: "red" })).toThrow(
      /colour/,
    );
    expect(() => parseAwsRequest({ principal: "x", action: "s3:GetObject", credentials: "yubikey" })).toThrow(
      /credentials/,
    );
  });
});

describe("condition operators and missing keys", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
  const allowIf = (Condition: object) =>
    userWith([{ Effect: "Allow", Action: "s3:*", Resource: "*", Condition }]);
  const ok = (Condition: object, context: AwsRequestInput["context"] = {}) =>
    run(allowIf(Condition), { context }).decision === "allow";

  test("absent key: false, but true for negated operators and for IfExists", () => {
    expect(ok({ StringEquals: { "aws:PrincipalTag/team": "a" } })).toBe(false);
    expect(ok({ StringNotEquals: { "aws:RequestTag/team": "a" } })).toBe(true);
    expect(ok({ StringEqualsIfExists: { "aws:RequestTag/team": "a" } })).toBe(true);
    expect(ok({ NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } })).toBe(true);
    expect(ok({ IpAddress: { "aws:SourceIp": "203.0.113.0/24" } })).toBe(false);
  });

  test("Null: true means absent, false means present", () => {
    expect(ok({ Null: { "aws:MultiFactorAuthAge": "true" } })).toBe(true);
    expect(ok({ Null: { "aws:MultiFactorAuthAge": "false" } }, { "aws:MultiFactorAuthAge": 3 })).toBe(true);
    expect(ok({ Null: { "aws:MultiFactorAuthAge": "false" } })).toBe(false);
  });

  test("OR across values, AND across keys and operators, negated operators with several values match none", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
    expect(ok({ StringEquals: { "s3:prefix": ["a", "b"] } }, { "s3:prefix": "b" })).toBe(true);
    expect(ok({ StringEquals: { "s3:prefix": "b", "aws:username": "bob" } }, { "s3:prefix": "b" })).toBe(
      false,
    );
    expect(ok({ StringNotEquals: { "s3:prefix": ["a", "b"] } }, { "s3:prefix": "b" })).toBe(false);
    expect(ok({ StringNotEquals: { "s3:prefix": ["a", "b"] } }, { "s3:prefix": "c" })).toBe(true);
  });

  test("set operators: ForAllValues is true for an absent key, ForAnyValue false", () => {
    expect(ok({ "ForAllValues:StringEquals": { "aws:TagKeys": ["a", "b"] } })).toBe(true);
    expect(
      ok({ "ForAllValues:StringEquals": { "aws:TagKeys": ["a", "b"] } }, { "aws:TagKeys": ["a", "c"] }),
    ).toBe(false);
    expect(ok({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["a"] } })).toBe(false);
    expect(ok({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["a"] } }, { "aws:TagKeys": ["c", "a"] })).toBe(
      true,
    );
    expect(ok({ StringEquals: { "aws:TagKeys": "a" } }, { "aws:TagKeys": ["a"] })).toBe(false);
  });

  test("numeric, date, bool, IP (v4 and v6), ARN and case-insensitive string operators", () => {
    expect(
      ok({ NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": 10 }),
    ).toBe(true);
    expect(
      ok({ NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "x" }),
    ).toBe(false);
    expect(
      ok(
        { DateLessThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } },
        { "aws:CurrentTime": "2025-06-01T12:00:00Z" },
      ),
    ).toBe(true);
    expect(
      ok({ DateGreaterThan: { "aws:EpochTime": "1700000000" } }, { "aws:EpochTime": "2024-01-01T00:00:00Z" }),
    ).toBe(true);
    expect(ok({ Bool: { "aws:SecureTransport": "TRUE" } })).toBe(true);
    expect(
      ok({ IpAddress: { "aws:SourceIp": ["2001:db8:100::/48"] } }, { "aws:SourceIp": "2001:db8:100::5" }),
    ).toBe(true);
    expect(
      ok({ IpAddress: { "aws:SourceIp": ["198.51.100.0/25"] } }, { "aws:SourceIp": "198.51.100.200" }),
    ).toBe(false);
    expect(ok({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/ali?e" } })).toBe(true);
    expect(ok({ ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci-*" } })).toBe(true);
    expect(ok({ StringEqualsIgnoreCase: { "aws:username": "ALICE" } })).toBe(true);
    expect(ok({ StringLike: { "aws:username": "a*" } })).toBe(true);
    expect(ok({ BinaryEquals: { "x:blob": "QmluYXJ5" } }, { "x:blob": "QmluYXJ5" })).toBe(true);
  });

  test("an unsupported operator makes the statement indeterminate, naming the location", () => {
    const d = run(allowIf({ StringSortOf: { "aws:username": "a" } }), {});
    expect(d.verdict.outcome).toBe("indeterminate");
    expect(d.verdict.indeterminate?.join()).toMatch(
      /aws_iam_user_policy\.p0 policy Statement\[0\]\.Condition\.StringSortOf: unsupported condition operator/,
    );
  });
});

describe("policy variables", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  const own = userWith(
    [{ Effect: "Allow", Action: "iam:ChangePassword", Resource: "arn:aws:iam::*:user/${aws:username}" }],
    { "aws_iam_user.bob": { name: "bob" } },
  );
  test("${aws:username} resolves to the caller's name", () => {
    expect(
      run(own, { action: "iam:ChangePassword", resource: `arn:aws:iam::${ACCT}:user/alice` }).decision,
    ).toBe("allow");
    expect(
      run(own, { action: "iam:ChangePassword", resource: `arn:aws:iam::${ACCT}:user/bob` }).decision,
    ).toBe("implicitDeny");
  });
  test("a variable without value matches nothing; a default applies", () => {
    const tagged = userWith([
      { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::${aws:PrincipalTag/team, 'shared'}/*" },
    ]);
    expect(run(tagged, { resource: "arn:aws:s3:::shared/x" }).decision).toBe("allow");
    const noDefault = userWith([
      { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::${aws:PrincipalTag/team}/*" },
    ]);
    expect(run(noDefault, { resource: "arn:aws:s3:::${aws:PrincipalTag/team}/x" }).decision).toBe(
      "implicitDeny",
    );
  });
});

describe("evaluation order", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
  test("explicit deny overrides allow; nothing allowed is an implicit deny", () => {
    const d = run(userWith([ALLOW_ALL, { Sid: "NoS3", Effect: "Deny", Action: "s3:*", Resource: "*" }]), {});
    expect(d.decision).toBe("explicitDeny");
    expect(d.verdict.outcome).toBe("deny");
    expect(run(userWith([]), {}).decision).toBe("implicitDeny");
  });

  test("sts:GetSessionToken and sts:GetCallerIdentity cannot be denied", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html
    const denyAll = userWith([{ Effect: "Deny", Action: "*", Resource: "*" }]);
    expect(run(denyAll, { action: "sts:GetSessionToken" }).decision).toBe("allow");
    expect(run(denyAll, { action: "sts:GetCallerIdentity" }).decision).toBe("allow");
  });

  test("SCPs: every level from root to account must allow; the management account is not restricted", () => {
    // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
    const res = userWith([ALLOW_ALL], {
      "aws_organizations_policy.deny_s3": {
        type: "SERVICE_CONTROL_POLICY",
        content: doc({ Sid: "NoS3", Effect: "Deny", Action: "s3:*", Resource: "*" }),
      },
      "aws_organizations_policy_attachment.root": {
        policy_id: sym("aws_organizations_policy.deny_s3", "id"),
        target_id: "r-ex12",
      },
    });
    const member = run(res, { account: { kind: "member" } });
    expect(member.decision).toBe("explicitDeny");
    expect(member.deciding[0]).toMatchObject({
      policy: "aws_organizations_policy.deny_s3",
      kind: "scp",
      sid: "NoS3",
    });
    expect(run(res, { account: { kind: "management" } }).decision).toBe("allow");
    expect(run(res, { account: { kind: "member" }, action: "ec2:RunInstances" }).decision).toBe("allow");
    const detached = run(res, {
      account: { kind: "member", fullAwsAccess: false },
      action: "ec2:RunInstances",
    });
    expect(detached).toMatchObject({
      decision: "implicitDeny",
      reason: expect.stringMatching(/no SCP attached at r-ex12/),
    });
  });

  test("permissions boundary intersects identity policies", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    const res: ResourceSpec = {
      "aws_iam_user.alice": { name: "alice", permissions_boundary: sym("aws_iam_policy.pb", "arn") },
      "aws_iam_policy.pb": { name: "pb", policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }) },
      "aws_iam_user_policy_attachment.a": {
        user: sym("aws_iam_user.alice", "name"),
        policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
      },
    };
    expect(run(res, {}).decision).toBe("allow");
    expect(run(res, { action: "ec2:RunInstances" })).toMatchObject({
      decision: "implicitDeny",
      reason: expect.stringMatching(/permissions boundary/),
    });
  });

  test("same account: a bucket policy naming the user grants alone; naming a role is limited by its boundary", () => {
    const bucket = (principal: object) => ({
      "aws_s3_bucket.b": { bucket: "b1" },
      "aws_s3_bucket_policy.b": {
        bucket: sym("aws_s3_bucket.b", "id"),
        policy: jdoc({
          Effect: "Allow",
          Principal: principal,
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::b1/*",
        }),
      },
      "aws_iam_policy.pb": { name: "pb", policy: doc({ Effect: "Allow", Action: "ec2:*", Resource: "*" }) },
    });
    const userRes = {
      ...bucket({ AWS: sym("aws_iam_user.alice", "arn") }),
      "aws_iam_user.alice": { name: "alice", permissions_boundary: sym("aws_iam_policy.pb", "arn") },
    };
    expect(run(userRes, { resource: "arn:aws:s3:::b1/k" }).decision).toBe("allow");
    const roleRes = {
      ...bucket({ AWS: sym("aws_iam_role.r", "arn") }),
      "aws_iam_role.r": {
        name: "r",
        assume_role_policy: doc({
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        permissions_boundary: sym("aws_iam_policy.pb", "arn"),
      },
    };
    expect(run(roleRes, { principal: "aws_iam_role.r", resource: "arn:aws:s3:::b1/k" }).decision).toBe(
      "implicitDeny",
    );
    const { "aws_iam_policy.pb": _pb, ...noBoundary } = roleRes;
    const roleNoPb = {
      ...noBoundary,
      "aws_iam_role.r": { ...roleRes["aws_iam_role.r"], permissions_boundary: null },
    };
    expect(run(roleNoPb, { principal: "aws_iam_role.r", resource: "arn:aws:s3:::b1/k" }).decision).toBe(
      "allow",
    );
  });

  test("bucket policy deny applies to the principals it names; ArnNotLike exempts CI", () => {
    const res = userWith([ALLOW_ALL], {
      "aws_s3_bucket.state": { bucket: "state" },
      "aws_s3_bucket_policy.state": {
        bucket: sym("aws_s3_bucket.state", "id"),
        policy: new TfJson({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyWithoutMfa",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [
                sym("aws_s3_bucket.state", "arn"),
                new TfTemplate([sym("aws_s3_bucket.state", "arn"), "/*"]),
              ],
              Condition: {
                BoolIfExists: { "aws:MultiFactorAuthPresent": "false" },
                ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci" },
              },
            },
          ],
        }),
      },
    });
    const d = run(res, { resource: "aws_s3_bucket.state", credentials: "long-term-keys" }, true);
    expect(d.decision).toBe("explicitDeny");
    expect(d.deciding[0]).toMatchObject({ policy: "aws_s3_bucket_policy.state", sid: "DenyWithoutMfa" });
    expect(d.statements.find((s) => s.sid === "DenyWithoutMfa")?.detail).toMatch(
      /BoolIfExists aws:MultiFactorAuthPresent \["false"\] vs \(absent\): key absent: true \(IfExists\)/,
    );
    expect(run(res, { resource: "arn:aws:s3:::state/key", credentials: "console-mfa" }).decision).toBe(
      "allow",
    );
  });

  test("cross-account requests need both the identity side and the resource side", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
    const res = userWith([ALLOW_ALL], {
      "aws_s3_bucket.b": { bucket: "b1" },
      "aws_s3_bucket_policy.b": {
        bucket: "b1",
        policy: doc({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::999988887777:root" },
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::b1/*",
        }),
      },
    });
    expect(run(res, { resource: "arn:aws:s3:::b1/k", resourceAccount: "444455556666" }).decision).toBe(
      "implicitDeny",
    );
    const ext = run(res, {
      principal: "arn:aws:iam::999988887777:user/eve",
      identityPolicies: [{ Version: "2012-10-17", Statement: [ALLOW_ALL] }],
      resource: "arn:aws:s3:::b1/k",
    });
    expect(ext.decision).toBe("allow");
    expect(
      run(res, { principal: "arn:aws:iam::999988887777:user/eve", resource: "arn:aws:s3:::b1/k" }).verdict
        .outcome,
    ).toBe("indeterminate");
  });
});

describe("role trust", () => {
  const trustRes = (statement: object): ResourceSpec =>
    userWith([ALLOW_ALL], {
      "aws_iam_role.admin": {
        name: "admin",
        assume_role_policy: jdoc(statement),
        max_session_duration: 3600,
      },
      "aws_iam_openid_connect_provider.github": {
        url: "https://token.actions.githubusercontent.com",
        client_id_list: ["sts.amazonaws.com"],
      },
    });

  test("sts:AssumeRole with MFA: trust policy on the account delegates to identity policies and demands MFA", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
    const res = trustRes({
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
      Action: "sts:AssumeRole",
      Condition: {
        Bool: { "aws:MultiFactorAuthPresent": "true" },
        NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
      },
    });
    const req = { action: "sts:AssumeRole", resource: "aws_iam_role.admin" };
    expect(run(res, { ...req, credentials: "session-token-mfa", mfaAgeSeconds: 60 }).decision).toBe("allow");
    const old = run(res, { ...req, credentials: "session-token-mfa", mfaAgeSeconds: 7200 });
    expect(old.decision).toBe("implicitDeny");
    expect(old.verdict).toMatchObject({ outcome: "mfa", requires: ["fresh-mfa"] });
    expect(run(res, { ...req, credentials: "long-term-keys" }).verdict).toMatchObject({
      outcome: "mfa",
      requires: ["fresh-mfa"],
    });
    expect(
      run(res, {
        ...req,
        principal: "aws_iam_user.alice",
        credentials: "console-mfa",
        account: { id: "444455556666", kind: "management" },
      }).decision,
    ).toBe("implicitDeny");
  });

  test("sts:AssumeRoleWithWebIdentity: the trust policy alone decides on the OIDC claims", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
    const res = trustRes({
      Effect: "Allow",
      Principal: { Federated: sym("aws_iam_openid_connect_provider.github", "arn") },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" },
      },
    });
    const req = {
      principal: "aws_iam_openid_connect_provider.github",
      action: "sts:AssumeRoleWithWebIdentity",
      resource: "aws_iam_role.admin",
      credentials: "web-identity" as const,
    };
    expect(
      run(res, { ...req, claims: { aud: "sts.amazonaws.com", sub: "repo:acme/infra:ref:refs/heads/main" } })
        .decision,
    ).toBe("allow");
    const fork = run(res, {
      ...req,
      claims: { aud: "sts.amazonaws.com", sub: "repo:evil/infra:ref:refs/heads/main" },
    });
    expect(fork).toMatchObject({ decision: "implicitDeny", verdict: { outcome: "deny" } });
  });
});

describe("model compilation", () => {
  test("group policies reach members through both membership resources and aws_iam_policy_attachment", () => {
    const res: ResourceSpec = {
      "aws_iam_user.alice": { name: "alice" },
      "aws_iam_user.bob": { name: "bob" },
      "aws_iam_group.eng": { name: "eng" },
      "aws_iam_group.ops": { name: "ops" },
      "aws_iam_user_group_membership.a": {
        user: sym("aws_iam_user.alice", "name"),
        groups: [sym("aws_iam_group.eng", "name")],
      },
      "aws_iam_group_membership.b": { name: "m", group: "ops", users: ["bob"] },
      "aws_iam_policy.s3": { name: "s3", policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }) },
      "aws_iam_group_policy_attachment.eng": {
        group: sym("aws_iam_group.eng", "name"),
        policy_arn: sym("aws_iam_policy.s3", "arn"),
      },
      "aws_iam_policy_attachment.ops": {
        name: "x",
        groups: [sym("aws_iam_group.ops", "name")],
        policy_arn: `arn:aws:iam::${ACCT}:policy/s3`,
      },
    };
    expect(run(res, {}).decision).toBe("allow");
    expect(run(res, { principal: "aws_iam_user.bob" }).decision).toBe("allow");
    expect(run(res, { principal: `arn:aws:iam::${ACCT}:user/bob` }).decision).toBe("allow");
  });

  test("role inline_policy and managed_policy_arns, PowerUserAccess shipped", () => {
    const res: ResourceSpec = {
      "aws_iam_role.ci": {
        name: "ci",
        assume_role_policy: doc({
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        inline_policy: [
          {
            name: "deny-iam-users",
            policy: doc({ Effect: "Deny", Action: "iam:CreateUser", Resource: "*" }),
          },
        ],
        managed_policy_arns: ["arn:aws:iam::aws:policy/PowerUserAccess"],
      },
    };
    expect(run(res, { principal: "aws_iam_role.ci", action: "ec2:RunInstances" }).decision).toBe("allow");
    expect(run(res, { principal: "aws_iam_role.ci", action: "iam:ListRoles" }).decision).toBe("allow");
    expect(run(res, { principal: "aws_iam_role.ci", action: "iam:CreateRole" }).decision).toBe(
      "implicitDeny",
    );
    expect(run(res, { principal: "aws_iam_role.ci", action: "iam:CreateUser" }).deciding[0]).toMatchObject({
      policy: "aws_iam_role.ci#inline:deny-iam-users",
    });
  });

  test("unknown AWS managed ARN and unbound symbols are indeterminate with their location; a binding resolves the symbol", () => {
    const unknown = run(
      userWith([], {
        "aws_iam_user_policy_attachment.x": {
          user: "alice",
          policy_arn: "arn:aws:iam::aws:policy/NoSuchPolicy",
        },
      }),
      {},
    );
    expect(unknown.verdict.outcome).toBe("indeterminate");
    expect(unknown.verdict.indeterminate?.join()).toMatch(/NoSuchPolicy is not known/);

    const symbolic = userWith([
      { Effect: "Allow", Action: "s3:*", Resource: new TfTemplate([sym("aws_s3_bucket.x", "arn"), "/*"]) },
    ]);
    const res = {
      ...symbolic,
      "aws_iam_user_policy.p0": {
        user: "alice",
        policy: new TfJson({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "s3:*",
              Resource: new TfTemplate([sym("aws_s3_bucket.x", "arn"), "/*"]),
            },
          ],
        }),
      },
    };
    const d = run(res, { resource: "arn:aws:s3:::real/k" });
    expect(d.verdict.outcome).toBe("indeterminate");
    expect(d.verdict.indeterminate?.join()).toMatch(
      /aws_iam_user_policy\.p0#0: Resource uses aws_s3_bucket\.x\.arn/,
    );
    expect(
      run(res, { resource: "arn:aws:s3:::real/k", bindings: { "aws_s3_bucket.x.arn": "arn:aws:s3:::real" } })
        .decision,
    ).toBe("allow");
    expect(run(res, { action: "ec2:RunInstances" }).verdict.outcome).toBe("deny");
  });

  test("an unreadable policy document names resource and attribute", () => {
    const d = run(
      {
        "aws_iam_user.alice": { name: "alice" },
        "aws_iam_user_policy.bad": { user: "alice", policy: "{not json" },
      },
      {},
    );
    expect(d.verdict.indeterminate?.join()).toMatch(/test: aws_iam_user_policy\.bad policy.*not valid JSON/);
  });

  test("trace lists every layer and statement with the first failing element", () => {
    const d = run(userWith([ALLOW_ALL, FORCE_MFA]), { credentials: "console-mfa" }, true);
    expect(d.trace[0].children?.map((c) => c.subject)).toEqual(["identity policies"]);
    expect(d.statements.map((s) => s.applies)).toEqual(["yes", "no"]);
    expect(d.statements[1].detail).toMatch(
      /condition failed: BoolIfExists aws:MultiFactorAuthPresent \["false"\] vs "true"/,
    );
  });
});
