/** The AWS IAM evaluator: compile the Terraform model once, evaluate requests against it. */
export { compileAws, type CompileAwsOptions } from "./compile";
export {
  evaluateAws,
  type AwsDecision,
  type AwsDecisionKind,
  type EvaluateAwsOptions,
  type StatementExplanation,
  type StatementRef,
} from "./evaluate";
export {
  awsRequestSchema,
  parseAwsRequest,
  mfaKeys,
  CREDENTIALS,
  DEFAULT_ACCOUNT_ID,
  type AwsRequest,
  type AwsRequestInput,
  type Credentials,
} from "./context";
export type { AwsModel, AwsUser, AwsGroup, AwsRole, AwsScp, AwsBucketPolicy, AwsOidcProvider } from "./model";
export {
  compilePolicy,
  POLICY_KINDS,
  type CompiledPolicy,
  type CompiledStatement,
  type PolicyKind,
} from "./policy";
export { BASE_OPERATORS, parseOperator, type BaseOperator } from "./conditions";
export { ManagedPolicies, FULL_AWS_ACCESS_ARN, managedPolicyName } from "./managed";
export { awsAdapter } from "./adapter";
