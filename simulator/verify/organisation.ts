/**
 * Verification of an organisation: for each provider stack, the context space derived from its
 * configuration and the invariants parameterised by the baseline spec, checked exhaustively.
 */
import type { BaselineSpec } from "../../modules/spec";
import { ADAPTERS } from "../adapters";
import { awsContextSpace } from "../aws/space";
import { entraContextSpace } from "../entra/space";
import { awsInvariants } from "../invariants/aws";
import { entraInvariants } from "../invariants/entra";
import { oktaInvariants } from "../invariants/okta";
import { oktaContextSpace } from "../okta/space";
import type { Provider, ProviderAdapter } from "../providers";
import type { TerraformModel } from "../terraform/model";
import type { Invariant } from "./invariant";
import { spaceSize, type ContextSpace } from "./space";
import { verifyExhaustively, type InvariantResult } from "./verify";

export interface ProviderVerification<C> {
  readonly adapter: ProviderAdapter<unknown, C>;
  space(model: TerraformModel, spec: BaselineSpec): ContextSpace<C>;
  invariants(spec: BaselineSpec, model: TerraformModel): readonly Invariant<C>[];
}

function verification<C>(v: ProviderVerification<C>): ProviderVerification<unknown> {
  return v as unknown as ProviderVerification<unknown>;
}

export const VERIFICATIONS: Readonly<Record<Provider, ProviderVerification<unknown>>> = {
  aws: verification({
    adapter: ADAPTERS.aws,
    space: awsContextSpace,
    invariants: (spec) => awsInvariants(spec),
  }),
  entra: verification({
    adapter: ADAPTERS.entra,
    space: entraContextSpace,
    invariants: (spec) => entraInvariants(spec),
  }),
  okta: verification({
    adapter: ADAPTERS.okta,
    space: (m, spec) => oktaContextSpace(m, spec),
    invariants: oktaInvariants,
  }),
};

export interface StackVerification {
  readonly provider: Provider;
  readonly stack: string;
  readonly spaceSize: number;
  readonly milliseconds: number;
  readonly results: readonly InvariantResult[];
}

/** Verifies every provider the spec configures whose stack is loaded. */
export function verifyOrganisation(
  models: ReadonlyMap<string, TerraformModel>,
  spec: BaselineSpec,
  stacks: Readonly<Record<Provider, string>>,
  onProgress?: (provider: Provider, done: number, total: number) => void,
): StackVerification[] {
  const out: StackVerification[] = [];
  for (const provider of ["aws", "entra", "okta"] as const) {
    const model = models.get(stacks[provider]);
    if (!spec[provider] || !model) continue;
    const v = VERIFICATIONS[provider];
    const start = performance.now();
    const space = v.space(model, spec);
    const results = verifyExhaustively({
      adapter: v.adapter,
      model,
      stack: stacks[provider],
      space,
      invariants: v.invariants(spec, model),
      onProgress: onProgress && ((done, total) => onProgress(provider, done, total)),
    });
    out.push({
      provider,
      stack: stacks[provider],
      spaceSize: spaceSize(space),
      milliseconds: performance.now() - start,
      results,
    });
  }
  return out;
}
