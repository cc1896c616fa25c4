/**
 * The attributes a Conditional Access policy construct will synthesize, overrides and escape hatches
 * included, with tokens resolved to their Terraform form. Guards read these rather than the props the
 * construct was built with.
 */
import { ConditionalAccessPolicy } from "@cdktf/provider-azuread/lib/conditional-access-policy";
import { DefaultTokenResolver, StringConcat, TerraformResource, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

export const CA_POLICY_TYPE = ConditionalAccessPolicy.tfResourceType;

export type Attributes = Readonly<Record<string, unknown>>;

const resolver = new DefaultTokenResolver(new StringConcat());

/** The resolved attributes when the node is a Conditional Access policy, else undefined. */
export function conditionalAccessAttributes(node: IConstruct): Attributes | undefined {
  if (!TerraformResource.isTerraformResource(node) || node.terraformResourceType !== CA_POLICY_TYPE)
    return undefined;
  const resolved: unknown = Tokenization.resolve(node.toTerraform(), {
    scope: node,
    preparing: false,
    resolver,
  });
  const attributes = objectAt(resolved, ["resource", CA_POLICY_TYPE, node.friendlyUniqueId]);
  return attributes ?? {};
}

/** A nested single block; Terraform JSON allows the object itself or a one-element list. */
export function blockAt(value: unknown, path: readonly string[]): Attributes | undefined {
  return objectAt(value, path);
}

function objectAt(value: unknown, path: readonly string[]): Attributes | undefined {
  let current = asObject(value);
  for (const key of path) {
    if (!current) return undefined;
    current = asObject(current[key]);
  }
  return current;
}

function asObject(value: unknown): Attributes | undefined {
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return typeof single === "object" && single !== null && !Array.isArray(single)
    ? (single as Attributes)
    : undefined;
}

/** A list of strings, or undefined when absent or not a list of strings (e.g. an unresolved reference). */
export function stringsAt(attributes: Attributes | undefined, key: string): readonly string[] | undefined {
  const value = attributes?.[key];
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}
