/**
 * Network zones the baseline's rules refer to. All zones have usage POLICY: blocking is done by
 * global session policy rules, which can exclude break-glass users. A BLOCKLIST zone would stop a
 * request "before any type of policy evaluation occurs" (help.okta.com …/blocklist-network-zone.htm),
 * break-glass included, and no exclusion can be attached to it.
 */
import { NetworkZone } from "@cdktf/provider-okta/lib/network-zone";
import { Construct } from "constructs";
import type { BaselineSpec } from "../spec";
import { slug } from "./names";

/** Okta accepts at most 150 gateway entries per zone that is not a blocklist (help.okta.com …/create-ip-zone.htm). */
export const MAX_GATEWAYS_PER_ZONE = 150;

/** The enhanced dynamic zone category covering every anonymiser (Tor, anonymising proxies and VPNs). */
export const ALL_ANONYMIZERS = "ALL_ANONYMIZERS";

export function zoneProblems(networks: BaselineSpec["networks"]): string[] {
  return networks.trusted
    .map((network, i) =>
      network.cidrs.length > MAX_GATEWAYS_PER_ZONE
        ? `networks.trusted[${i}] "${network.name}": ${network.cidrs.length} CIDRs, but an Okta IP zone holds at most ${MAX_GATEWAYS_PER_ZONE} gateways; split the network`
        : undefined,
    )
    .filter((p): p is string => p !== undefined);
}

export class OktaNetworkZones extends Construct {
  /** One IP zone per trusted network, in spec order. */
  readonly trusted: readonly NetworkZone[];
  /** Dynamic zone of the blocked countries; absent when the spec blocks none. */
  readonly blockedCountries?: NetworkZone;
  /** Enhanced dynamic (DYNAMIC_V2) zone of all anonymisers; absent when the spec ignores anonymisers. */
  readonly anonymisers?: NetworkZone;

  constructor(scope: Construct, id: string, networks: BaselineSpec["networks"]) {
    super(scope, id);
    const problems = zoneProblems(networks);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    this.trusted = networks.trusted.map(
      (network) =>
        new NetworkZone(this, `trusted-${slug(network.name)}`, {
          name: `MFA baseline: trusted: ${network.name}`,
          type: "IP",
          usage: "POLICY",
          status: "ACTIVE",
          gateways: [...network.cidrs],
        }),
    );
    if (networks.blockedCountries.length > 0) {
      this.blockedCountries = new NetworkZone(this, "blocked-countries", {
        name: "MFA baseline: blocked countries",
        type: "DYNAMIC",
        usage: "POLICY",
        status: "ACTIVE",
        dynamicLocations: [...networks.blockedCountries],
      });
    }
    if (networks.anonymisers !== "ignore") {
      // Enhanced dynamic zones (ip_service_categories_*) need the org's enhanced dynamic zone feature.
      this.anonymisers = new NetworkZone(this, "anonymisers", {
        name: "MFA baseline: anonymisers",
        type: "DYNAMIC_V2",
        usage: "POLICY",
        status: "ACTIVE",
        ipServiceCategoriesInclude: [ALL_ANONYMIZERS],
      });
    }
  }

  get trustedIds(): string[] {
    return this.trusted.map((z) => z.id);
  }
}
