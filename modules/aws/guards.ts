/**
 * AWS lockout guards: fail synth when a deny conditioned on MFA could catch a break-glass user or the
 * CI role (whose OIDC sessions can never carry MFA) without an `aws:PrincipalArn` exemption for it.
 * Where each principal can be caught: resource policies and SCPs/RCPs (everyone); identity policies
 * attached to the CI role, to a break-glass user, or to a group with a break-glass member.
 */
import type { IConstruct } from "constructs";
import type { GuardRule } from "../guards";
import type { AwsSpec, BaselineSpec } from "../spec";
import { readPolicy, type PolicyRead } from "./guard-policy-reader";
import { StackIndex, type IndexedElement } from "./guard-stack-index";
import { isMfaDeny, mfaDenyCatches, type GuardedPrincipal } from "./mfa-deny-analysis";
import { PRINCIPAL_ARN_KEY, roleArn, userArn } from "./principals";

export const AWS_GUARD_IDS = {
  breakGlass: "AWS-MFA-DENY-BREAK-GLASS",
  ci: "AWS-MFA-DENY-CI",
  notPrincipal: "AWS-MFA-DENY-NOT-PRINCIPAL",
  unreadable: "AWS-POLICY-UNREADABLE",
} as const;

/** Resource-based policies: they apply to any principal, so break-glass and CI can both be caught. */
const RESOURCE_POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_s3_bucket_policy: "policy",
  aws_sns_topic_policy: "policy",
  aws_sqs_queue_policy: "policy",
  aws_kms_key: "policy",
  aws_secretsmanager_secret_policy: "policy",
  aws_ecr_repository_policy: "policy",
};
const ORGANIZATION_DENY_POLICY_TYPES = new Set(["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]);

type PrincipalKind = "break-glass" | "ci";

interface Exposure {
  /** What puts the policy on the principals, for the message. */
  readonly where: string;
  readonly read: PolicyRead;
  readonly principals: readonly (GuardedPrincipal & { readonly kind: PrincipalKind })[];
}

export function awsGuardRules(spec: BaselineSpec): GuardRule[] {
  const aws = spec.aws;
  if (!aws) return [];
  const exposuresOf = (node: IConstruct): Exposure[] => {
    const index = StackIndex.of(node);
    const element = index?.ofConstruct(node);
    return index && element ? exposures(index, element, aws) : [];
  };

  const exemptionRule = (id: string, kind: PrincipalKind, why: string): GuardRule => ({
    id,
    check: (node) =>
      exposuresOf(node).flatMap(({ where, read, principals }) => {
        if (!read.ok) return [];
        return principals
          .filter((p) => p.kind === kind)
          .flatMap((p) =>
            read.document.Statement.filter((s) => !s.NotPrincipal && mfaDenyCatches(s, p)).map(
              (s) =>
                `${where}: statement ${statementName(s.Sid)} denies requests without MFA and would also deny ${p.label} (${p.arn}); ${why}. Exempt it in that statement with an ArnNotLike condition on ${PRINCIPAL_ARN_KEY} listing ${p.arn}.`,
            ),
          );
      }),
  });

  return [
    exemptionRule(
      AWS_GUARD_IDS.breakGlass,
      "break-glass",
      "break-glass access must keep working when MFA is lost or broken",
    ),
    exemptionRule(AWS_GUARD_IDS.ci, "ci", "GitHub Actions OIDC (web identity) sessions can never carry MFA"),
    {
      id: AWS_GUARD_IDS.notPrincipal,
      check: (node) =>
        exposuresOf(node).flatMap(({ where, read }) =>
          read.ok
            ? read.document.Statement.filter((s) => s.NotPrincipal && isMfaDeny(s)).map(
                (s) =>
                  `${where}: statement ${statementName(s.Sid)} exempts principals from an MFA deny with NotPrincipal, which also denies every principal it names that has a permissions boundary (IAM user guide, "Permissions boundaries"); use an ArnNotLike condition on ${PRINCIPAL_ARN_KEY} instead.`,
              )
            : [],
        ),
    },
    {
      id: AWS_GUARD_IDS.unreadable,
      check: (node) =>
        exposuresOf(node).flatMap(({ where, read, principals }) =>
          read.ok
            ? []
            : [
                `${where}: ${read.reason}, so it cannot be checked for denies that lock out ${principals.map((p) => p.label).join(", ")}.`,
              ],
        ),
    },
  ];
}

function statementName(sid: string | undefined): string {
  return sid ? `"${sid}"` : "(without Sid)";
}

function exposures(index: StackIndex, el: IndexedElement, aws: AwsSpec): Exposure[] {
  const principals = guardedPrincipals(index, aws);
  const breakGlass = principals.filter((p) => p.kind === "break-glass");
  const ci = principals.filter((p) => p.kind === "ci");
  const a = el.attributes;

  const resourceAttribute = RESOURCE_POLICY_ATTRIBUTES[el.type];
  if (resourceAttribute) {
    return [
      {
        where: `${el.address} (resource policy)`,
        read: readPolicy(index, el, resourceAttribute, a[resourceAttribute]),
        principals,
      },
    ];
  }
  if (el.type === "aws_organizations_policy") {
    const type = typeof a.type === "string" ? a.type : "SERVICE_CONTROL_POLICY";
    if (!ORGANIZATION_DENY_POLICY_TYPES.has(type)) return [];
    return [
      { where: `${el.address} (${type})`, read: readPolicy(index, el, "content", a.content), principals },
    ];
  }

  const names = (value: unknown, type: string) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) =>
      canonicalName(index, v, type),
    );
  const groupMembers = (group: string) => breakGlass.filter((p) => breakGlassInGroup(index, p.name, group));
  const targets: { description: string; caught: typeof principals }[] = [];
  for (const group of names(a.group ?? a.groups, "aws_iam_group")) {
    const members = groupMembers(group);
    if (members.length > 0)
      targets.push({
        description: `group "${group}", which has break-glass member(s) ${members.map((m) => m.name).join(", ")}`,
        caught: members,
      });
  }
  for (const user of names(a.user ?? a.users, "aws_iam_user")) {
    const caught = breakGlass.filter((p) => p.name === user);
    if (caught.length > 0) targets.push({ description: `break-glass user "${user}"`, caught });
  }
  for (const role of names(a.role ?? a.roles, "aws_iam_role")) {
    if (role === aws.ci.roleName) targets.push({ description: `the CI role "${role}"`, caught: ci });
  }

  const attached = (policyArn: unknown): { address: string; read: PolicyRead } | undefined => {
    const policy = index.referenced(policyArn, "arn");
    // A literal ARN is an AWS managed or external policy: not part of this configuration.
    if (!policy || policy.type !== "aws_iam_policy") return undefined;
    return { address: policy.address, read: readPolicy(index, policy, "policy", policy.attributes.policy) };
  };

  switch (el.type) {
    case "aws_iam_group_policy_attachment":
    case "aws_iam_user_policy_attachment":
    case "aws_iam_role_policy_attachment":
    case "aws_iam_policy_attachment": {
      const policy = attached(a.policy_arn);
      if (!policy) return [];
      return targets.map((t) => ({
        where: `${el.address} attaches ${policy.address} to ${t.description}`,
        read: policy.read,
        principals: t.caught,
      }));
    }
    case "aws_iam_group_policy":
    case "aws_iam_user_policy":
    case "aws_iam_role_policy":
      return targets.map((t) => ({
        where: `${el.address} (inline policy of ${t.description})`,
        read: readPolicy(index, el, "policy", a.policy),
        principals: t.caught,
      }));
    case "aws_iam_role": {
      if (a.name !== aws.ci.roleName) return [];
      const inline = (Array.isArray(a.inline_policy) ? a.inline_policy : []) as Record<string, unknown>[];
      const managed = Array.isArray(a.managed_policy_arns) ? a.managed_policy_arns : [];
      return [
        ...inline.map((p) => ({
          where: `${el.address} inline_policy "${String(p.name)}" of the CI role`,
          read: readPolicy(index, el, "inline_policy", p.policy),
          principals: ci,
        })),
        ...managed.flatMap((arn) => {
          const policy = attached(arn);
          return policy
            ? [
                {
                  where: `${el.address} managed_policy_arns ${policy.address} on the CI role`,
                  read: policy.read,
                  principals: ci,
                },
              ]
            : [];
        }),
      ];
    }
    default:
      return [];
  }
}

