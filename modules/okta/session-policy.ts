/**
 * Global session policies (type OKTA_SIGN_ON): one for administrators, one for employees and contractors,
 * and one for everyone else. GSP rules have no group condition, only "exclude users"
 * (help.okta.com …/add-okta-sign-on-policy-rule.htm), so the tiers get separate policies, administrators
 * first (priority 1 is evaluated first and the first policy whose groups match applies:
 * developer.okta.com/docs/reference/api/policy/ §Policy evaluation).
 *
 * The third policy is assigned to the built-in Everyone group, which holds every user of the org, at the
 * lowest priority of the three: partners and people not (yet) in a tier group reach it instead of Okta's
 * default policy, whose Default Rule the provider cannot manage ("Default Rule is immutable"). The
 * country and anonymiser rules apply to all of them, as in Entra, where they cover guests too.
 *
 * Rules are evaluated in priority order and the first match wins. Each policy ends in an unconditional
 * rule that requires MFA and is never a deny: break-glass users, excluded from every rule with a
 * condition that could fail, land there instead of falling through to the org's default policy.
 */
import { Behavior } from "@cdktf/provider-okta/lib/behavior";
import { DataOktaEveryoneGroup } from "@cdktf/provider-okta/lib/data-okta-everyone-group";
import { PolicyRuleSignon, type PolicyRuleSignonConfig } from "@cdktf/provider-okta/lib/policy-rule-signon";
import { PolicySignon } from "@cdktf/provider-okta/lib/policy-signon";
import { Construct } from "constructs";
import type { BaselineSpec } from "../spec";
import type { OktaTierGroupIds } from "./groups";
import { slug } from "./names";
import type { OktaNetworkZones } from "./zones";

/** Okta's default behaviour settings: country checked against the last 10 sign-ins; 805 km/h velocity. */
export const NEW_COUNTRY_AUTHENTICATIONS = 10;
export const VELOCITY_KMH = 805;
const ADMIN_IDLE_MINUTES = 60;
const USER_IDLE_MINUTES = 120;

type RuleSettings = Omit<PolicyRuleSignonConfig, "policyId" | "priority" | "status">;

export interface OktaSessionRules {
  readonly policy: PolicySignon;
  /** The policy's rules in priority order (index 0 has priority 1). */
  readonly rules: readonly PolicyRuleSignon[];
}

export class OktaSessionPolicies extends Construct {
  readonly administrators: OktaSessionRules;
  readonly workforce: OktaSessionRules;
  /** Everyone in no tier group: the built-in Everyone group, evaluated after the tier policies. */
  readonly everyone: OktaSessionRules;
  readonly everyoneGroup: DataOktaEveryoneGroup;
  readonly newCountry: Behavior;
  readonly velocity: Behavior;

