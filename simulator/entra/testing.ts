/** Builders for tests: a TerraformModel from plain resource values, without the loader. */
import {
  TfSymbol,
  type TerraformModel,
  type TfObject,
  type TfResource,
  type TfValue,
} from "../terraform/model";

/** `${address.attribute}` as the loader resolves it. */
export function sym(address: string, attribute = "object_id"): TfSymbol {
  return new TfSymbol(address, attribute);
}

/** A model holding the given managed resources, keyed by address (`type.name`). */
export function terraformModel(resources: Record<string, TfObject>, stack = "test"): TerraformModel {
  const map = new Map<string, TfResource>();
  for (const [address, values] of Object.entries(resources)) {
    const [type, name] = address.split(".");
    map.set(address, { address, mode: "managed", type, name, values, location: { stack, address } });
  }
  const all = [...map.values()];
  return {
    stack,
    resources: map,
    resourcesOfType: (type) => all.filter((r) => r.type === type && r.mode === "managed"),
    dataSourcesOfType: (type) => all.filter((r) => r.type === type && r.mode === "data"),
    variables: new Map<string, TfValue>(),
    locals: new Map<string, TfValue>(),
    outputs: new Map<string, TfValue>(),
    diagnostics: [],
  };
}

/** A Conditional Access policy's values with the usual defaults: enabled, all users, all apps, all client apps, MFA. */
export function caPolicy(overrides: {
  state?: string;
  users?: TfObject;
  applications?: TfObject;
  conditions?: TfObject;
  grant?: TfObject | null;
  session?: TfObject;
  displayName?: string;
}): TfObject {
  const conditions: TfObject = {
    client_app_types: ["all"],
    users: overrides.users ?? { included_users: ["All"] },
    applications: overrides.applications ?? { included_applications: ["All"] },
    ...overrides.conditions,
  };
  const out: Record<string, TfValue> = {
    display_name: overrides.displayName ?? "policy",
    state: overrides.state ?? "enabled",
    conditions,
  };
  if (overrides.grant !== null)
    out.grant_controls = overrides.grant ?? { operator: "OR", built_in_controls: ["mfa"] };
  if (overrides.session) out.session_controls = overrides.session;
  return out;
}