type Guarded = GuardedPrincipal & { readonly kind: PrincipalKind; readonly name: string };

function guardedPrincipals(index: StackIndex, aws: AwsSpec): Guarded[] {
  const refsTo = (type: string, name: string) =>
    index
      .ofType(type)
      .filter((e) => e.attributes.name === name)
      .map((e) => `\${${e.address}.arn}`);
  return [
    ...aws.breakGlassUsers.map((name) => ({
      kind: "break-glass" as const,
      name,
      label: `break-glass user ${name}`,
      arn: userArn(aws, name),
      references: refsTo("aws_iam_user", name),
      accountId: aws.accountId,
    })),
    {
      kind: "ci" as const,
      name: aws.ci.roleName,
      label: `CI role ${aws.ci.roleName}`,
      arn: roleArn(aws, aws.ci.roleName),
      references: refsTo("aws_iam_role", aws.ci.roleName),
      accountId: aws.accountId,
    },
  ];
}

/** The IAM name a value stands for: itself when literal, the named resource's `name` when it references one. */
function canonicalName(index: StackIndex, value: unknown, type: string): string {
  const target = index.referenced(value);
  if (target && target.type === type && typeof target.attributes.name === "string")
    return target.attributes.name;
  return String(value);
}

function breakGlassInGroup(index: StackIndex, user: string, group: string): boolean {
  const viaGroup = index
    .ofType("aws_iam_group_membership")
    .some(
      (m) =>
        canonicalName(index, m.attributes.group, "aws_iam_group") === group &&
        asList(m.attributes.users).some((u) => canonicalName(index, u, "aws_iam_user") === user),
    );
  const viaUser = index
    .ofType("aws_iam_user_group_membership")
    .some(
      (m) =>
        canonicalName(index, m.attributes.user, "aws_iam_user") === user &&
        asList(m.attributes.groups).some((g) => canonicalName(index, g, "aws_iam_group") === group),
    );
  return viaGroup || viaUser;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}
