/**
 * The organisation's AWS rules as invariants over requests, parameterised by the baseline spec (who is
 * break-glass, which groups hold which tier, which actions are sensitive, the MFA window, the CI
 * repository). Each names the AWS documentation it relies on.
 */
import { MFA_BOOTSTRAP_ACTIONS as SPEC_MFA_BOOTSTRAP_ACTIONS, type BaselineSpec } from "../../modules/spec";
import type { AwsRequest } from "../aws/context";
import type { Outcome } from "../decision";
import type { DecisionFacts } from "../providers";
import type { Invariant, PointInvariant, RelationalInvariant } from "../verify/invariant";
import { orderIndependence } from "../verify/variants";
import { reversedStatementOrder, withPrincipalExcluded } from "./aws-variants";

type AwsSpec = NonNullable<BaselineSpec["aws"]>;

/**
 * What a user without MFA may still do: enrol and manage their own MFA device and get a session token
 * with it; sts:GetCallerIdentity cannot be denied.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export const MFA_BOOTSTRAP_ACTIONS = [...SPEC_MFA_BOOTSTRAP_ACTIONS, "sts:GetCallerIdentity"] as const;

/**
 * What destroys or unprotects Terraform state: deleting objects or versions, the bucket, its policy,
 * versioning or lifecycle. Stated here on its own, not imported from the construct: an invariant that
 * reused the construct's list would forget whatever the construct forgets.
 */
export const STATE_DESTRUCTIVE_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
] as const;

const USER_ARN = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?([\w+=,.@-]+)$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]+)$/;

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
}

/** Facts about a request the rules speak of. */
class Facts {
  private readonly sensitive: readonly RegExp[];
  constructor(
    private readonly aws: AwsSpec,
    private readonly freshMfaSeconds: number,
  ) {
    this.sensitive = aws.sensitiveActions.map(wildcard);
  }
  userName(r: AwsRequest): string | undefined {
    return USER_ARN.exec(r.principal)?.[1];
  }
  roleName(r: AwsRequest): string | undefined {
    return ROLE_ARN.exec(r.principal)?.[1];
  }
  isBreakGlass(r: AwsRequest): boolean {
    const name = this.userName(r);
    return name !== undefined && this.aws.breakGlassUsers.includes(name);
  }
  /** A person in one of the baseline's tier groups (break-glass users are not a tier, whatever groups they are in). */
  isTierUser(r: AwsRequest): boolean {
    const g = this.aws.groups;
    return (
      this.userName(r) !== undefined &&
      !this.isBreakGlass(r) &&
      r.groups.some((x) => x === g.administrators || x === g.employees || x === g.contractors)
    );
  }
  /** A person in the administrators group (their administrator role sessions are gated when the role is assumed). */
  isAdministrator(r: AwsRequest): boolean {
    return (
      this.userName(r) !== undefined &&
      !this.isBreakGlass(r) &&
      r.groups.includes(this.aws.groups.administrators)
    );
  }
  isAdminRoleSession(r: AwsRequest): boolean {
    return this.roleName(r) === this.aws.adminRole.name;
  }
  isWebIdentity(r: AwsRequest): boolean {
    return (
      r.credentials === "web-identity" ||
      r.principal.includes("oidc-provider") ||
      r.principal.startsWith("aws_iam_openid_connect_provider.")
    );
  }
  isSensitive(r: AwsRequest): boolean {
    return this.sensitive.some((p) => p.test(r.action));
  }
  isBootstrap(r: AwsRequest): boolean {
    return MFA_BOOTSTRAP_ACTIONS.some((a) => a.toLowerCase() === r.action.toLowerCase());
  }
  isRoleAssumption(r: AwsRequest): boolean {
    return /^sts:AssumeRole/i.test(r.action);
  }
  targetsRole(r: AwsRequest, name: string): boolean {
    return ROLE_ARN.exec(r.resource)?.[1] === name;
  }
  targetsStateBucket(r: AwsRequest): boolean {
    const b = this.aws.stateBucket.name;
    return r.resource === `arn:aws:s3:::${b}` || r.resource.startsWith(`arn:aws:s3:::${b}/`);
  }
  /** Deleting or unprotecting the Terraform state (the request's action may itself be a pattern). */
  isStateDestruction(r: AwsRequest): boolean {
    return (
      this.targetsStateBucket(r) &&
      STATE_DESTRUCTIVE_ACTIONS.some(
        (a) => a.toLowerCase() === r.action.toLowerCase() || wildcard(r.action).test(a),
      )
    );
  }
  /**
   * What the request carries about MFA: `none` (aws:MultiFactorAuthPresent absent or false), `stale`
   * (present, at least the window old) or `fresh`. Explicit context keys win over the credentials sugar.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
   */
  mfa(r: AwsRequest): "none" | "stale" | "fresh" {
    const key = (name: string) => Object.entries(r.context).find(([k]) => k.toLowerCase() === name)?.[1];
    const present =
      key("aws:multifactorauthpresent") ??
      (r.credentials === "console-mfa" || r.credentials === "session-token-mfa" ? "true" : undefined);
    if (String(present).toLowerCase() !== "true") return "none";
    return this.mfaAge(r) < this.freshMfaSeconds ? "fresh" : "stale";
  }
  mfaAge(r: AwsRequest): number {
    const age = Object.entries(r.context).find(([k]) => k.toLowerCase() === "aws:multifactorauthage")?.[1];
    return Number(age ?? r.mfaAgeSeconds ?? 0);
  }
  /**
   * Whether the request is one an administrator-role session can make: under the documented reading with
   * no MFA information (credentials `assumed-role`, or the key stated false); under the reading some users
   * report with the MFA of AssumeRole, which was younger than the window and has aged at most one session.
   */
  isAdminRoleSessionRequest(r: AwsRequest, sessionSeconds: number): boolean {
    if (!this.isAdminRoleSession(r) || r.credentials === "long-term-keys" || this.isWebIdentity(r))
      return false;
    return this.mfa(r) === "none" || this.mfaAge(r) < this.freshMfaSeconds + sessionSeconds;
  }
}

