/** Builds a TerraformModel from plain resource values, for tests that do not go through the loader. */
import type { TerraformModel, TfObject, TfResource } from "../../terraform/model";

export type ResourceSpec = Readonly<Record<string, TfObject>>;

/** `{ "aws_iam_user.alice": { name: "alice" }, "data.aws_caller_identity.current": {} }` → a model. */
export function tfModel(resources: ResourceSpec, stack = "test"): TerraformModel {
  const map = new Map<string, TfResource>();
  for (const [address, values] of Object.entries(resources)) {
    const data = address.startsWith("data.");
    const [type, name] = (data ? address.slice(5) : address).split(".");
    map.set(address, {
      address,
      mode: data ? "data" : "managed",
      type,
      name,
      values,
      location: { stack, address },
    });
  }
  const all = [...map.values()];
  return {
    stack,
    resources: map,
    resourcesOfType: (t) => all.filter((r) => r.mode === "managed" && r.type === t),
    dataSourcesOfType: (t) => all.filter((r) => r.mode === "data" && r.type === t),
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    diagnostics: [],
  };
}
