/**
 * Compiles the Okta resources of a resolved Terraform model into an `OktaModel`. Attribute names and
 * defaults follow terraform-provider-okta (4.20 to 6.12, docs/resources/*.md); sources for each
 * semantic choice are cited where it is made. A resource that cannot be read becomes `Unreadable`
 * with its location; it never silently disappears.
 */
import type { TerraformModel, TfResource } from "../terraform/model";
import { Reader } from "../terraform/read";
import { attempt, headOf, network, oneOf, orderByPriority, policyOf } from "./compile-read";
import {
  compileAppRule,
  compileGspRule,
  enrollmentSettings,
  implicitCatchAll,
  implicitDefaultGspRule,
} from "./compile-rules";
import { compileBehavior, compileZone, external, externalZone } from "./compile-zones";
import type { IpRange } from "./ip";
import {
  type AppAssignments,
  type AppPolicy,
  type AppRule,
  type Behavior,
  type EnrollmentPolicy,
  type EnrollSetting,
  type GspPolicy,
  type GspRule,
  isUnreadable,
  type Maybe,
  type OktaModel,
  type ThreatInsight,
  type Unreadable,
  type Zone,
} from "./model";

export const ORG_DEFAULT_APP_POLICY = "org default authentication policy";
const IMPLICIT_DEFAULT_GSP = "default global session policy";
const IMPLICIT_DEFAULT_ENROLLMENT = "default authenticator enrollment policy";

export const APP_RESOURCE_TYPES = [
  "okta_app_oauth",
  "okta_app_saml",
  "okta_app_basic_auth",
  "okta_app_bookmark",
  "okta_app_auto_login",
  "okta_app_secure_password_store",
  "okta_app_shared_credentials",
  "okta_app_swa",
  "okta_app_three_field",
] as const;

// ---------------------------------------------------------------------------------------------------

function groupsOf(r: Reader): Maybe<ReadonlySet<string>> {
  return attempt(() => new Set(r.refs("groups_included")));
}

/** Data sources that stand for a type's default policy: `okta_default_policy` or `okta_policy` named "Default Policy". */
function defaultPolicyData(model: TerraformModel, type: string): TfResource[] {
  return [
    ...model.dataSourcesOfType("okta_default_policy"),
    ...model.dataSourcesOfType("okta_policy"),
  ].filter((d) => {
    const r = Reader.of(d);
    const t = attempt(() => r.string("type"));
    if (t !== type) return false;
    if (d.type === "okta_default_policy") return true;
    return attempt(() => r.string("name")) === "Default Policy";
  });
}

function nonDefaultPolicyData(model: TerraformModel, type: string): TfResource[] {
  return model.dataSourcesOfType("okta_policy").filter((d) => {
    const r = Reader.of(d);
    return attempt(() => r.string("type")) === type && attempt(() => r.string("name")) !== "Default Policy";
  });
}

