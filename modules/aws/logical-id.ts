import type { TerraformElement } from "cdktf";

/**
 * Gives an element a fixed, readable Terraform address (`aws_iam_role.admin`), which scenario files and
 * `cdktf diff` output refer to. One AwsMfaBaseline per stack keeps these unique.
 */
export function addressed<T extends TerraformElement>(element: T, logicalId: string): T {
  element.overrideLogicalId(logicalId);
  return element;
}

/** A Terraform-name-safe form of a free-form value (`r-ex12` stays, `Power User` → `Power_User`). */
export function addressPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_");
}
