/**
 * The organisation's MFA baseline, declared once. `parseBaselineSpec` validates an untyped object
 * (from code, JSON or YAML) and returns the typed spec with defaults filled in; every construct in
 * `modules/` takes the parsed `BaselineSpec`, never the raw input.
 */
import { z } from "zod";
import { formatIssues } from "./spec-errors";

/** How strongly a persona tier must authenticate. */
export const MFA_CLASSES = ["phishing-resistant", "any-mfa", "compensating-controls"] as const;
export type MfaClass = (typeof MFA_CLASSES)[number];

export const ROLLOUT_MODES = ["report-only", "enforce"] as const;
export type RolloutMode = (typeof ROLLOUT_MODES)[number];

/** The Conditional Access policies the Entra baseline can create; the keys of `rollout.policies`. */
export const ENTRA_POLICY_KEYS = [
  "mfa-all-users",
  "admins-phishing-resistant",
  "block-legacy-auth",
  "sign-in-risk",
  "user-risk",
  "mfa-azure-management",
  "mfa-guests",
  "security-info-registration",
  "block-device-code-flow",
  "admin-session",
  "block-unknown-platforms",
  "block-countries",
] as const;
export type EntraPolicyKey = (typeof ENTRA_POLICY_KEYS)[number];

/**
 * What a user without MFA may still do, so that they can enrol a device: the NotAction list of AWS's
 * force-MFA policy, exactly as documented.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
 */
export const MFA_BOOTSTRAP_ACTIONS = [
  "iam:CreateVirtualMFADevice",
  "iam:EnableMFADevice",
  "iam:GetUser",
  "iam:ListMFADevices",
  "iam:ListVirtualMFADevices",
  "iam:ResyncMFADevice",
  "sts:GetSessionToken",
] as const;

/**
 * AWS actions denied without fresh MFA unless the spec gives its own list. IAM creations are listed one
 * by one: `iam:Create*` would also deny iam:CreateVirtualMFADevice, i.e. MFA enrolment itself.
 */
export const DEFAULT_SENSITIVE_ACTIONS = [
  "iam:CreateUser",
  "iam:CreateRole",
  "iam:CreateGroup",
  "iam:CreatePolicy",
  "iam:CreatePolicyVersion",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreateOpenIDConnectProvider",
  "iam:CreateSAMLProvider",
  "iam:Delete*",
  "iam:Put*",
  "iam:Attach*",
  "iam:Detach*",
  "iam:Update*",
  "iam:Add*",
  "iam:Remove*",
  "iam:Deactivate*",
  "iam:PassRole",
  "organizations:*Policy*",
  "organizations:Leave*",
  "organizations:Remove*",
  "organizations:Delete*",
  "organizations:Move*",
  "organizations:Create*",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:PutKeyPolicy",
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
  "config:DeleteConfigRule",
  "config:StopConfigurationRecorder",
  "config:DeleteConfigurationRecorder",
  "s3:DeleteBucket",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
] as const;

/**
 * Built-in directory role template IDs treated as administrators when the spec does not list its own
 * (Global, Privileged Role, Security, Conditional Access, Exchange, SharePoint, User, Helpdesk,
 * Billing, Application and Cloud Application administrators, Authentication Policy and Privileged
 * Authentication administrators). Source: learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference
 */
export const DEFAULT_ENTRA_ADMIN_ROLE_TEMPLATE_IDS = [
  "62e90394-69f5-4237-9190-012177145e10",
  "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "194ae4cb-b126-40b2-bd5b-6091b380977d",
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
  "29232cdf-9323-42fd-ade2-1d097af3e4de",
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
  "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  "b0f54661-2d74-4c50-afa3-1ec803f12efe",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  "158c047a-c907-4556-b7ef-446551a6b5f7",
  "0526716b-113d-4c15-b2c8-68e3c22b9f80",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
] as const;

