/**
 * Variants of a configuration, for relational invariants and known-bad tests: each builds a new
 * TerraformModel and leaves the one it was given untouched.
 */
import { buildModel } from "../terraform/model-builder";
import type { Provider } from "../providers";
import type { TerraformModel, TfObject, TfResource } from "../terraform/model";
import type { RelationalInvariant } from "./invariant";

export function withResources(model: TerraformModel, resources: readonly TfResource[]): TerraformModel {
  return buildModel(model.stack, resources, model.variables, model.locals, model.outputs, model.diagnostics);
}

/** The same resources declared in reverse order. */
export function reversedDeclarationOrder(model: TerraformModel): TerraformModel {
  return withResources(model, [...model.resources.values()].reverse());
}

/** A copy of `model` in which `edit` replaces the values of the resource at `address`. */
export function withResourceValues(
  model: TerraformModel,
  address: string,
  edit: (values: TfObject) => TfObject,
): TerraformModel {
  if (!model.resources.has(address)) throw new Error(`${model.stack}: no resource ${address} to edit`);
  return withResources(
    model,
    [...model.resources.values()].map((r) => (r.address === address ? { ...r, values: edit(r.values) } : r)),
  );
}

/** A copy of `model` without the resource at `address`. */
export function withoutResource(model: TerraformModel, address: string): TerraformModel {
  if (!model.resources.has(address)) throw new Error(`${model.stack}: no resource ${address} to remove`);
  return withResources(
    model,
    [...model.resources.values()].filter((r) => r.address !== address),
  );
}

/**
 * "Outcomes never depend on declaration order", for any provider: the configuration against the same
 * resources in reverse order, plus any provider-specific reorderings (e.g. statements within a policy).
 */
export function orderIndependence<C>(options: {
  readonly provider: Provider;
  readonly id: string;
  readonly title: string;
  readonly moreVariants?: (model: TerraformModel) => readonly { label: string; model: TerraformModel }[];
}): RelationalInvariant<C> {
  return {
    kind: "relational",
    id: options.id,
    title: options.title,
    provider: options.provider,
    relation: "equal",
    applies: () => true,
    variants: (m) => [
      { label: "resources in reversed declaration order", model: reversedDeclarationOrder(m) },
      ...(options.moreVariants?.(m) ?? []),
    ],
  };
}
