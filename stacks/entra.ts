import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { Aspects } from "cdktf";
import { ReadableAddressStack } from "../modules/addresses";
import type { Construct } from "constructs";
import { EntraMfaBaseline } from "../modules/entra/baseline";
import { entraGuardRules } from "../modules/entra/guards";
import { LockoutGuards } from "../modules/guards";
import type { BaselineSpec } from "../modules/spec";

/**
 * The Entra ID baseline stack. Provider credentials come from the environment (ARM_TENANT_ID,
 * ARM_CLIENT_ID with ARM_CLIENT_SECRET, ARM_USE_OIDC, ...), never from code or the synthesized JSON.
 */
export class EntraBaselineStack extends ReadableAddressStack {
  readonly baseline: EntraMfaBaseline;

  constructor(scope: Construct, id: string, spec: BaselineSpec) {
    super(scope, id);
    new AzureadProvider(this, "azuread", {});
    this.baseline = new EntraMfaBaseline(this, "entra-mfa-baseline", spec);
    Aspects.of(this).add(new LockoutGuards(entraGuardRules(spec)));
  }
}