const allowed = (f: DecisionFacts) => f.verdict.outcome === "allow";

function point(
  id: string,
  title: string,
  applies: (r: AwsRequest) => boolean,
  violation: (r: AwsRequest, f: DecisionFacts) => string | undefined,
  expected: Outcome,
): PointInvariant<AwsRequest> {
  return { kind: "point", id, title, provider: "aws", applies, violation, expected: () => expected };
}

/** The AWS invariants of a baseline spec; none when the spec has no AWS part. */
export function awsInvariants(spec: BaselineSpec): Invariant<AwsRequest>[] {
  const aws = spec.aws;
  if (!aws) return [];
  const window = spec.sessions.freshMfaSeconds;
  const x = new Facts(aws, window);
  const ciSubjects = new Set([
    ...aws.ci.branches.map((b) => `repo:${aws.ci.repository}:ref:refs/heads/${b}`),
    ...aws.ci.environments.map((e) => `repo:${aws.ci.repository}:environment:${e}`),
  ]);
  const account = aws.accountId;
  const sessionSeconds = spec.sessions.adminRoleSessionHours * 3600;

  const invariants: Invariant<AwsRequest>[] = [
    point(
      "aws-break-glass-never-blocked",
      "Break-glass users are never denied or asked for MFA by the baseline (over TLS, for anything but assuming roles).",
      // Assuming a role is a grant of that role's trust policy, not a block; requests without TLS are refused for everyone.
      (r) => x.isBreakGlass(r) && r.secureTransport && !x.isRoleAssumption(r),
      (r, f) =>
        allowed(f)
          ? undefined
          : `break-glass user ${x.userName(r)} got ${f.verdict.outcome}: ${f.verdict.summary}`,
      "allow",
    ),
    point(
      "aws-humans-need-mfa",
      "No person in a tier group reaches AWS without MFA, except to enrol their MFA device and get a session token (MFA bootstrap).",
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent:
      // long-term access keys carry no aws:MultiFactorAuthPresent, so only BoolIfExists denies them.
      (r) => x.isTierUser(r) && x.mfa(r) === "none" && !x.isBootstrap(r),
      (r, f) =>
        allowed(f)
          ? `${r.principal} (${r.groups.join(", ")}) did ${r.action} with ${r.credentials ?? "no credentials sugar"} and no MFA: ${f.verdict.summary}`
          : undefined,
      "mfa",
    ),
    point(
      "aws-mfa-enrolment-always-possible",
      "A person in a tier group without MFA can always enrol an MFA device and get an MFA session: the MFA bootstrap actions are never denied to them.",
      // The NotAction list of DenyAllExceptListedIfNoMFA; a sensitive-action pattern such as iam:Create* would deny enrolment itself.
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
      (r) => x.isTierUser(r) && x.mfa(r) === "none" && x.isBootstrap(r) && r.secureTransport,
      (r, f) =>
        allowed(f)
          ? undefined
          : `${r.principal} (${r.groups.join(", ")}) without MFA got ${f.verdict.outcome} for ${r.action} on ${r.resource}: ${f.verdict.summary}`,
      "allow",
    ),
    point(
      "aws-sensitive-actions-need-fresh-mfa",
      `Sensitive actions by people in tier groups (IAM users) need an MFA younger than ${window} s.`,
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage
      // Administrator-role sessions are not conditioned on MFA keys, which they do not carry; the role is gated at AssumeRole.
      (r) => x.isTierUser(r) && x.isSensitive(r) && x.mfa(r) !== "fresh",
      (r, f) =>
        allowed(f)
          ? `${r.action} allowed for ${r.principal} with ${x.mfa(r) === "none" ? "no MFA" : `an MFA ${r.mfaAgeSeconds} s old`} (window ${window} s): ${f.verdict.summary}`
          : undefined,
      "mfa",
    ),
    point(
      "aws-admin-role-needs-fresh-mfa",
      `The administrator role ${aws.adminRole.name} is assumed only with an MFA younger than ${window} s, so its sessions start with fresh MFA (and last at most ${spec.sessions.adminRoleSessionHours} h).`,
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
      (r) =>
        r.action.toLowerCase() === "sts:assumerole" &&
        x.targetsRole(r, aws.adminRole.name) &&
        !x.isWebIdentity(r) &&
        x.mfa(r) !== "fresh",
      (r, f) =>
        allowed(f)
          ? `${r.principal} assumed ${aws.adminRole.name} with ${x.mfa(r) === "none" ? "no MFA" : `an MFA ${r.mfaAgeSeconds} s old`}`
          : undefined,
      "mfa",
    ),
    point(
      "aws-admin-role-session-can-do-sensitive-actions",
      `An administrator who assumed ${aws.adminRole.name} with fresh MFA can perform sensitive actions within the session (over TLS; deleting or unprotecting Terraform state excepted).`,
      // "The temporary credentials returned by AssumeRole do not include MFA information in the context, so you cannot
      // check individual API operations for MFA"; "Once the user has assumed the role, no further MFA checks are made."
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
      // The state bucket asks every principal but break-glass and CI for MFA (aws-state-deletion-needs-mfa): administrators
      // delete state as IAM users with an MFA session.
      (r) =>
        x.isAdminRoleSessionRequest(r, sessionSeconds) &&
        x.isSensitive(r) &&
        r.secureTransport &&
        !x.isStateDestruction(r),
      (r, f) =>
        allowed(f)
          ? undefined
          : `${aws.adminRole.name} session (${x.mfa(r) === "none" ? "no MFA information, as AWS documents for AssumeRole credentials" : `MFA ${x.mfaAge(r)} s old`}) got ${f.verdict.outcome} for ${r.action}: the administrator role cannot do sensitive actions (${f.verdict.summary})`,
      "allow",
    ),
    point(
      "aws-ci-role-only-from-its-repository",
      `The CI role ${aws.ci.roleName} is assumable only through GitHub OIDC, for ${aws.ci.repository} on ${[...aws.ci.branches.map((b) => `branch ${b}`), ...aws.ci.environments.map((e) => `environment ${e}`)].join(", ")}, audience sts.amazonaws.com.`,
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
      (r) => x.isRoleAssumption(r) && x.targetsRole(r, aws.ci.roleName),
      (r, f) => {
        if (!allowed(f)) return undefined;
        if (!x.isWebIdentity(r) || r.action.toLowerCase() !== "sts:assumerolewithwebidentity")
          return `${r.principal} assumed the CI role with ${r.action}`;
        const sub = r.claims?.sub;
        const aud = r.claims?.aud;
        if (sub === undefined || !ciSubjects.has(sub))
          return `a token with sub ${sub ?? "(none)"} assumed the CI role (allowed: ${[...ciSubjects].join(", ")})`;
        if (aud !== "sts.amazonaws.com") return `a token for audience ${aud ?? "(none)"} assumed the CI role`;
        return undefined;
      },
      "deny",
    ),
    point(
      "aws-state-deletion-needs-mfa",
      `Nobody but break-glass and the CI role deletes or unprotects the Terraform state in ${aws.stateBucket.name} without MFA.`,
      (r) =>
        x.isStateDestruction(r) &&
        !x.isBreakGlass(r) &&
        x.roleName(r) !== aws.ci.roleName &&
        !x.isWebIdentity(r) &&
        x.mfa(r) === "none",
      (r, f) => (allowed(f) ? `${r.principal} did ${r.action} on ${r.resource} without MFA` : undefined),
      "mfa",
    ),
    point(
      "aws-admin-never-without-fresh-mfa",
      `An administrator is never allowed a sensitive action without fresh MFA, nor to assume ${aws.adminRole.name} without it, nor anything beyond MFA bootstrap without MFA.`,
      // The AWS half of the cross-provider rule: AWS cannot tell phishing-resistant MFA apart, so fresh MFA is the strongest it can
      // demand. It is demanded of the administrators' IAM users and when they assume the administrator role, where AWS evaluates MFA;
      // the role's sessions carry no MFA information (id_credentials_mfa_configure-api-require.html).
      (r) =>
        x.isAdministrator(r) &&
        (((x.isSensitive(r) ||
          (r.action.toLowerCase() === "sts:assumerole" && x.targetsRole(r, aws.adminRole.name))) &&
          x.mfa(r) !== "fresh") ||
          (x.mfa(r) === "none" && !x.isBootstrap(r))),
      (r, f) =>
        allowed(f)
          ? `administrator ${r.principal} did ${r.action} with ${x.mfa(r) === "none" ? "no MFA" : `an MFA ${r.mfaAgeSeconds} s old`}`
          : undefined,
      "mfa",
    ),
  ];

  const relational: RelationalInvariant<AwsRequest>[] = [
    orderIndependence<AwsRequest>({
      provider: "aws",
      id: "aws-declaration-order-irrelevant",
      title: "Outcomes do not depend on the order resources or policy statements are declared in.",
      moreVariants: (tf) => [
        { label: "policy statements in reverse order", model: reversedStatementOrder(tf) },
      ],
    }),
    {
      kind: "relational",
      id: "aws-exclusion-never-stricter",
      title: "Adding a principal to the exclusions of the baseline's denies never makes an outcome stricter.",
      provider: "aws",
      applies: () => true,
      relation: "not-stricter",
      variants: (tf) => [
        {
          label: `every user of ${account} excluded`,
          model: withPrincipalExcluded(tf, `arn:aws:iam::${account}:user/*`),
        },
        {
          label: `the role ${aws.adminRole.name} excluded`,
          model: withPrincipalExcluded(tf, `arn:aws:iam::${account}:role/${aws.adminRole.name}`),
        },
      ],
    },
  ];
  return [...invariants, ...relational];
}
