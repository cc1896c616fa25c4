/**
 * The AWS request space: representatives derived from what the policies mention, defaults first, and
 * the evaluator's shortcuts checked against the documented normalisation at every point.
 */
import { TfSymbol } from "../terraform/model";
import { enumerateIndices, spaceSize, valuesAt } from "../verify/space";
import { compileAws } from "./compile";
import { evaluateAws } from "./evaluate";
import type { AwsRequest } from "./context";
import { awsContextSpace, type AwsAuthentication, type AwsPersona, type AwsTarget } from "./space";
import { tfModel } from "./testing/tf-model";

const ACCT = "111122223333";
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const sym = (address: string, attribute: string) => new TfSymbol(address, attribute);

const config = tfModel({
  "aws_iam_group.staff": { name: "Staff" },
  "aws_iam_policy.force": {
    name: "force",
    policy: doc(
      {
        Sid: "OwnMfa",
        Effect: "Allow",
        Action: ["iam:EnableMFADevice"],
        Resource: `arn:aws:iam::${ACCT}:user/\${aws:username}`,
      },
      {
        Sid: "NoMfa",
        Effect: "Deny",
        NotAction: ["iam:EnableMFADevice", "sts:GetSessionToken"],
        Resource: "*",
        Condition: {
          BoolIfExists: { "aws:MultiFactorAuthPresent": "false" },
          ArnNotLike: { "aws:PrincipalArn": [`arn:aws:iam::${ACCT}:user/keeper`] },
        },
      },
      {
        Sid: "Stale",
        Effect: "Deny",
        Action: ["iam:Delete*"],
        Resource: "*",
        Condition: { NumericGreaterThanIfExists: { "aws:MultiFactorAuthAge": "900" } },
      },
      {
        Sid: "Office",
        Effect: "Deny",
        Action: ["s3:DeleteObject"],
        Resource: "*",
        Condition: { NotIpAddress: { "aws:SourceIp": ["203.0.113.0/24"] } },
      },
    ),
  },
  "aws_iam_group_policy_attachment.force": { group: "Staff", policy_arn: sym("aws_iam_policy.force", "arn") },
  "aws_iam_role.ops": {
    name: "ops",
    assume_role_policy: doc({
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
      Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
    }),
  },
});

const space = awsContextSpace(config);
const dim = <V>(name: string) => space.dimensions.find((d) => d.name === name)?.values as readonly V[];

test("the least special value comes first in every dimension", () => {
  expect(dim<AwsPersona>("principal")[0].role).toBe("other-user");
  expect(dim<AwsTarget>("target")[0]).toEqual({ action: "ec2:DescribeInstances", resource: "*" });
  expect(dim<AwsAuthentication>("authentication")[0]).toEqual({ credentials: "long-term-keys" });
  expect(dim("account")[0]).toEqual({ kind: "member" });
  expect(dim("secureTransport")).toEqual([true]);
});

test("principals: each group, each role, and the ungrouped user", () => {
  expect(dim<AwsPersona>("principal").map((p) => p.principal)).toEqual([
    `arn:aws:iam::${ACCT}:user/someone`,
    `arn:aws:iam::${ACCT}:user/staff-member`,
    `arn:aws:iam::${ACCT}:role/ops`,
  ]);
});

test("MFA ages sit on both sides of every age the policies compare, and at it", () => {
  // NumericGreaterThanIfExists 900: 899 and 900 are allowed, 901 is not.
  expect(
    dim<AwsAuthentication>("authentication")
      .map((a) => a.mfaAgeSeconds)
      .filter((a) => a !== undefined),
  ).toEqual([0, 899, 900, 901]);
});

test("source IPs: one outside every CIDR first, then the first and last address inside and the one just after", () => {
  expect(dim("sourceIp")).toEqual(["192.0.2.10", "203.0.113.0", "203.0.113.255", "203.0.114.0"]);
});

