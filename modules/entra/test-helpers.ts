/** Builders shared by the Entra baseline tests. */
import { Testing } from "cdktf";
import { parseBaselineSpec, type BaselineSpec, type BaselineSpecInput } from "../spec";
import { exampleOrg } from "../../stacks/example-org";
import { EntraMfaBaseline } from "./baseline";

export type Json = Record<string, unknown>;

/** The example organisation with some fields replaced, parsed. */
export function exampleSpec(patch: (input: BaselineSpecInput) => BaselineSpecInput = (i) => i): BaselineSpec {
  return parseBaselineSpec(patch(structuredClone(exampleOrg)));
}

export function exampleEntra(input: BaselineSpecInput): NonNullable<BaselineSpecInput["entra"]> {
  if (!input.entra) throw new Error("the example organisation has an entra section");
  return input.entra;
}

export interface SynthesizedBaseline {
  /** `Testing.synth` output, for the cdktf matchers. */
  readonly json: string;
  /** Resources of one type by logical ID. */
  resources(type: string): Record<string, Json>;
  /** Conditional Access policies by display name without the organisation prefix. */
  readonly policies: Record<string, Json>;
}

export function synthBaseline(spec: BaselineSpec): SynthesizedBaseline {
  const json = Testing.synthScope((stack) => {
    new EntraMfaBaseline(stack, "baseline", spec);
  });
  const parsed = JSON.parse(json) as { resource?: Record<string, Record<string, Json>> };
  const resources = (type: string): Record<string, Json> => parsed.resource?.[type] ?? {};
  const policies = Object.fromEntries(
    Object.values(resources("azuread_conditional_access_policy")).map((p) => [
      String(p.display_name).replace(`${spec.organisation}: `, ""),
      p,
    ]),
  );
  return { json, resources, policies };
}
