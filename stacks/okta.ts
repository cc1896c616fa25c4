import { OktaProvider } from "@cdktf/provider-okta/lib/provider";
import { Aspects } from "cdktf";
import { ReadableAddressStack } from "../modules/addresses";
import type { Construct } from "constructs";
import { LockoutGuards } from "../modules/guards";
import { OktaMfaBaseline } from "../modules/okta/baseline";
import { oktaGuardRules } from "../modules/okta/guards";
import type { BaselineSpec } from "../modules/spec";

/**
 * The Okta baseline. The provider is configured without any value in code: it reads OKTA_ORG_NAME,
 * OKTA_BASE_URL and either OKTA_API_TOKEN or OKTA_API_CLIENT_ID + OKTA_API_PRIVATE_KEY(_ID) +
 * OKTA_API_SCOPES from the environment at plan/apply time, so nothing lands in cdk.tf.json.
 */
export class OktaBaselineStack extends ReadableAddressStack {
  readonly baseline: OktaMfaBaseline;

  constructor(scope: Construct, id: string, spec: BaselineSpec) {
    super(scope, id);
    if (!spec.okta) throw new Error(`OktaBaselineStack "${id}": the spec has no okta section`);
    new OktaProvider(this, "okta", {});
    this.baseline = new OktaMfaBaseline(this, "okta-baseline", spec);
    Aspects.of(this).add(new LockoutGuards(oktaGuardRules(spec.okta)));
  }
}
