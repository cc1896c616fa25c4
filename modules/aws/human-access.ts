/**
 * IAM for people: one group per human tier, the force-MFA and fresh-MFA policies on every group, and the
 * administrator role (trust requiring an MFA younger than the window, short sessions, AdministratorAccess)
 * that administrators assume.
 */
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Construct } from "constructs";
import type { AwsSpec, BaselineSpec } from "../spec";
import { adminAssumeDocument, adminRoleTrustDocument, forceMfaDocument, freshMfaDocument } from "./documents";
import { addressed } from "./logical-id";
import { policyDocumentDataSource, type PolicyDocument } from "./policy-document";

export const HUMAN_TIERS = ["administrators", "employees", "contractors"] as const;
export type HumanTier = (typeof HUMAN_TIERS)[number];

export const ADMINISTRATOR_ACCESS_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

export interface HumanAccess {
  readonly groups: Readonly<Record<HumanTier, IamGroup>>;
  readonly forceMfaPolicy: IamPolicy;
  readonly freshMfaPolicy: IamPolicy;
  readonly adminRole: IamRole;
}

export function addHumanAccess(scope: Construct, spec: BaselineSpec, aws: AwsSpec): HumanAccess {
  const groups = Object.fromEntries(
    HUMAN_TIERS.map((tier) => [
      tier,
      addressed(new IamGroup(scope, `group-${tier}`, { name: aws.groups[tier] }), tier),
    ]),
  ) as Record<HumanTier, IamGroup>;

  const forceMfaPolicy = managedPolicy(scope, "force_mfa", {
    name: "mfa-baseline-force-mfa",
    description: "Manage your own MFA device; everything else needs MFA (break-glass and CI exempt).",
    document: forceMfaDocument(aws),
  });
  const freshMfaPolicy = managedPolicy(scope, "fresh_mfa", {
    name: "mfa-baseline-fresh-mfa",
    description: `Sensitive actions need an MFA younger than ${spec.sessions.freshMfaSeconds} s (break-glass and CI exempt).`,
    document: freshMfaDocument(spec, aws),
  });
  for (const tier of HUMAN_TIERS) {
    attachToGroup(scope, `force_mfa_${tier}`, groups[tier], forceMfaPolicy);
    attachToGroup(scope, `fresh_mfa_${tier}`, groups[tier], freshMfaPolicy);
  }

  const adminTrust = addressed(
    policyDocumentDataSource(scope, "admin-role-trust", adminRoleTrustDocument(spec, aws)),
    "admin_role_trust",
  );
  const adminRole = addressed(
    new IamRole(scope, "admin-role", {
      name: aws.adminRole.name,
      description: `Administrators, assumed with an MFA younger than ${spec.sessions.freshMfaSeconds} s.`,
      assumeRolePolicy: adminTrust.json,
      maxSessionDuration: spec.sessions.adminRoleSessionHours * 3600,
    }),
    "admin",
  );
  addressed(
    new IamRolePolicyAttachment(scope, "admin-administrator-access", {
      role: adminRole.name,
      policyArn: ADMINISTRATOR_ACCESS_ARN,
    }),
    "admin_administrator_access",
  );
  // The administrator role is gated where MFA is evaluated, at sts:AssumeRole (its trust policy), and its
  // session's own actions are not conditioned on MFA keys: "The temporary credentials returned by AssumeRole
  // do not include MFA information in the context, so you cannot check individual API operations for MFA"
  // and "Once the user has assumed the role, no further MFA checks are made"
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html).
  // The fresh-MFA policy on the role would deny every sensitive action to every session under that reading.

  const assumeAdmin = managedPolicy(scope, "assume_admin", {
    name: "mfa-baseline-assume-admin-role",
    description: `Assume ${aws.adminRole.name} with MFA.`,
    document: adminAssumeDocument(adminRole.arn),
  });
  attachToGroup(scope, "assume_admin_administrators", groups.administrators, assumeAdmin);

  return { groups, forceMfaPolicy, freshMfaPolicy, adminRole };
}

function managedPolicy(
  scope: Construct,
  address: string,
  props: { name: string; description: string; document: PolicyDocument },
): IamPolicy {
  const doc = addressed(policyDocumentDataSource(scope, `${address}-document`, props.document), address);
  return addressed(
    new IamPolicy(scope, `${address}-policy`, {
      name: props.name,
      description: props.description,
      policy: doc.json,
    }),
    address,
  );
}

function attachToGroup(scope: Construct, address: string, group: IamGroup, policy: IamPolicy): void {
  addressed(
    new IamGroupPolicyAttachment(scope, address, { group: group.name, policyArn: policy.arn }),
    address,
  );
}
