/**
 * The Microsoft Entra ID MFA baseline: named locations, authentication strengths, groups and the
 * Conditional Access policies of `policies.ts`. Every policy excludes the break-glass accounts and takes
 * its `state` from the spec's rollout.
 */
import { ConditionalAccessPolicy } from "@cdktf/provider-azuread/lib/conditional-access-policy";
import { Group } from "@cdktf/provider-azuread/lib/group";
import { NamedLocation } from "@cdktf/provider-azuread/lib/named-location";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import type { BaselineSpec, EntraSpec } from "../spec";
import { BaselineAuthenticationStrengths } from "./authentication-strengths";
import { baselinePolicyDefinitions, type PolicyDefinition } from "./policies";
import { tagPolicyKey } from "./policy-keys";
import { policyState } from "./policy-state";

type EntraGroupSpec = EntraSpec["groups"]["employees"];

export class EntraMfaBaseline extends Construct {
  /** One IP named location per `networks.trusted` entry, marked trusted, by network name. */
  readonly trustedLocations: ReadonlyMap<string, NamedLocation>;
  /** The country named location for `networks.blockedCountries`, when there are any. */
  readonly blockedCountriesLocation?: NamedLocation;
  /** Object IDs of the persona groups (a Terraform reference for created groups). */
  readonly groupObjectIds: { readonly employees: string; readonly contractors: string };
  /** The Conditional Access policies, by construct ID. */
  readonly policies: ReadonlyMap<string, ConditionalAccessPolicy>;

  constructor(scope: Construct, id: string, spec: BaselineSpec) {
    super(scope, id);
    const entra = spec.entra;
    if (!entra) {
      throw new Error(
        `EntraMfaBaseline: the spec for ${spec.organisation} has no "entra" section; add entra.breakGlassUserIds and entra.groups to build the Entra baseline`,
      );
    }
    const org = spec.organisation;

    const slugs = uniqueSlugs(
      spec.networks.trusted.map((n) => n.name),
      "networks.trusted",
    );
    this.trustedLocations = new Map(
      spec.networks.trusted.map((network, i) => {
        const location = new NamedLocation(this, `trusted-${slugs[i]}`, {
          displayName: `${org} trusted: ${network.name}`,
          ip: { ipRanges: [...network.cidrs], trusted: true },
        });
        return [network.name, location] as const;
      }),
    );

    if (spec.networks.blockedCountries.length > 0) {
      // Unknown countries are not included: IPs without a country mapping (e.g. many IPv6 ranges) would
      // otherwise be blocked outright (learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network).
      this.blockedCountriesLocation = new NamedLocation(this, "blocked-countries", {
        displayName: `${org} blocked countries`,
        country: {
          countriesAndRegions: [...spec.networks.blockedCountries],
          includeUnknownCountriesAndRegions: false,
          countryLookupMethod: "clientIpAddress",
        },
      });
    }

    this.groupObjectIds = {
      employees: this.group("employees", entra.groups.employees),
      contractors: this.group("contractors", entra.groups.contractors),
    };

    const strengths = new BaselineAuthenticationStrengths(this, "authentication-strengths", org);
    const definitions = baselinePolicyDefinitions({
      spec,
      entra,
      strengthFor: (mfa) => strengths.idFor(mfa),
      contractorsGroupId: this.groupObjectIds.contractors,
      blockedCountriesLocationId: this.blockedCountriesLocation?.id,
    });
    this.policies = new Map(definitions.map((d) => [d.id, this.policy(spec, entra, d)]));
  }

  private group(persona: string, group: EntraGroupSpec): string {
    if ("objectId" in group) return group.objectId;
    return new Group(this, `group-${persona}`, {
      displayName: group.create.displayName,
      securityEnabled: true,
      description: `${persona} tier of the MFA baseline. Managed by mfa-baseline.`,
    }).objectId;
  }

  private policy(spec: BaselineSpec, entra: EntraSpec, d: PolicyDefinition): ConditionalAccessPolicy {
    const targetsUserAction = (d.conditions.applications.includedUserActions ?? []).length > 0;
    const state = policyState(spec, d.key, targetsUserAction);
    const policy = new ConditionalAccessPolicy(this, d.id, {
      displayName: `${spec.organisation}: ${d.title}`,
      state,
      conditions: {
        ...d.conditions,
        users: {
          ...d.conditions.users,
          excludedUsers: [...entra.breakGlassUserIds, ...(d.conditions.users.excludedUsers ?? [])],
        },
      },
      grantControls: d.grantControls,
      sessionControls: d.sessionControls,
    });
    tagPolicyKey(policy, d.key);
    if (targetsUserAction && state === "disabled") {
      Annotations.of(policy).addWarning(
        `rollout.policies.${d.key} is report-only, but Entra does not evaluate policies that target user actions in report-only mode ` +
          `(https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only); ` +
          `the policy is created disabled and will collect no report-only results. Enforce it with acknowledgeNoReportOnly when ready.`,
      );
    }
    return policy;
  }
}

/** Construct-ID slugs for names, refusing two names that would share one. */
function uniqueSlugs(names: readonly string[], field: string): string[] {
  const seen = new Map<string, string>();
  return names.map((name) => {
    const slug =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "unnamed";
    const other = seen.get(slug);
    if (other !== undefined) {
      throw new Error(
        `${field}: "${other}" and "${name}" both become the resource name "${slug}"; rename one of them`,
      );
    }
    seen.set(slug, name);
    return slug;
  });
}
