/**
 * Variants of an Entra configuration, for the relational invariants and for known-bad examples. Each
 * builds a new TerraformModel and leaves the one it was given untouched.
 */
import { withResources, withResourceValues } from "../verify/variants";
import { TfSymbol, type TerraformModel, type TfObject, type TfValue } from "../terraform/model";
import { GUEST_KINDS } from "../entra/vocabulary";

export const CA_POLICY = "azuread_conditional_access_policy";
const REPORT_ONLY = "enabledForReportingButNotEnforced";

export { reversedDeclarationOrder, withResourceValues } from "../verify/variants";

/** The configuration without its report-only Conditional Access policies. */
export function withoutReportOnlyPolicies(model: TerraformModel): TerraformModel {
  return withResources(
    model,
    [...model.resources.values()].filter(
      (r) => !(r.type === CA_POLICY && r.mode === "managed" && r.values.state === REPORT_ONLY),
    ),
  );
}

/**
 * `values` with the nested block `key` replaced by `edit(block)`. A block is kept in the shape it had
 * (an object, or a list of one object); a missing block is created as an object.
 */
export function editBlock(values: TfObject, key: string, edit: (block: TfObject) => TfObject): TfObject {
  const current = values[key];
  if (Array.isArray(current)) {
    const [first, ...rest] = current as readonly TfValue[];
    return { ...values, [key]: [edit((first ?? {}) as TfObject), ...rest] };
  }
  return { ...values, [key]: edit((current ?? {}) as TfObject) };
}

/** The users block of a Conditional Access policy's values, edited. */
export function editUsers(values: TfObject, edit: (users: TfObject) => TfObject): TfObject {
  return editBlock(values, "conditions", (c) => editBlock(c, "users", edit));
}

/** A reference as the loader resolves it: a configured resource by symbol, anything else literally. */
function ref(key: string, attribute: string): TfValue {
  return /^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+$/.test(key) ? new TfSymbol(key, attribute) : key;
}

function appended(list: TfValue | undefined, extra: readonly TfValue[]): TfValue[] {
  const before = Array.isArray(list) ? [...(list as readonly TfValue[])] : [];
  return [...before, ...extra];
}

export interface Exclusions {
  readonly users?: readonly string[];
  readonly groups?: readonly string[];
  readonly roles?: readonly string[];
  /** Exclude every guest and external user kind, from every tenant. */
  readonly allGuests?: boolean;
}

/** Every Conditional Access policy (or those `only` selects) with the given principals added to its exclusions. */
export function withExclusions(
  model: TerraformModel,
  ex: Exclusions,
  only: (address: string) => boolean = () => true,
): TerraformModel {
  let out = model;
  for (const r of model.resourcesOfType(CA_POLICY)) {
    if (!only(r.address)) continue;
    out = withResourceValues(out, r.address, (values) =>
      editUsers(values, (u) => {
        const next: Record<string, TfValue> = { ...u };
        if (ex.users?.length)
          next.excluded_users = appended(
            u.excluded_users,
            ex.users.map((k) => ref(k, "object_id")),
          );
        if (ex.groups?.length)
          next.excluded_groups = appended(
            u.excluded_groups,
            ex.groups.map((k) => ref(k, "object_id")),
          );
        if (ex.roles?.length) next.excluded_roles = appended(u.excluded_roles, ex.roles);
        if (ex.allGuests)
          next.excluded_guests_or_external_users = [
            {
              guest_or_external_user_types: [...GUEST_KINDS],
              external_tenants: [{ membership_kind: "all" }],
            },
          ];
        return next;
      }),
    );
  }
  return out;
}
