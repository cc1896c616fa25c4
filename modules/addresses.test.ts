import { Testing } from "cdktf";
import { Construct } from "constructs";
import { Group } from "@cdktf/provider-okta/lib/group";
import { ReadableAddressStack, snakeCase } from "./addresses";

describe("readable Terraform addresses", () => {
  it("names a resource by its construct path below the baseline, in snake case", () => {
    const stack = new ReadableAddressStack(Testing.app(), "okta-baseline");
    const baseline = new Construct(stack, "okta-baseline");
    new Group(new Construct(baseline, "groups"), "Site Admins", { name: "x" });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource.okta_group)).toEqual(["groups_site_admins"]);
  });

  it("refuses two constructs that would get the same address", () => {
    const stack = new ReadableAddressStack(Testing.app(), "s");
    const baseline = new Construct(stack, "b");
    new Group(new Construct(baseline, "a-b"), "c", { name: "x" });
    new Group(new Construct(baseline, "a"), "b-c", { name: "y" });
    expect(() => Testing.synth(stack)).toThrow(
      /would both be okta_group\.a_b_c; give one of them another construct id/,
    );
  });

  it("turns display names into Terraform-safe name parts", () => {
    expect(snakeCase("Trusted: London-Office 2")).toBe("trusted_london_office_2");
  });
});
