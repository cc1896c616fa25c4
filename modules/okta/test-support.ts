/** Test helpers: synthesize the Okta baseline for a spec and look resources up by type and name. */
import { Testing } from "cdktf";
import { parseBaselineSpec, type BaselineSpec, type BaselineSpecInput } from "../spec";
import { exampleOrg } from "../../stacks/example-org";
import { OktaMfaBaseline } from "./baseline";

export type Attrs = Record<string, unknown>;

/** The example organisation's spec with top-level sections replaced and Okta fields overridden. */
export function specWith(
  overrides: Partial<Omit<BaselineSpecInput, "okta">> = {},
  okta: Partial<NonNullable<BaselineSpecInput["okta"]>> = {},
): BaselineSpec {
  return parseBaselineSpec({ ...exampleOrg, ...overrides, okta: { ...exampleOrg.okta!, ...okta } });
}

export function synthOkta(spec: BaselineSpec): string {
  return Testing.synthScope((scope) => {
    new OktaMfaBaseline(scope, "okta", spec);
  });
}

export function resourcesOf(synthesized: string, type: string): Attrs[] {
  const json = JSON.parse(synthesized) as { resource?: Record<string, Record<string, Attrs>> };
  return Object.values(json.resource?.[type] ?? {});
}

export function named(synthesized: string, type: string, name: string): Attrs {
  const found = resourcesOf(synthesized, type).filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named "${name}", found ${found.length}`);
  return found[0];
}

/** Rule names of one policy (given as its `${type.logicalId.id}` reference) in priority order. */
export function ruleOrder(synthesized: string, type: string, policyIdRef: string): string[] {
  return resourcesOf(synthesized, type)
    .filter((r) => r.policy_id === policyIdRef)
    .sort((a, b) => Number(a.priority) - Number(b.priority))
    .map((r) => String(r.name));
}

/** The `${type.logicalId.id}` reference to the resource of `type` named `name`. */
export function refTo(synthesized: string, type: string, name: string): string {
  const json = JSON.parse(synthesized) as { resource: Record<string, Record<string, Attrs>> };
  const entry = Object.entries(json.resource[type] ?? {}).find(([, r]) => r.name === name);
  if (!entry) throw new Error(`no ${type} named "${name}"`);
  return `\${${type}.${entry[0]}.id}`;
}
