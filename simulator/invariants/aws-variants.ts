/**
 * Variants of a Terraform model for relational invariants and for known-bad configurations: the same
 * configuration in another declaration order, or with its IAM policy documents edited. Each builds a
 * new model; the input is never changed.
 */
import { withResources } from "../verify/variants";
import {
  TfJson,
  type TerraformModel,
  type TfObject,
  type TfResource,
  type TfValue,
} from "../terraform/model";

/** Attributes holding an IAM policy document, by resource type. */
const POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_iam_policy: "policy",
  aws_iam_role: "assume_role_policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
  aws_iam_role_policy: "policy",
  aws_organizations_policy: "content",
  aws_s3_bucket_policy: "policy",
};

/** A policy statement as an editor sees it (plain JSON; Terraform symbols stay as they are). */
export type Statement = Record<string, TfValue>;

export { reversedDeclarationOrder } from "../verify/variants";

/** Copies plain objects and arrays; markers (symbols, templates) are immutable and shared. */
function copy(v: TfValue): TfValue {
  if (Array.isArray(v)) return v.map(copy);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, TfValue> = {};
    for (const [k, x] of Object.entries(v as TfObject)) out[k] = copy(x);
    return out;
  }
  return v;
}

/**
 * The same configuration with every IAM policy document passed through `edit` (a deep copy the edit
 * may change in place). `edit` gets the resource address; returning nothing keeps the copy.
 */
export function editPolicyDocuments(
  tf: TerraformModel,
  edit: (statements: Statement[], address: string) => void,
): TerraformModel {
  const resources = [...tf.resources.values()].map((r): TfResource => {
    const attr = r.mode === "managed" ? POLICY_ATTRIBUTES[r.type] : undefined;
    const raw = attr ? r.values[attr] : undefined;
    let doc: TfValue | undefined;
    if (typeof raw === "string") {
      try {
        doc = JSON.parse(raw) as TfValue;
      } catch {
        return r;
      }
    } else if (raw instanceof TfJson) doc = copy(raw.value);
    if (!attr || doc === undefined || doc === null || typeof doc !== "object" || Array.isArray(doc)) return r;
    const document = doc as Record<string, TfValue>;
    const list = document.Statement;
    const statements = (Array.isArray(list) ? list : list === undefined ? [] : [list]) as Statement[];
    edit(statements, r.address);
    document.Statement = statements;
    const value = typeof raw === "string" ? JSON.stringify(document) : new TfJson(document);
    return { ...r, values: { ...r.values, [attr]: value } };
  });
  return withResources(tf, resources);
}

/** The same configuration with the statements of every policy document in reverse order. */
export function reversedStatementOrder(tf: TerraformModel): TerraformModel {
  return editPolicyDocuments(tf, (statements) => statements.reverse());
}

const PRINCIPAL_EXCLUSION_OPERATORS = ["ArnNotLike", "ArnNotEquals", "StringNotLike", "StringNotEquals"];

/** Adds `arn` to every principal exclusion (`ArnNotLike aws:PrincipalArn` and friends) of every Deny statement. */
export function withPrincipalExcluded(tf: TerraformModel, arn: string): TerraformModel {
  return editPolicyDocuments(tf, (statements) => {
    for (const s of statements) {
      if (s.Effect !== "Deny") continue;
      const condition = s.Condition as Record<string, Record<string, TfValue>> | undefined;
      for (const op of PRINCIPAL_EXCLUSION_OPERATORS) {
        const block = condition?.[op];
        if (!block) continue;
        for (const key of Object.keys(block)) {
          if (key.toLowerCase() !== "aws:principalarn") continue;
          const values = block[key];
          block[key] = [...(Array.isArray(values) ? values : [values]), arn];
        }
      }
    }
  });
}
