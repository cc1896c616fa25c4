/**
 * Variants of a configuration, for relational invariants and known-bad tests: each builds a new
 * TerraformModel and leaves the one it was given untouched.
 */
import { buildModel } from "../terraform/model-builder";
import type { TerraformModel, TfObject, TfResource } from "../terraform/model";

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
