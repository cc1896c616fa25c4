/**
 * The non-interactive path: GitHub Actions' OIDC provider and a CI role that only the listed branches
 * and environments of one repository can assume, optionally only from the runners' networks.
 */
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Construct } from "constructs";
import type { AwsSpec } from "../spec";
import { ciRoleTrustDocument, ciSourceIpDocument } from "./documents";
import { addressed, addressPart } from "./logical-id";
import { policyDocumentDataSource } from "./policy-document";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_URL } from "./principals";

export interface GithubCi {
  readonly oidcProvider: IamOpenidConnectProvider;
  readonly role: IamRole;
}

export function addGithubCi(scope: Construct, aws: AwsSpec): GithubCi {
  // No thumbprint_list: it is optional in provider v6, and IAM validates GitHub's certificate through its own trusted CAs.
  const oidcProvider = addressed(
    new IamOpenidConnectProvider(scope, "github-oidc", {
      url: GITHUB_OIDC_URL,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
    }),
    "github_actions",
  );
  const trust = addressed(
    policyDocumentDataSource(scope, "ci-role-trust", ciRoleTrustDocument(aws, oidcProvider.arn)),
    "ci_role_trust",
  );
  const role = addressed(
    new IamRole(scope, "ci-role", {
      name: aws.ci.roleName,
      description: `GitHub Actions for ${aws.ci.repository} (OIDC; no MFA possible, exempt from the MFA denies).`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
    }),
    "ci",
  );

  const seen = new Set<string>();
  for (const arn of aws.ci.managedPolicyArns) {
    let address = `ci_${addressPart(arn.slice(arn.lastIndexOf("/") + 1))}`;
    while (seen.has(address)) address += "_";
    seen.add(address);
    addressed(new IamRolePolicyAttachment(scope, address, { role: role.name, policyArn: arn }), address);
  }

  if (aws.ci.sourceIpCidrs.length > 0) {
    const doc = addressed(
      policyDocumentDataSource(scope, "ci-source-ip-document", ciSourceIpDocument(aws)),
      "ci_source_ip",
    );
    addressed(
      new IamRolePolicy(scope, "ci-source-ip", {
        name: "deny-outside-runner-networks",
        role: role.name,
        policy: doc.json,
      }),
      "ci_source_ip",
    );
  }
  return { oidcProvider, role };
}
