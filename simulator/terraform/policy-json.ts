/**
 * Literal IAM policy JSON in resource attributes is checked at load time: a string that is not a JSON
 * object with a `Statement` would be rejected by AWS (MalformedPolicyDocument), so it must not reach an
 * evaluator as if it were a policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import type { TfValue } from "./model";
import { isObject } from "./read";

/** Resource types and the attributes that hold an IAM policy document. */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy: ["policy"],
  aws_iam_role: ["assume_role_policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_user_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_sns_topic_policy: ["policy"],
  aws_kms_key: ["policy"],
  aws_organizations_policy: ["content"],
};

/** Why a literal policy string is not an IAM policy document, or undefined when it is one. */
export function policyJsonProblem(text: string, type: string): string | undefined {
  let doc: TfValue;
  try {
    doc = JSON.parse(text) as TfValue;
  } catch (err) {
    return `the policy is not valid JSON (${(err as Error).message})`;
  }
  if (!isObject(doc)) return "the policy must be a JSON object";
  // Tag and backup policies of AWS Organizations have no Statement.
  if (type === "aws_organizations_policy" && doc.Statement === undefined) return undefined;
  const st = doc.Statement;
  if (st === undefined) return 'the policy has no "Statement"';
  if (!isObject(st) && !Array.isArray(st)) return '"Statement" must be an object or a list of objects';
  return undefined;
}