  constructor(
    scope: Construct,
    id: string,
    spec: BaselineSpec,
    groups: OktaTierGroupIds,
    zones: OktaNetworkZones,
    breakGlassUserIds: readonly string[],
  ) {
    super(scope, id);
    const bg = [...breakGlassUserIds];
    const { sessions, networks } = spec;

    // Behaviours can only raise an MFA prompt, never deny: "You can't deny access to users based on
    // behavior conditions" (help.okta.com …/add-rule-behavior-detection.htm).
    this.newCountry = new Behavior(this, "new-country", {
      name: "MFA baseline: new country",
      type: "ANOMALOUS_LOCATION",
      locationGranularityType: "COUNTRY",
      numberOfAuthentications: NEW_COUNTRY_AUTHENTICATIONS,
      status: "ACTIVE",
    });
    this.velocity = new Behavior(this, "velocity", {
      name: "MFA baseline: velocity",
      type: "VELOCITY",
      velocity: VELOCITY_KMH,
      status: "ACTIVE",
    });

    const networkRules = (): RuleSettings[] => {
      const rules: RuleSettings[] = [];
      if (zones.blockedCountries) {
        rules.push({
          name: "Deny blocked countries",
          access: "DENY",
          networkConnection: "ZONE",
          networkIncludes: [zones.blockedCountries.id],
          usersExcluded: bg,
        });
      }
      if (zones.anonymisers && networks.anonymisers === "block") {
        rules.push({
          name: "Deny anonymisers",
          access: "DENY",
          networkConnection: "ZONE",
          networkIncludes: [zones.anonymisers.id],
          usersExcluded: bg,
        });
      }
      return rules;
    };

    const adminSession = minutesOfSession(sessions.adminSignInFrequencyHours * 60, ADMIN_IDLE_MINUTES);
    const adminPolicy = new PolicySignon(this, "administrators-policy", {
      name: "MFA baseline: administrators session",
      description: "Administrators: MFA on every sign-in, short sessions",
      status: "ACTIVE",
      priority: 1,
      groupsIncluded: [groups.administrators],
    });
    this.administrators = {
      policy: adminPolicy,
      rules: addRules(this, "administrators", adminPolicy, [
        ...networkRules(),
        {
          name: "Administrators: MFA every sign-in",
          access: "ALLOW",
          networkConnection: "ANYWHERE",
          primaryFactor: "PASSWORD_IDP",
          mfaRequired: true,
          mfaPrompt: "ALWAYS",
          ...adminSession,
        },
      ]),
    };

    const userMinutes = sessions.userSessionHours * 60;
    const userSession = minutesOfSession(userMinutes, USER_IDLE_MINUTES);
    const workforcePolicy = new PolicySignon(this, "workforce-policy", {
      name: "MFA baseline: workforce session",
      description: "Employees and contractors: MFA off the trusted networks or on unusual behaviour",
      status: "ACTIVE",
      priority: 2,
      groupsIncluded: [groups.employees, groups.contractors],
    });
    // Anonymisers (when they only need MFA) and unusual behaviour prompt at every sign-in, before any
    // rule that would let the session's MFA lifetime or a trusted network stand in for it.
    const stepUpRules = (): RuleSettings[] => {
      const rules: RuleSettings[] = [];
      if (zones.anonymisers && networks.anonymisers === "require-mfa") {
        rules.push({
          name: "Anonymisers: MFA every sign-in",
          access: "ALLOW",
          networkConnection: "ZONE",
          networkIncludes: [zones.anonymisers.id],
          primaryFactor: "PASSWORD_IDP",
          mfaRequired: true,
          mfaPrompt: "ALWAYS",
          usersExcluded: bg,
          ...userSession,
        });
      }
      rules.push({
        name: "New country or impossible travel: MFA",
        access: "ALLOW",
        networkConnection: "ANYWHERE",
        behaviors: [this.newCountry.id, this.velocity.id],
        primaryFactor: "PASSWORD_IDP",
        mfaRequired: true,
        mfaPrompt: "ALWAYS",
        usersExcluded: bg,
        ...userSession,
      });
      return rules;
    };
    const sessionMfa = (name: string): RuleSettings => ({
      name,
      access: "ALLOW",
      networkConnection: "ANYWHERE",
      primaryFactor: "PASSWORD_IDP",
      mfaRequired: true,
      mfaPrompt: "SESSION",
      mfaLifetime: userMinutes,
      ...userSession,
    });

    const workforceRules: RuleSettings[] = [...networkRules(), ...stepUpRules()];
    if (zones.trusted.length > 0) {
      workforceRules.push({
        name: "Trusted networks: no MFA prompt",
        access: "ALLOW",
        networkConnection: "ZONE",
        networkIncludes: zones.trustedIds,
        primaryFactor: "PASSWORD_IDP",
        mfaRequired: false,
        usersExcluded: bg,
        ...userSession,
      });
    }
    workforceRules.push(sessionMfa("Everywhere else: MFA"));
    this.workforce = {
      policy: workforcePolicy,
      rules: addRules(this, "workforce", workforcePolicy, workforceRules),
    };

    // Users outside the tier groups are not known members of the organisation: no trusted-network
    // exemption, otherwise the workforce's rules.
    this.everyoneGroup = new DataOktaEveryoneGroup(this, "everyone-group", {});
    const everyonePolicy = new PolicySignon(this, "everyone-policy", {
      name: "MFA baseline: everyone else session",
      description:
        "Users in no tier group (partners, people not yet in a tier): blocked networks denied, MFA everywhere",
      status: "ACTIVE",
      priority: 3,
      groupsIncluded: [this.everyoneGroup.id],
    });
    this.everyone = {
      policy: everyonePolicy,
      rules: addRules(this, "everyone", everyonePolicy, [
        ...networkRules(),
        ...stepUpRules(),
        sessionMfa("Anywhere: MFA"),
      ]),
    };
  }
}

function minutesOfSession(lifetime: number, idleCap: number) {
  return { sessionLifetime: lifetime, sessionIdle: Math.min(idleCap, lifetime), sessionPersistent: false };
}

/**
 * Rules get contiguous priorities from 1 (the provider errors on a priority the API would move) and
 * construct IDs from their names, so adding or removing one rule does not replace the others.
 */
function addRules(
  scope: Construct,
  prefix: string,
  policy: PolicySignon,
  rules: readonly RuleSettings[],
): PolicyRuleSignon[] {
  return rules.map(
    (settings, i) =>
      new PolicyRuleSignon(scope, `${prefix}-${slug(settings.name)}`, {
        ...settings,
        policyId: policy.id,
        priority: i + 1,
        status: "ACTIVE",
      }),
  );
}
