/**
 * Readable Terraform addresses: a resource's logical ID is its construct path below the stack, in
 * snake case, without the baseline construct's own id (`okta_policy_signon.session_administrators_policy`
 * instead of a hashed `okta-baseline_session_administrators-policy_451DC176`). Scenario files,
 * explanations and `cdktf diff` name resources by these addresses.
 */
import { TerraformStack, type TerraformElement } from "cdktf";
import type { Node } from "constructs";

export function snakeCase(part: string): string {
  return part
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/** A stack whose resources get readable logical IDs; two constructs that would share one fail synth. */
export class ReadableAddressStack extends TerraformStack {
  private readonly allocated = new Map<string, string>();

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = "node" in element ? element.node : element;
    const parts = node.scopes.slice(node.scopes.indexOf(this) + 1).map((c) => snakeCase(c.node.id));
    // The first part is the baseline construct (one per stack); it says nothing the stack name does not.
    const name = (parts.length > 1 ? parts.slice(1) : parts).join("_") || "root";
    const id = /^[a-z_]/.test(name) ? name : `_${name}`;
    // Terraform addresses are type.name: the same name under two types is fine.
    const type = (element as { terraformResourceType?: string }).terraformResourceType ?? "";
    const other = this.allocated.get(`${type}.${id}`);
    if (other !== undefined && other !== node.path) {
      throw new Error(
        `${node.path} and ${other} would both be ${type}.${id}; give one of them another construct id`,
      );
    }
    this.allocated.set(`${type}.${id}`, node.path);
    return id;
  }
}
