/**
 * The AWS request context: who calls which action on which resource, from which account, with which
 * credentials and context keys. Strict: unknown keys are errors (scenario files embed it).
 */
import { z } from "zod";

export const CREDENTIALS = [
  "long-term-keys",
  "console",
  "console-mfa",
  "session-token-mfa",
  "assumed-role",
  "web-identity",
] as const;
export type Credentials = (typeof CREDENTIALS)[number];

/** The account a request is made from when the context does not say (any fixed 12 digits would do). */
export const DEFAULT_ACCOUNT_ID = "111122223333";

const accountId = z.string().regex(/^\d{12}$/, { message: "must be a 12-digit AWS account ID" });

const contextValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const policyDocument = z.record(z.string(), z.unknown());

export const awsRequestSchema = z
  .strictObject({
    /** Terraform address (`aws_iam_user.alice`, `aws_iam_role.admin`, `aws_iam_openid_connect_provider.github`) or an ARN. */
    principal: z.string().min(1, { message: "name the principal by Terraform address or ARN" }),
    /** Group memberships beyond those the configuration declares (addresses or group names). */
    groups: z.array(z.string().min(1)).default([]),
    /** For a role principal: the session (name; an optional session policy document). */
    session: z
      .strictObject({
        name: z.string().min(2).max(64).default("session"),
        policy: policyDocument.optional(),
      })
      .optional(),
    /** Identity policies of a principal defined outside this configuration (cross-account callers). */
    identityPolicies: z.array(policyDocument).optional(),
    action: z
      .string()
      .regex(/^[a-zA-Z0-9-]+:[a-zA-Z0-9]+$/, { message: "must be service:Action, e.g. s3:GetObject" }),
    /** The resource ARN, `*`, or the Terraform address of a resource in this configuration (`aws_s3_bucket.state`). */
    resource: z.string().min(1).default("*"),
    /** The account owning the resource when its ARN does not say (S3): defaults to the caller's account. */
    resourceAccount: accountId.optional(),
    account: z
      .strictObject({
        id: accountId.default(DEFAULT_ACCOUNT_ID),
        /** SCPs do not restrict principals of the management account. */
        kind: z.enum(["management", "member"]).default("member"),
        /**
         * SCP attachment targets from the root down to the account (`r-…`, `ou-…`, account ID, or the
         * Terraform address of the root/OU). Default: every root target the configuration attaches to, then the account.
         */
        organizationPath: z.array(z.string().min(1)).optional(),
        /** AWS attaches FullAWSAccess to every root, OU and account when SCPs are enabled; set false if it was detached. */
        fullAwsAccess: z.boolean().default(true),
      })
      .default({ id: DEFAULT_ACCOUNT_ID, kind: "member", fullAwsAccess: true }),
    /** Fills aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge per the documented matrix; `context` overrides. */
    credentials: z.enum(CREDENTIALS).optional(),
    /** Seconds since MFA, for `console-mfa` and `session-token-mfa` (default 0). */
    mfaAgeSeconds: z.number().int().min(0).optional(),
    /** OIDC token claims for `sts:AssumeRoleWithWebIdentity` (`sub`, `aud`, …), as `<provider host>:<claim>` keys. */
    claims: z.record(z.string(), z.string()).optional(),
    /** aws:SecureTransport; AWS SDKs and the console use TLS. */
    secureTransport: z.boolean().default(true),
    /** Condition keys; they override the keys the sugar fills. */
    context: z.record(z.string(), contextValue).default({}),
    /** Values of Terraform symbols (`aws_s3_bucket.state.arn`) where a comparison needs them. */
    bindings: z.record(z.string(), z.string()).default({}),
  })
  .superRefine((r, ctx) => {
    if (
      r.mfaAgeSeconds !== undefined &&
      r.credentials !== "console-mfa" &&
      r.credentials !== "session-token-mfa"
    )
      ctx.addIssue({
        code: "custom",
        path: ["mfaAgeSeconds"],
        message: "only with credentials console-mfa or session-token-mfa",
      });
    if (r.claims !== undefined && r.credentials !== undefined && r.credentials !== "web-identity")
      ctx.addIssue({ code: "custom", path: ["claims"], message: "only with credentials web-identity" });
  });

export type AwsRequest = z.output<typeof awsRequestSchema>;
export type AwsRequestInput = z.input<typeof awsRequestSchema>;

/** Parses and fills defaults; throws a ZodError listing every problem. */
export function parseAwsRequest(input: unknown): AwsRequest {
  return awsRequestSchema.parse(input);
}

/**
 * What each kind of credentials puts into the request context.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 * - long-term access keys: "The key is not present in AWS CLI, AWS API, or AWS SDK requests that are made using long-term credentials."
 * - console sign-in without MFA: temporary credentials, so the key is present and false.
 * - console sign-in with MFA, GetSessionToken with MFA: true, and aws:MultiFactorAuthAge is the seconds since MFA
 *   (#condition-keys-multifactorauthage: "included in the request context only if the principal … was authenticated using MFA").
 * - assumed-role: "The temporary credentials returned by AssumeRole do not include MFA information in the context,
 *   so you cannot check individual API operations for MFA", and "Once the user has assumed the role, no further MFA
 *   checks are made" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html);
 *   temporary credentials carry the key, so it is false. Community reports differ; this is the documented and the
 *   conservative reading (a deny on the MFA keys catches every role session). Explicit context keys state the other.
 * - web-identity: MFA is not supported for AssumeRoleWithWebIdentity (same page); temporary credentials, so false.
 */
export function mfaKeys(
  credentials: Credentials | undefined,
  ageSeconds: number | undefined,
): Record<string, string> {
  switch (credentials) {
    case undefined:
    case "long-term-keys":
      return {};
    case "console":
    case "assumed-role":
    case "web-identity":
      return { "aws:MultiFactorAuthPresent": "false" };
    case "console-mfa":
    case "session-token-mfa":
      return { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": String(ageSeconds ?? 0) };
  }
}