test("actions: one representative per set of statements that match, with the resources those statements name", () => {
  const targets = dim<AwsTarget>("target");
  const actions = [...new Set(targets.map((t) => t.action))];
  expect(actions).toEqual(
    expect.arrayContaining([
      "ec2:DescribeInstances",
      "iam:EnableMFADevice",
      "s3:DeleteObject",
      "sts:AssumeRole",
    ]),
  );
  expect(actions.some((a) => /^iam:Delete/.test(a))).toBe(true);
  // sts:GetSessionToken is in the NotAction list only, as is iam:EnableMFADevice, but the latter is also allowed on the own user: two classes.
  expect(targets).toContainEqual({ action: "iam:EnableMFADevice", resource: "own user", ownUser: true });
  expect(targets).toContainEqual({ action: "sts:AssumeRole", resource: `arn:aws:iam::${ACCT}:role/ops` });
  expect(targets.filter((t) => t.action === "sts:AssumeRole").map((t) => t.resource)).not.toContain("*");
});

test("a role session without MFA is an AssumeRole session (no MFA keys); with MFA it keeps the keys", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
  const auth = dim<AwsAuthentication>("authentication");
  const idx = space.dimensions.map(() => 0);
  idx[0] = dim<AwsPersona>("principal").findIndex((p) => p.role === "role");
  idx[2] = auth.findIndex((a) => a.credentials === "console");
  expect(space.build(valuesAt(space, idx)).credentials).toBe("assumed-role");
  idx[2] = auth.findIndex((a) => a.credentials === "console-mfa");
  expect(space.build(valuesAt(space, idx)).credentials).toBe("console-mfa");
  idx[0] = 0;
  idx[2] = auth.findIndex((a) => a.credentials === "console");
  expect(space.build(valuesAt(space, idx)).credentials).toBe("console");
});

test("a request for the caller's own user names the caller", () => {
  const targets = dim<AwsTarget>("target");
  const own = targets.findIndex((t) => t.ownUser);
  const idx = space.dimensions.map(() => 0);
  idx[0] = 1;
  idx[1] = own;
  const r = space.build(valuesAt(space, idx));
  expect(r.resource).toBe(`arn:aws:iam::${ACCT}:user/staff-member`);
});

/**
 * The normalised outcome as documented in evaluate.ts, computed the long way: allowed → allow; else with
 * a fresh MFA allowed → mfa (fresh-mfa when an MFA 129600 s old is not enough); else deny.
 */
function documentedOutcome(model: ReturnType<typeof compileAws>, r: AwsRequest): string {
  const d = evaluateAws(model, r);
  if (d.verdict.outcome === "indeterminate") return "indeterminate";
  if (d.decision === "allow") return "allow";
  if (r.credentials === "web-identity") return "deny";
  // AssumeRole sessions carry no MFA information (id_credentials_mfa_configure-api-require.html): MFA cannot lift a deny within them.
  const statesMfa = Object.keys(r.context).some((k) => k.toLowerCase().startsWith("aws:multifactorauth"));
  if (r.credentials === "assumed-role" && !statesMfa) return "deny";
  const withMfa = (age: number): AwsRequest => ({
    ...r,
    context: { ...r.context, "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": String(age) },
  });
  if (evaluateAws(model, withMfa(0)).decision !== "allow") return "deny";
  return evaluateAws(model, withMfa(129_600)).decision === "allow" ? "mfa:mfa" : "mfa:fresh-mfa";
}

test("at every point of the space, the verdict equals the documented re-evaluation (the MFA shortcut changes nothing)", () => {
  const model = compileAws(config);
  let checked = 0;
  for (const idx of enumerateIndices(space)) {
    const r = space.build(valuesAt(space, idx));
    const v = evaluateAws(model, r).verdict;
    const got = v.outcome === "mfa" ? `mfa:${v.requires?.join(",")}` : v.outcome;
    if (got !== documentedOutcome(model, r))
      throw new Error(`${JSON.stringify(r)}: ${got} but documented ${documentedOutcome(model, r)}`);
    checked++;
  }
  expect(checked).toBe(spaceSize(space));
  expect(checked).toBeGreaterThan(100);
});
