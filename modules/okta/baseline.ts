/**
 * The Okta half of the MFA baseline (Identity Engine): network zones, tier groups, authenticator
 * enrollment, global session policies, authentication policies for admin and general apps, and
 * ThreatInsight. Break-glass users are excluded from every rule that can deny or whose condition can
 * fail; lockout guards (./guards.ts) check the deny rules before synth.
 */
import { ThreatInsightSettings } from "@cdktf/provider-okta/lib/threat-insight-settings";
import { Construct } from "constructs";
import type { BaselineSpec, OktaSpec } from "../spec";
import { appListProblem, OktaAppPolicies } from "./app-policies";
import { OktaEnrollmentPolicies } from "./enrollment";
import { OktaTierGroups } from "./groups";
import { OktaSessionPolicies } from "./session-policy";
import { OktaNetworkZones, zoneProblems } from "./zones";

export class OktaMfaBaseline extends Construct {
  readonly okta: OktaSpec;
  readonly zones: OktaNetworkZones;
  readonly groups: OktaTierGroups;
  readonly enrollment: OktaEnrollmentPolicies;
  readonly sessions: OktaSessionPolicies;
  readonly apps: OktaAppPolicies;
  readonly threatInsight: ThreatInsightSettings;

  constructor(scope: Construct, id: string, spec: BaselineSpec) {
    super(scope, id);
    if (!spec.okta) {
      throw new Error(
        `OktaMfaBaseline "${id}": the spec has no okta section; add okta.breakGlassUserIds and okta.groups (or leave the Okta stack out)`,
      );
    }
    const problems = [...zoneProblems(spec.networks), appListProblem(spec.okta)].filter(
      (p): p is string => p !== undefined,
    );
    if (problems.length > 0) {
      throw new Error(
        `OktaMfaBaseline "${id}": the spec cannot be built for Okta:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
    }
    this.okta = spec.okta;
    const breakGlass = [...new Set(spec.okta.breakGlassUserIds)];

    this.zones = new OktaNetworkZones(this, "zones", spec.networks);
    this.groups = new OktaTierGroups(this, "groups", spec.okta.groups);
    this.enrollment = new OktaEnrollmentPolicies(this, "enrollment", spec, this.groups.ids, breakGlass);
    this.sessions = new OktaSessionPolicies(this, "session", spec, this.groups.ids, this.zones, breakGlass);
    this.apps = new OktaAppPolicies(this, "apps", spec, this.groups.ids, breakGlass);

    // ThreatInsight runs before sign-on rules; `network_excludes` takes IP zones only, and excluded IPs
    // "aren't logged or blocked" (registry.terraform.io/providers/okta/okta/latest/docs/resources/threat_insight_settings).
    this.threatInsight = new ThreatInsightSettings(this, "threat-insight", {
      action: spec.okta.threatInsight,
      networkExcludes: this.zones.trustedIds.length > 0 ? this.zones.trustedIds : undefined,
    });
  }
}