/** The Azure management application (portal, CLI, PowerShell, ARM). */
export const AZURE_MANAGEMENT_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_COUNTRY = /^[A-Z]{2}$/;
const AWS_ACCOUNT = /^\d{12}$/;
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const uuid = (what: string) =>
  z.string().regex(UUID, { message: `${what} must be a GUID such as 00000000-0000-0000-0000-000000000000` });
const nonEmpty = z.string().min(1, { message: "must not be empty" });
const iamName = z
  .string()
  .regex(IAM_NAME, { message: "must be an IAM name: 1-64 of letters, digits and +=,.@_-" });

const cidr = z.string().refine(isCidr, {
  message: "must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/48 (address/prefix, host bits zero)",
});

function isCidr(value: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const prefix = Number(m[2]);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(m[1]);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (prefix > 32 || octets.some((o) => o > 255)) return false;
    const n = octets.reduce((acc, o) => acc * 256 + o, 0);
    return prefix === 32 || n % 2 ** (32 - prefix) === 0;
  }
  return m[1].includes(":") && /^[0-9a-f:.]+$/i.test(m[1]) && prefix <= 128;
}

const tier = <C extends readonly [MfaClass, ...MfaClass[]]>(allowed: C) =>
  z.strictObject({ mfa: z.enum(allowed) });

const trustedNetwork = z.strictObject({
  name: nonEmpty,
  cidrs: z.array(cidr).min(1, { message: "a trusted network needs at least one CIDR" }),
});

/** Rollout of one Entra policy. `enforce` needs either the date its report-only stage ended or an explicit acknowledgement. */
const rollout = z.union([
  z.strictObject({ mode: z.literal("report-only") }),
  z.strictObject({
    mode: z.literal("enforce"),
    reportOnlyCompleted: z.string().regex(ISO_DATE, { message: "must be a date YYYY-MM-DD" }).optional(),
    acknowledgeNoReportOnly: nonEmpty.optional(),
  }),
]);

const entraGroup = z.union([
  z.strictObject({ create: z.strictObject({ displayName: nonEmpty }) }),
  z.strictObject({ objectId: uuid("objectId") }),
]);

const oktaGroup = z.union([
  z.strictObject({ create: z.strictObject({ name: nonEmpty }) }),
  z.strictObject({
    id: z.string().regex(/^00g\w{17}$/, { message: "must be an Okta group ID (00g + 17 characters)" }),
  }),
]);

const oktaUserId = z
  .string()
  .regex(/^00u\w{17}$/, { message: "must be an Okta user ID (00u + 17 characters)" });
const oktaAppId = z
  .string()
  .regex(/^0oa\w{17}$/, { message: "must be an Okta app ID (0oa + 17 characters)" });

const awsSpec = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "must be an AWS region such as eu-west-1" }),
  accountId: z.string().regex(AWS_ACCOUNT, { message: "must be a 12-digit AWS account ID" }),
  /** IAM groups the baseline creates for each human tier. */
  groups: z.strictObject({ administrators: iamName, employees: iamName, contractors: iamName }),
  /** Existing IAM users kept out of every deny (console access with a hardware key in a safe). */
  breakGlassUsers: z.array(iamName).min(1, { message: "list at least one break-glass IAM user" }),
  adminRole: z.strictObject({ name: iamName }),
  sensitiveActions: z
    .array(
      z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, {
        message: "must be service:Action (wildcards * and ? allowed)",
      }),
    )
    .min(1)
    .default([...DEFAULT_SENSITIVE_ACTIONS]),
  organization: z
    .strictObject({
      managementAccountId: z.string().regex(AWS_ACCOUNT, { message: "must be a 12-digit AWS account ID" }),
      /** Where the SCP is attached: the root (r-…), OUs (ou-…) or member accounts. */
      scpTargets: z
        .array(
          z.string().regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/, {
            message: "must be a root (r-xxxx), an OU (ou-xxxx-xxxxxxxx) or a 12-digit account ID",
          }),
        )
        .min(1),
      /**
       * This stack's account is a delegated administrator for Organizations policy management (the
       * management account's resource-based delegation policy allows it to manage SCPs), so the SCP
       * can be deployed from here rather than from the management account.
       * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_delegate_policies.html
       */
      delegatedPolicyAdministrator: z.boolean().default(false),
    })
    .optional(),
  stateBucket: z.strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "must be an S3 bucket name" }),
  }),
  ci: z.strictObject({
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: "must be owner/repository" }),
    branches: z.array(nonEmpty).default([]),
    environments: z.array(nonEmpty).default([]),
    roleName: iamName,
    /** Compensating control: the CI role may only be used from these CIDRs (self-hosted runners). */
    sourceIpCidrs: z.array(cidr).default([]),
    managedPolicyArns: z.array(z.string().startsWith("arn:aws:iam::")).default([]),
  }),
  passwordPolicy: z
    .strictObject({
      minimumLength: z.number().int().min(14, { message: "CIS 1.8 asks for at least 14" }).max(128),
      reusePrevention: z.number().int().min(1).max(24),
      maxAgeDays: z.number().int().min(0).max(1095),
    })
    .default({ minimumLength: 14, reusePrevention: 24, maxAgeDays: 0 }),
  /** CloudTrail's CloudWatch Logs group, for the CIS metric filter on console sign-in without MFA. */
  cloudTrailLogGroup: nonEmpty,
  alarmTopicName: nonEmpty.default("mfa-baseline-alerts"),
});

