import type { Construct } from "constructs";
import type { BaselineSpec } from "../modules/spec";
import { AwsBaselineStack } from "./aws";
import { EntraBaselineStack } from "./entra";
import { OktaBaselineStack } from "./okta";

/** Stack names, which are also the folders under cdktf.out/stacks/. */
export const STACK_NAMES = { aws: "aws-baseline", entra: "entra-baseline", okta: "okta-baseline" } as const;

/** One stack per provider the spec configures. */
export function addBaselineStacks(app: Construct, spec: BaselineSpec): void {
  if (spec.aws) new AwsBaselineStack(app, STACK_NAMES.aws, spec);
  if (spec.entra) new EntraBaselineStack(app, STACK_NAMES.entra, spec);
  if (spec.okta) new OktaBaselineStack(app, STACK_NAMES.okta, spec);
}
