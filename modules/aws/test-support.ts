/** Shared by the AWS baseline tests: specs derived from the example organisation and synth helpers. */
import { Testing, TerraformStack } from "cdktf";
import { exampleOrg } from "../../stacks/example-org";
import { parseBaselineSpec, type BaselineSpec, type BaselineSpecInput } from "../spec";
import { AwsMfaBaseline } from "./baseline";

type AwsInput = NonNullable<BaselineSpecInput["aws"]>;

/** The example organisation's spec, with `aws` changed by `edit`. */
export function exampleSpec(
  edit: (aws: AwsInput, spec: BaselineSpecInput) => void = () => undefined,
): BaselineSpec {
  const input = structuredClone(exampleOrg);
  if (!input.aws) throw new Error("the example organisation has no aws section");
  edit(input.aws, input);
  return parseBaselineSpec(input);
}

export interface SynthesizedTf {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown; description?: string }>;
}

export function synthBaseline(spec: BaselineSpec): {
  json: string;
  tf: SynthesizedTf;
  baseline: AwsMfaBaseline;
} {
  let baseline: AwsMfaBaseline | undefined;
  const json = Testing.synthScope((scope) => {
    baseline = new AwsMfaBaseline(scope, "baseline", spec);
  });
  if (!baseline) throw new Error("unreachable");
  return { json, tf: JSON.parse(json) as SynthesizedTf, baseline };
}

export function newStack(): TerraformStack {
  return new TerraformStack(Testing.app(), "stack");
}

export interface DataStatement {
  sid?: string;
  effect?: string;
  actions?: string[];
  not_actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

/** The statements of a synthesized `data "aws_iam_policy_document"`. */
export function dataStatements(tf: SynthesizedTf, logicalId: string): DataStatement[] {
  const doc = tf.data.aws_iam_policy_document?.[logicalId];
  if (!doc) throw new Error(`no data.aws_iam_policy_document.${logicalId}`);
  return doc.statement as DataStatement[];
}

export function statementBySid(statements: DataStatement[], sid: string): DataStatement {
  const s = statements.find((x) => x.sid === sid);
  if (!s) throw new Error(`no statement ${sid} in ${statements.map((x) => x.sid).join(", ")}`);
  return s;
}

/** `{test: {variable: values}}` of a data-source statement, for compact assertions. */
export function conditionsOf(s: DataStatement): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const c of s.condition ?? []) (out[c.test] ??= {})[c.variable] = c.values;
  return out;
}