const entraSpec = z.strictObject({
  breakGlassUserIds: z
    .array(uuid("break-glass user ID"))
    .min(1, { message: "list at least one break-glass account" }),
  adminRoleTemplateIds: z
    .array(uuid("role template ID"))
    .min(1)
    .default([...DEFAULT_ENTRA_ADMIN_ROLE_TEMPLATE_IDS]),
  groups: z.strictObject({ employees: entraGroup, contractors: entraGroup }),
  azureManagementAppId: uuid("azureManagementAppId").default(AZURE_MANAGEMENT_APP_ID),
  blockUnknownPlatforms: z.boolean().default(false),
});

const oktaSpec = z.strictObject({
  breakGlassUserIds: z.array(oktaUserId).min(1, { message: "list at least one break-glass account" }),
  groups: z.strictObject({ administrators: oktaGroup, employees: oktaGroup, contractors: oktaGroup }),
  adminApps: z.array(oktaAppId).default([]),
  generalApps: z.array(oktaAppId).default([]),
  threatInsight: z.enum(["none", "audit", "block"]).default("block"),
});

export const baselineSpecSchema = z.strictObject({
  organisation: nonEmpty,
  tiers: z.strictObject({
    administrators: tier(["phishing-resistant", "any-mfa"] as const),
    employees: tier(["phishing-resistant", "any-mfa"] as const),
    contractors: tier(["phishing-resistant", "any-mfa"] as const),
    ci: tier(["compensating-controls"] as const),
  }),
  networks: z.strictObject({
    trusted: z.array(trustedNetwork).default([]),
    blockedCountries: z
      .array(
        z.string().regex(ISO_COUNTRY, { message: "must be an ISO 3166-1 alpha-2 code in capitals, e.g. KP" }),
      )
      .default([]),
    /** What to do with sign-ins from anonymising proxies / Tor where the provider can tell. */
    anonymisers: z.enum(["block", "require-mfa", "ignore"]).default("block"),
  }),
  risk: z
    .strictObject({
      signIn: z
        .strictObject({ medium: z.literal("mfa"), high: z.enum(["block", "mfa"]) })
        .default({ medium: "mfa", high: "block" }),
      user: z.strictObject({ high: z.literal("password-change") }).default({ high: "password-change" }),
    })
    .default({ signIn: { medium: "mfa", high: "block" }, user: { high: "password-change" } }),
  sessions: z
    .strictObject({
      /** Sensitive actions need an MFA younger than this. */
      freshMfaSeconds: z.number().int().min(60).max(3600).default(300),
      /** Lifetime of CLI credentials obtained with MFA (sts:GetSessionToken allows up to 36 h). */
      cliSessionHours: z.number().int().min(1).max(36).default(12),
      /** Administrator role sessions (IAM role maximum session duration is 1-12 h). */
      adminRoleSessionHours: z.number().int().min(1).max(12).default(1),
      adminSignInFrequencyHours: z.number().int().min(1).max(24).default(4),
      userSessionHours: z.number().int().min(1).max(720).default(12),
      deviceTrustDays: z.number().int().min(1).max(365).default(30),
    })
    .default({
      freshMfaSeconds: 300,
      cliSessionHours: 12,
      adminRoleSessionHours: 1,
      adminSignInFrequencyHours: 4,
      userSessionHours: 12,
      deviceTrustDays: 30,
    }),
  rollout: z
    .strictObject({
      policies: z.partialRecord(z.enum(ENTRA_POLICY_KEYS), rollout).default({}),
    })
    .default({ policies: {} }),
  aws: awsSpec.optional(),
  entra: entraSpec.optional(),
  okta: oktaSpec.optional(),
});

