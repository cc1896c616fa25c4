/**
 * Which baseline policy (a key of `rollout.policies`) a Conditional Access construct implements. The
 * guards look the key up to find the rollout the construct's actual `state` must agree with.
 */
import type { IConstruct } from "constructs";
import type { EntraPolicyKey } from "../spec";

const keys = new WeakMap<IConstruct, EntraPolicyKey>();

export function tagPolicyKey(policy: IConstruct, key: EntraPolicyKey): void {
  keys.set(policy, key);
}

/** The baseline key of a policy construct, or undefined for a policy the baseline did not create. */
export function policyKeyOf(policy: IConstruct): EntraPolicyKey | undefined {
  return keys.get(policy);
}
