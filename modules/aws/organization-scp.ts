/** The optional Organizations SCP: sensitive actions without MFA denied to human principals of the targets. */
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { Annotations } from "cdktf";
import type { Construct } from "constructs";
import type { AwsSpec } from "../spec";
import { organizationScpDocument, SCP_MAX_CHARACTERS } from "./documents";
import { addressed, addressPart } from "./logical-id";
import { jsonencodePolicy, recordPolicyDocument } from "./policy-document";

export function addOrganizationScp(scope: Construct, aws: AwsSpec): OrganizationsPolicy | undefined {
  if (!aws.organization) return undefined;
  const { managementAccountId, delegatedPolicyAdministrator } = aws.organization;
  if (managementAccountId !== aws.accountId && !delegatedPolicyAdministrator) {
    Annotations.of(scope).addWarning(
      `aws.organization: this stack deploys to account ${aws.accountId}, but Organizations policies are managed from the management account ${managementAccountId} (or a delegated administrator for policy management: set organization.delegatedPolicyAdministrator once the management account delegates it); apply fails otherwise`,
    );
  }
  const doc = organizationScpDocument(aws);
  const size = JSON.stringify(doc).length;
  if (size > SCP_MAX_CHARACTERS) {
    throw new Error(
      `aws.sensitiveActions: the SCP would be ${size} characters, over the ${SCP_MAX_CHARACTERS} AWS allows; use wildcards such as "iam:Delete*" to shorten the list`,
    );
  }
  const policy = addressed(
    new OrganizationsPolicy(scope, "sensitive-actions-scp", {
      name: "mfa-baseline-sensitive-actions-need-mfa",
      description: "Sensitive actions need MFA for human principals (break-glass and CI exempt).",
      type: "SERVICE_CONTROL_POLICY",
      content: jsonencodePolicy(doc),
    }),
    "sensitive_actions_mfa",
  );
  recordPolicyDocument(policy, doc);
  for (const target of aws.organization.scpTargets) {
    const address = `sensitive_actions_mfa_${addressPart(target)}`;
    addressed(
      new OrganizationsPolicyAttachment(scope, address, { policyId: policy.id, targetId: target }),
      address,
    );
  }
  return policy;
}
