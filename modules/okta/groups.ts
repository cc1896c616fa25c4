import { Group } from "@cdktf/provider-okta/lib/group";
import { Construct } from "constructs";
import type { OktaSpec } from "../spec";

export const OKTA_TIERS = ["administrators", "employees", "contractors"] as const;
export type OktaTier = (typeof OKTA_TIERS)[number];

/** Group IDs per human tier: a literal `00g…` ID for a referenced group, a token for a created one. */
export type OktaTierGroupIds = Readonly<Record<OktaTier, string>>;

/** Creates the groups the spec asks to create and passes referenced group IDs through unchanged. */
export class OktaTierGroups extends Construct {
  readonly ids: OktaTierGroupIds;
  /** Only the groups created here (referenced groups live outside this configuration). */
  readonly created: Readonly<Partial<Record<OktaTier, Group>>>;

  constructor(scope: Construct, id: string, groups: OktaSpec["groups"]) {
    super(scope, id);
    const created: Partial<Record<OktaTier, Group>> = {};
    const ids = {} as Record<OktaTier, string>;
    for (const tier of OKTA_TIERS) {
      const group = groups[tier];
      if ("create" in group) {
        created[tier] = new Group(this, tier, {
          name: group.create.name,
          description: `MFA baseline: ${tier} tier`,
        });
        ids[tier] = created[tier].id;
      } else {
        ids[tier] = group.id;
      }
    }
    this.ids = ids;
    this.created = created;
  }
}
