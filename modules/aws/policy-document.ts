/**
 * IAM policy documents in their JSON shape, and the two ways the baseline writes them into Terraform:
 * as a `data "aws_iam_policy_document"` block, or as `jsonencode({...})`. Documents written with
 * `jsonencode` are also recorded against the construct that carries them, because their synthesized form
 * is an HCL expression the lockout guards cannot read back.
 */
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Fn } from "cdktf";
import type { Construct, IConstruct } from "constructs";

export type Effect = "Allow" | "Deny";

/** `"*"` or principals by type (`AWS`, `Federated`, `Service`, `CanonicalUser`). */
export type PolicyPrincipal = "*" | { readonly [type: string]: readonly string[] };

/** `{ Operator: { key: [values] } }`; values are always lists. */
export type ConditionBlock = { readonly [operator: string]: { readonly [key: string]: readonly string[] } };

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Principal?: PolicyPrincipal;
  readonly NotPrincipal?: PolicyPrincipal;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

const recorded = new WeakMap<IConstruct, PolicyDocument>();

/** Remembers the document a construct's policy attribute was written from. */
export function recordPolicyDocument(owner: IConstruct, doc: PolicyDocument): void {
  recorded.set(owner, doc);
}

/** The document recorded for a construct by `recordPolicyDocument`, if any. */
export function recordedPolicyDocument(owner: IConstruct): PolicyDocument | undefined {
  return recorded.get(owner);
}

/** `jsonencode(doc)`: references inside stay Terraform references. Record the result's owner with `recordPolicyDocument`. */
export function jsonencodePolicy(doc: PolicyDocument): string {
  return Fn.jsonencode(doc);
}

/**
 * A `data "aws_iam_policy_document"` block for the document. IAM policy variables such as
 * `${aws:username}` are written in the data source's `&{aws:username}` form so Terraform does not read
 * them as interpolations.
 */
export function policyDocumentDataSource(
  scope: Construct,
  id: string,
  doc: PolicyDocument,
): DataAwsIamPolicyDocument {
  const data = new DataAwsIamPolicyDocument(scope, id, {
    version: doc.Version,
    statement: doc.Statement.map((s) => ({
      sid: s.Sid,
      effect: s.Effect,
      actions: list(s.Action),
      notActions: list(s.NotAction),
      resources: list(s.Resource),
      notResources: list(s.NotResource),
      principals: principalBlocks(s.Principal),
      notPrincipals: principalBlocks(s.NotPrincipal),
      condition: s.Condition
        ? Object.entries(s.Condition).flatMap(([test, keys]) =>
            Object.entries(keys).map(([variable, values]) => ({
              test,
              variable,
              values: values.map(policyVariables),
            })),
          )
        : undefined,
    })),
  });
  return data;
}

function list(values: readonly string[] | undefined): string[] | undefined {
  return values ? values.map(policyVariables) : undefined;
}

function principalBlocks(
  p: PolicyPrincipal | undefined,
): { type: string; identifiers: string[] }[] | undefined {
  if (p === undefined) return undefined;
  if (p === "*") return [{ type: "*", identifiers: ["*"] }];
  return Object.entries(p).map(([type, identifiers]) => ({ type, identifiers: [...identifiers] }));
}

/** `${aws:username}` → `&{aws:username}`; cdktf tokens (`${TfToken[...]}`) are left alone. */
function policyVariables(value: string): string {
  return value.replace(/\$\{(?!TfToken\[)/g, "&{");
}