export function compileOkta(model: TerraformModel): OktaModel {
  const stack = model.stack;

  // Zones.
  const zones = new Map<string, Zone>();
  for (const res of model.resourcesOfType("okta_network_zone")) zones.set(res.address, compileZone(res));
  for (const res of model.dataSourcesOfType("okta_network_zone")) zones.set(res.address, externalZone(res));
  const blocklists = [...zones.values()].filter((z) => z.usage === "BLOCKLIST" || isUnreadable(z.usage));
  const exemptZones = [...zones.values()].filter((z) => z.exempt);
  const trustedProxies: IpRange[] = [];
  for (const z of zones.values())
    if (z.active && z.usage === "POLICY" && !isUnreadable(z.def) && z.def.kind === "ip")
      trustedProxies.push(...z.def.proxies);

  // Behaviours.
  const behaviors = new Map<string, Behavior>();
  for (const res of [...model.resourcesOfType("okta_behavior"), ...model.dataSourcesOfType("okta_behavior")])
    behaviors.set(res.address, compileBehavior(res));

  // ThreatInsight.
  const tiResources = model.resourcesOfType("okta_threat_insight_settings");
  let threatInsight: Maybe<ThreatInsight> | undefined;
  if (tiResources.length > 1) {
    threatInsight = {
      unreadable: `${stack}: ${tiResources.map((t) => t.address).join(", ")}: several okta_threat_insight_settings for one org`,
    };
  } else if (tiResources.length === 1) {
    const res = tiResources[0];
    const r = Reader.of(res);
    threatInsight = attempt(() => ({
      key: res.address,
      action: oneOf(r, "action", ["none", "audit", "block"] as const, "none"),
      excludedZones: r.refs("network_excludes"),
    }));
  }

  // Everyone: "The default Everyone group contains all users in your Okta org"
  // (help.okta.com/en-us/content/topics/users-groups-profiles/usgp-group-types.htm); the provider reads
  // it with data.okta_everyone_group or, equivalently, data.okta_group with name = "Everyone"
  // (registry.terraform.io/providers/okta/okta/latest/docs/data-sources/everyone_group).
  const everyoneGroups = new Set<string>(
    model.dataSourcesOfType("okta_everyone_group").map((d) => d.address),
  );
  for (const d of model.dataSourcesOfType("okta_group"))
    if (attempt(() => Reader.of(d).string("name")) === "Everyone") everyoneGroups.add(d.address);

  // Global session policies.
  const gspProblems: string[] = [];
  const gspPolicies = new Map<string, { policy: Omit<GspPolicy, "rules">; rules: GspRule[] }>();
  for (const res of model.resourcesOfType("okta_policy_signon")) {
    const r = Reader.of(res);
    const head = headOf(r, res.name);
    gspPolicies.set(res.address, {
      policy: isUnreadable(head)
        ? { key: res.address, name: res.name, active: true, isDefault: false, groups: head }
        : { key: res.address, ...head, isDefault: false, groups: groupsOf(r) },
      rules: [],
    });
  }
  const gspDefaults = defaultPolicyData(model, "OKTA_SIGN_ON").map((d) => d.address);
  const gspDefaultKey = gspDefaults[0] ?? IMPLICIT_DEFAULT_GSP;
  const gspDefault = {
    policy: {
      key: gspDefaultKey,
      name: "Default Policy",
      active: true,
      isDefault: true,
      groups: new Set<string>(),
    },
    rules: [] as GspRule[],
  };
  const gspOther = new Set(nonDefaultPolicyData(model, "OKTA_SIGN_ON").map((d) => d.address));
  for (const res of model.resourcesOfType("okta_policy_rule_signon")) {
    const { policy, rule } = compileGspRule(res);
    if (isUnreadable(policy)) gspProblems.push(policy.unreadable);
    else if (gspPolicies.has(policy)) gspPolicies.get(policy)?.rules.push(rule);
    else if (policy === gspDefaultKey || gspDefaults.includes(policy)) gspDefault.rules.push(rule);
    else if (gspOther.has(policy))
      gspProblems.push(
        `${stack}: ${res.address} policy_id: rule of ${policy}, a policy defined outside this configuration (its priority, groups and other rules are unknown)`,
      );
    else
      gspProblems.push(
        `${stack}: ${res.address} policy_id: "${policy}" is not a global session policy of this configuration`,
      );
  }
  gspDefault.rules.push(implicitDefaultGspRule(gspDefaultKey));
  const globalSession: GspPolicy[][] = [
    ...orderByPriority(
      [...gspPolicies.values()].map((p) => ({ ...p.policy, rules: orderByPriority(p.rules) })),
    ),
    [{ ...gspDefault.policy, rules: orderRulesWithSystemLast(gspDefault.rules) }],
  ];

  // Enrollment policies.
  const enrollmentProblems: string[] = [];
  type EnrollRule = EnrollmentPolicy["rules"][number][number];
  const enrollPolicies = new Map<string, { policy: Omit<EnrollmentPolicy, "rules">; rules: EnrollRule[] }>();
  for (const res of model.resourcesOfType("okta_policy_mfa")) {
    const r = Reader.of(res);
    const head = headOf(r, res.name);
    const settings = attempt(() => enrollmentSettings(r));
    enrollPolicies.set(res.address, {
      policy: isUnreadable(head)
        ? { key: res.address, name: res.name, active: true, isDefault: false, groups: head, settings }
        : { key: res.address, ...head, isDefault: false, groups: groupsOf(r), settings },
      rules: [],
    });
  }
  const mfaDefaultResources = model.resourcesOfType("okta_policy_mfa_default");
  const mfaDefaultData = defaultPolicyData(model, "MFA_ENROLL").map((d) => d.address);
  const enrollDefaultKey =
    mfaDefaultResources[0]?.address ?? mfaDefaultData[0] ?? IMPLICIT_DEFAULT_ENROLLMENT;
  const enrollDefaultSettings: Maybe<Readonly<Record<string, EnrollSetting>>> =
    mfaDefaultResources.length > 1
      ? {
          unreadable: `${stack}: ${mfaDefaultResources.map((m) => m.address).join(", ")}: several okta_policy_mfa_default`,
        }
      : mfaDefaultResources.length === 1
        ? attempt(() => enrollmentSettings(Reader.of(mfaDefaultResources[0])))
        : {
            unreadable: `${stack}: the default authenticator enrollment policy's settings are not in this configuration (no okta_policy_mfa_default)`,
          };
  const enrollDefaultAliases = new Set([
    enrollDefaultKey,
    ...mfaDefaultData,
    ...mfaDefaultResources.map((m) => m.address),
  ]);
  const enrollDefault = {
    policy: {
      key: enrollDefaultKey,
      name: "Default Policy",
      active: true,
      isDefault: true,
      groups: new Set<string>(),
      settings: enrollDefaultSettings,
    },
    rules: [] as EnrollRule[],
  };
  const enrollOther = new Set(nonDefaultPolicyData(model, "MFA_ENROLL").map((d) => d.address));
  for (const res of model.resourcesOfType("okta_policy_rule_mfa")) {
    const r = Reader.of(res);
    const policy = policyOf(r);
    const head = headOf(r, res.name);
    const rule: EnrollRule = isUnreadable(head)
      ? { key: res.address, name: res.name, active: true, system: false, body: head }
      : {
          key: res.address,
          ...head,
          system: false,
          body: attempt(() => {
            if (r.blocks("app_include").length || r.blocks("app_exclude").length)
              r.fail("app_include", "app conditions of enrollment rules (Classic) are not simulated");
            return {
              conditions: { usersExcluded: new Set(r.refs("users_excluded")), network: network(r) },
              action: { enroll: oneOf(r, "enroll", ["CHALLENGE", "LOGIN", "NEVER"] as const, "CHALLENGE") },
            };
          }),
        };
    if (isUnreadable(policy)) enrollmentProblems.push(policy.unreadable);
    else if (enrollPolicies.has(policy)) enrollPolicies.get(policy)?.rules.push(rule);
    else if (enrollDefaultAliases.has(policy)) enrollDefault.rules.push(rule);
    else if (enrollOther.has(policy))
      enrollmentProblems.push(
        `${stack}: ${res.address} policy_id: rule of ${policy}, a policy defined outside this configuration`,
      );
    else
      enrollmentProblems.push(
        `${stack}: ${res.address} policy_id: "${policy}" is not an enrollment policy of this configuration`,
      );
  }
  enrollDefault.rules.push({
    key: `${enrollDefaultKey} Default Rule`,
    name: "Default Rule",
    active: true,
    system: true,
    assumed: "Default Rule of the default enrollment policy: applies to everyone",
    body: {
      conditions: { usersExcluded: new Set(), network: { connection: "ANYWHERE" } },
      action: { enroll: "CHALLENGE" },
    },
  });
  const enrollment: EnrollmentPolicy[][] = [
    ...orderByPriority(
      [...enrollPolicies.values()].map((p) => ({ ...p.policy, rules: orderByPriority(p.rules) })),
    ),
    [{ ...enrollDefault.policy, rules: orderRulesWithSystemLast(enrollDefault.rules) }],
  ];

  // Authentication policies.
  const appPolicies = new Map<string, Maybe<AppPolicy>>();
  const appDrafts = new Map<string, { name: string; catchAll: boolean; rules: AppRule[] }>();
  for (const res of model.resourcesOfType("okta_app_signon_policy")) {
    const r = Reader.of(res);
    const head = attempt(() => ({
      name: r.string("name") ?? res.name,
      catchAll: r.bool("catch_all") ?? true,
    }));
    if (isUnreadable(head)) appPolicies.set(res.address, head);
    else appDrafts.set(res.address, { ...head, rules: [] });
  }
  for (const d of model.dataSourcesOfType("okta_app_signon_policy"))
    appPolicies.set(d.address, {
      unreadable: external(d),
    });
  for (const res of model.resourcesOfType("okta_app_signon_policy_rule")) {
    const { policy, rule } = compileAppRule(res);
    if (isUnreadable(policy)) {
      appPolicies.set(`${res.address} (unattached)`, policy);
      continue;
    }
    const draft = appDrafts.get(policy);
    if (draft) draft.rules.push(rule);
    else if (!appPolicies.has(policy))
      appPolicies.set(policy, {
        unreadable: `${stack}: ${res.address} policy_id: "${policy}" is not an authentication policy of this configuration`,
      });
  }
  for (const [key, d] of appDrafts) {
    const managedCatchAll = d.rules.filter((r) => r.system);
    const rules = d.rules.filter((r) => !r.system);
    const catchAll = managedCatchAll.length ? managedCatchAll : [implicitCatchAll(key, d.catchAll)];
    appPolicies.set(key, { key, name: d.name, rules: [...orderByPriority(rules), catchAll] });
  }

  // App bindings and assignments.
  const appBindings = new Map<string, Maybe<string>>();
  const bind = (app: string, policy: Maybe<string>) => {
    const prev = appBindings.get(app);
    if (
      prev !== undefined &&
      !isUnreadable(prev) &&
      !isUnreadable(policy) &&
      prev !== policy &&
      prev !== ORG_DEFAULT_APP_POLICY
    ) {
      appBindings.set(app, { unreadable: `${stack}: ${app}: bound to both ${prev} and ${policy}` });
    } else if (prev === undefined || prev === ORG_DEFAULT_APP_POLICY || isUnreadable(policy))
      appBindings.set(app, policy);
  };
  for (const type of APP_RESOURCE_TYPES) {
    for (const res of model.resourcesOfType(type))
      bind(
        res.address,
        attempt(() => Reader.of(res).ref("authentication_policy") ?? ORG_DEFAULT_APP_POLICY),
      );
  }
  for (const res of model.resourcesOfType("okta_app_access_policy_assignment")) {
    const r = Reader.of(res);
    const app = attempt(() => r.ref("app_id") ?? r.fail("app_id", "missing"));
    if (isUnreadable(app)) {
      appBindings.set(`${res.address} (unattached)`, app);
      continue;
    }
    bind(
      app,
      attempt(() => r.ref("policy_id") ?? r.fail("policy_id", "missing")),
    );
  }
  for (const d of model.dataSourcesOfType("okta_app_signon_policy")) {
    const app = attempt(() => Reader.of(d).ref("app_id"));
    if (!isUnreadable(app) && app !== undefined) bind(app, d.address);
  }
  appPolicies.set(ORG_DEFAULT_APP_POLICY, {
    unreadable: `${stack}: the org's default authentication policy is not in this configuration`,
  });

  const assignments = new Map<string, { groups: Set<string>; users: Set<string> } | Unreadable>();
  const assign = (
    res: TfResource,
    read: (r: Reader) => { app: string; groups: string[]; users: string[] },
  ) => {
    const got = attempt(() => read(Reader.of(res)));
    if (isUnreadable(got)) {
      assignments.set(`${res.address} (unattached)`, got);
      return;
    }
    const cur = assignments.get(got.app) ?? { groups: new Set<string>(), users: new Set<string>() };
    if (isUnreadable(cur)) return;
    got.groups.forEach((g) => cur.groups.add(g));
    got.users.forEach((u) => cur.users.add(u));
    assignments.set(got.app, cur);
  };
  const need = (r: Reader, k: string) => r.ref(k) ?? r.fail(k, "missing");
  for (const res of model.resourcesOfType("okta_app_group_assignment"))
    assign(res, (r) => ({ app: need(r, "app_id"), groups: [need(r, "group_id")], users: [] }));
  for (const res of model.resourcesOfType("okta_app_group_assignments")) {
    assign(res, (r) => ({
      app: need(r, "app_id"),
      groups: r.blocks("group").map((g) => need(g, "id")),
      users: [],
    }));
  }
  for (const res of model.resourcesOfType("okta_app_user"))
    assign(res, (r) => ({ app: need(r, "app_id"), groups: [], users: [need(r, "user_id")] }));

  return {
    stack,
    zones,
    blocklists,
    exemptZones,
    trustedProxies,
    threatInsight,
    globalSession,
    enrollment,
    globalSessionProblems: gspProblems,
    enrollmentProblems,
    appPolicies,
    appBindings,
    appAssignments: assignments as ReadonlyMap<string, Maybe<AppAssignments>>,
    everyoneGroups,
    behaviors,
  };
}

/** Default policies: managed rules by priority, then the undeletable Default Rule, always last (policies concept page, "Default policies"). */
function orderRulesWithSystemLast<
  R extends { readonly priority?: number; readonly key: string; readonly system: boolean },
>(rules: readonly R[]): R[][] {
  return [
    ...orderByPriority(rules.filter((r) => !r.system)),
    ...rules.filter((r) => r.system).map((r) => [r]),
  ];
}