/** What the caller writes (defaults may be left out). */
export type BaselineSpecInput = z.input<typeof baselineSpecSchema>;
/** The validated spec with every default filled in. */
export type BaselineSpec = z.output<typeof baselineSpecSchema>;
export type AwsSpec = NonNullable<BaselineSpec["aws"]>;
export type EntraSpec = NonNullable<BaselineSpec["entra"]>;
export type OktaSpec = NonNullable<BaselineSpec["okta"]>;
export type PolicyRollout = z.output<typeof rollout>;

export class SpecError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid MFA baseline spec:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SpecError";
  }
}

/** Validates and completes a spec, or throws a SpecError listing every problem. */
export function parseBaselineSpec(input: unknown): BaselineSpec {
  const result = baselineSpecSchema.safeParse(input);
  if (!result.success) throw new SpecError(formatIssues(result.error.issues, input, baselineSpecSchema));
  const spec = result.data;
  const problems = crossFieldProblems(spec);
  if (problems.length > 0) throw new SpecError(problems);
  return spec;
}

/** The rollout a policy follows: the spec's entry, else report-only (every new policy starts there). */
export function rolloutOf(spec: BaselineSpec, key: EntraPolicyKey): PolicyRollout {
  return spec.rollout.policies[key] ?? { mode: "report-only" };
}

/** An IAM action pattern (`*` and `?` wildcards, case-insensitive) as a regular expression. */
function actionPattern(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

function crossFieldProblems(spec: BaselineSpec): string[] {
  const problems: string[] = [];
  if (spec.aws) {
    const { ci, breakGlassUsers } = spec.aws;
    if (ci.branches.length === 0 && ci.environments.length === 0) {
      problems.push(
        "aws.ci: give at least one branch or environment; a CI role assumable from any ref of the repository is not allowed",
      );
    }
    const dup = breakGlassUsers.find((u, i) => breakGlassUsers.indexOf(u) !== i);
    if (dup) problems.push(`aws.breakGlassUsers: "${dup}" is listed twice`);
    spec.aws.sensitiveActions.forEach((pattern, i) => {
      const blocked = MFA_BOOTSTRAP_ACTIONS.filter((a) => actionPattern(pattern).test(a));
      if (blocked.length > 0) {
        problems.push(
          `aws.sensitiveActions[${i}]: "${pattern}" matches ${blocked.join(", ")}, which a user without MFA needs to enrol a device; ` +
            "list the actions you mean one by one (e.g. iam:CreateUser instead of iam:Create*)",
        );
      }
    });
  }
  for (const [key, r] of Object.entries(spec.rollout.policies)) {
    if (r?.mode === "enforce" && r.reportOnlyCompleted && r.acknowledgeNoReportOnly) {
      problems.push(
        `rollout.policies.${key}: give either reportOnlyCompleted (the date its report-only stage ended) or acknowledgeNoReportOnly (why it skips one), not both`,
      );
    }
  }
  const names = spec.networks.trusted.map((n) => n.name);
  const dupName = names.find((n, i) => names.indexOf(n) !== i);
  if (dupName) problems.push(`networks.trusted: the name "${dupName}" is used twice; names must be unique`);
  return problems;
}
