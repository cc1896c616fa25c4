/** Assembles a TerraformModel with its type indexes. */
import type { TerraformModel, TfDiagnostic, TfResource, TfValue } from "./model";

export function buildModel(
  stack: string,
  resources: readonly TfResource[],
  variables: ReadonlyMap<string, TfValue>,
  locals: ReadonlyMap<string, TfValue>,
  outputs: ReadonlyMap<string, TfValue>,
  diagnostics: readonly TfDiagnostic[],
): TerraformModel {
  const byAddress = new Map<string, TfResource>();
  const managed = new Map<string, TfResource[]>();
  const data = new Map<string, TfResource[]>();
  for (const r of resources) {
    byAddress.set(r.address, r);
    const index = r.mode === "data" ? data : managed;
    const list = index.get(r.type);
    if (list) list.push(r);
    else index.set(r.type, [r]);
  }
  return {
    stack,
    resources: byAddress,
    resourcesOfType: (type) => managed.get(type) ?? [],
    dataSourcesOfType: (type) => data.get(type) ?? [],
    variables,
    locals,
    outputs,
    diagnostics,
  };
}
