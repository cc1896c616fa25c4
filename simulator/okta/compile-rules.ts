/** Global session, authentication and enrollment rules of the Okta configuration, and the implicit default rules. */
import { TfJson, type TfResource, type TfValue } from "../terraform/model";
import { isObject, Reader } from "../terraform/read";
import { ENROLLMENT_KEYS, KNOWN_CONSTRAINT_METHODS, KNOWN_CONSTRAINT_TYPES } from "./authenticators";
import { attempt, duration, headOf, network, oneOf, policyOf, risk } from "./compile-read";
import { isoDurationSeconds } from "./duration";
import {
  type AppAction,
  type AppRule,
  type AppRuleConditions,
  type ClassConstraint,
  type ConstraintFlag,
  type ConstraintObject,
  type EnrollSetting,
  type GspAction,
  type GspConditions,
  type GspRule,
  isUnreadable,
  type Maybe,
  type PlatformEntry,
} from "./model";

// ---------------------------------------------------------------------------------------------------
// Global session policy

export function compileGspRule(res: TfResource): { policy: Maybe<string>; rule: GspRule } {
  const r = Reader.of(res);
  const policy = policyOf(r);
  const head = headOf(r, res.name);
  if (isUnreadable(head))
    return { policy, rule: { key: res.address, name: res.name, active: true, system: false, body: head } };
  let assumed: string | undefined;
  const body = attempt(() => {
    const behaviors = r.refs("behaviors");
    const riskLevel = r.has("risk_level") ? risk(r, "risk_level") : risk(r, "risc_level");
    const idp = oneOf(r, "identity_provider", ["ANY", "OKTA", "SPECIFIC_IDP"] as const, "ANY");
    const idpIds = r.refs("identity_provider_ids");
    if (idp === "SPECIFIC_IDP" && idpIds.length === 0)
      r.fail("identity_provider_ids", "SPECIFIC_IDP needs at least one identity provider");
    const conditions: GspConditions = {
      usersExcluded: new Set(r.refs("users_excluded")),
      network: network(r),
      authType: oneOf(r, "authtype", ["ANY", "RADIUS", "LDAP_INTERFACE"] as const, "ANY"),
      identityProvider: idp === "SPECIFIC_IDP" ? { provider: idp, ids: new Set(idpIds) } : { provider: idp },
      risk: riskLevel,
      behaviors,
    };
    const access = oneOf(r, "access", ["ALLOW", "DENY", "CHALLENGE"] as const, "ALLOW");
    if (access === "CHALLENGE")
      r.fail("access", "CHALLENGE (Classic Engine factor sequencing) is not simulated");
    // "You can't deny access to users based on behavior conditions": help add-rule-behavior-detection (S17, S24).
    if (access === "DENY" && behaviors.length)
      r.fail(
        "access",
        "a rule cannot deny on behaviours (Okta only challenges with MFA on behaviour conditions)",
      );
    const mfaRequired = r.bool("mfa_required") ?? false;
    const mfaPrompt = r.has("mfa_prompt")
      ? oneOf(r, "mfa_prompt", ["DEVICE", "SESSION", "ALWAYS"] as const, "SESSION")
      : undefined;
    if (mfaRequired && access === "ALLOW" && mfaPrompt === undefined)
      r.fail(
        "mfa_prompt",
        "mfa_required needs mfa_prompt (Policy API: factorPromptMode is required when requireFactor is true)",
      );
    let mfaLifetime = r.number("mfa_lifetime");
    if (mfaRequired && mfaPrompt === "SESSION" && mfaLifetime === undefined) {
      mfaLifetime = 15;
      assumed = "mfa_lifetime unset with mfa_prompt SESSION: 15 minutes, Okta's documented default";
    }
    const primaryFactor = oneOf(
      r,
      "primary_factor",
      ["PASSWORD_IDP", "PASSWORD_IDP_ANY_FACTOR"] as const,
      "PASSWORD_IDP",
    );
    const action: GspAction = {
      access: access === "DENY" ? "DENY" : "ALLOW",
      mfaRequired,
      mfaPrompt,
      mfaLifetimeMinutes: mfaLifetime,
      mfaRememberDevice: r.bool("mfa_remember_device") ?? false,
      primaryFactor,
      sessionIdleMinutes: r.number("session_idle") ?? 120,
      sessionLifetimeMinutes: r.number("session_lifetime") ?? 120,
      sessionPersistent: r.bool("session_persistent") ?? false,
    };
    return { conditions, action };
  });
  return { policy, rule: { key: res.address, ...head, system: false, body, assumed } };
}

/**
 * The Default Rule of the default global session policy is not in the configuration (the provider
 * refuses to manage it). Reference open point 5, decided: Okta's documented default, "allows access
 * with a password, IDP, or any factor allowed by the authentication policies"
 * (help.okta.com/oie/en-us/Content/Topics/identity-engine/policies/about-okta-sign-on-policies.htm),
 * i.e. ALLOW, no MFA, primary factor PASSWORD_IDP_ANY_FACTOR. Shown as an assumption in every decision that uses it.
 */
export function implicitDefaultGspRule(policyKey: string): GspRule {
  return {
    key: `${policyKey} Default Rule`,
    name: "Default Rule",
    active: true,
    system: true,
    assumed:
      "Default Rule of the default global session policy (not in the configuration): Okta's documented default, allow with any factor the authentication policy accepts, no MFA of its own",
    body: {
      conditions: {
        usersExcluded: new Set(),
        network: { connection: "ANYWHERE" },
        authType: "ANY",
        identityProvider: { provider: "ANY" },
        risk: "ANY",
        behaviors: [],
      },
      action: {
        access: "ALLOW",
        mfaRequired: false,
        mfaRememberDevice: false,
        primaryFactor: "PASSWORD_IDP_ANY_FACTOR",
        sessionIdleMinutes: 120,
        sessionLifetimeMinutes: 120,
        sessionPersistent: false,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Authentication (app sign-in) policy

function flag(v: TfValue | undefined, where: string, fail: (reason: string) => never): ConstraintFlag {
  if (v === undefined) return "OPTIONAL";
  if (v === "REQUIRED" || v === "OPTIONAL") return v;
  return fail(`${where}: expected REQUIRED or OPTIONAL, got ${JSON.stringify(v)}`);
}

const CLASS_KEYS = new Set([
  "types",
  "methods",
  "reauthenticateIn",
  "required",
  "hardwareProtection",
  "deviceBound",
  "phishingResistant",
  "userPresence",
  "userVerification",
]);

function stringList(
  v: TfValue | undefined,
  where: string,
  known: ReadonlySet<string>,
  fail: (reason: string) => never,
): ReadonlySet<string> | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return fail(`${where}: expected a list`);
  const out = new Set<string>();
  for (const item of v as readonly TfValue[]) {
    if (typeof item !== "string") return fail(`${where}: expected strings`);
    if (!known.has(item)) return fail(`${where}: unknown value "${item}"; known: ${[...known].join(", ")}`);
    out.add(item);
  }
  return out;
}

function classConstraint(
  v: TfValue,
  where: string,
  fail: (reason: string) => never,
): ClassConstraint | undefined {
  if (!isObject(v)) return fail(`${where}: expected an object`);
  for (const k of Object.keys(v))
    if (!CLASS_KEYS.has(k)) fail(`${where}.${k}: constraint property not simulated`);
  if (v.required === false) return undefined;
  let reauthenticateSeconds: number | undefined;
  if (v.reauthenticateIn !== undefined) {
    const s = typeof v.reauthenticateIn === "string" ? isoDurationSeconds(v.reauthenticateIn) : undefined;
    if (s === undefined) fail(`${where}.reauthenticateIn: expected an ISO-8601 duration`);
    reauthenticateSeconds = s;
  }
  return {
    types: stringList(v.types, `${where}.types`, KNOWN_CONSTRAINT_TYPES, fail),
    methods: stringList(v.methods, `${where}.methods`, KNOWN_CONSTRAINT_METHODS, fail),
    reauthenticateSeconds,
    hardwareProtection: flag(v.hardwareProtection, `${where}.hardwareProtection`, fail),
    deviceBound: flag(v.deviceBound, `${where}.deviceBound`, fail),
    phishingResistant: flag(v.phishingResistant, `${where}.phishingResistant`, fail),
    userVerification: flag(v.userVerification, `${where}.userVerification`, fail),
  };
}

/** `constraints`: list of JSON constraint objects (Policy API "Constraints"): any one object, every property in it. */
function constraints(r: Reader, factorMode: "1FA" | "2FA"): ConstraintObject[] {
  const v = r.raw("constraints");
  if (v === undefined) return [];
  const items: readonly TfValue[] = Array.isArray(v) ? v : [v];
  return items.map((item, i) => {
    const fail = (reason: string): never => r.fail(`constraints[${i}]`, reason);
    let value: TfValue;
    if (typeof item === "string") {
      try {
        value = JSON.parse(item) as TfValue;
      } catch {
        return fail("not valid JSON");
      }
    } else if (item instanceof TfJson) value = item.value;
    else return fail("expected a JSON string");
    if (!isObject(value)) return fail("expected a JSON object");
    for (const k of Object.keys(value))
      if (k !== "knowledge" && k !== "possession") fail(`authenticator class "${k}" not simulated`);
    const knowledge =
      value.knowledge === undefined ? undefined : classConstraint(value.knowledge, "knowledge", fail);
    const possession =
      value.possession === undefined ? undefined : classConstraint(value.possession, "possession", fail);
    // "The number of Authenticator class constraints in each Constraint object must be less than or equal to the value of factorMode."
    if (knowledge && possession && factorMode === "1FA")
      fail("two authenticator classes constrained with factor_mode 1FA");
    return { knowledge, possession, text: JSON.stringify(value) };
  });
}

const CATCH_ALL_NAME = "Catch-all Rule";

export function compileAppRule(res: TfResource): { policy: Maybe<string>; rule: AppRule } {
  const r = Reader.of(res);
  const policy = policyOf(r);
  const head = headOf(r, res.name);
  if (isUnreadable(head))
    return { policy, rule: { key: res.address, name: res.name, active: true, system: false, body: head } };
  const body = attempt(() => {
    if (r.has("custom_expression"))
      r.fail("custom_expression", "Okta Expression Language conditions are not interpreted");
    const type = oneOf(r, "type", ["ASSURANCE", "AUTH_METHOD_CHAIN"] as const, "ASSURANCE");
    if (type === "AUTH_METHOD_CHAIN" || r.has("chains"))
      r.fail("chains", "authentication method chains are not simulated");
    const platforms = r.blocks("platform_include").map((p): PlatformEntry => {
      const os = oneOf(
        p,
        "os_type",
        ["ANY", "WINDOWS", "MACOS", "CHROMEOS", "IOS", "ANDROID", "OTHER", "OSX"] as const,
        "ANY",
      );
      if (p.has("os_expression")) p.fail("os_expression", "OS expressions are not interpreted");
      return {
        type: oneOf(p, "type", ["ANY", "DESKTOP", "MOBILE"] as const, "ANY"),
        os: os === "OSX" ? "MACOS" : os,
      };
    });
    const registered = r.bool("device_is_registered") ?? false;
    const managed = r.bool("device_is_managed") ?? false;
    const conditions: AppRuleConditions = {
      people: {
        usersIncluded: new Set(r.refs("users_included")),
        usersExcluded: new Set(r.refs("users_excluded")),
        groupsIncluded: new Set(r.refs("groups_included")),
        groupsExcluded: new Set(r.refs("groups_excluded")),
      },
      userTypesIncluded: new Set(r.refs("user_types_included")),
      userTypesExcluded: new Set(r.refs("user_types_excluded")),
      network: network(r),
      deviceRegistered: registered || managed,
      deviceManaged: managed,
      deviceAssurances: new Set(r.refs("device_assurances_included")),
      platforms,
      risk: risk(r, "risk_score"),
    };
    const factorMode = oneOf(r, "factor_mode", ["1FA", "2FA"] as const, "2FA");
    const reauth = duration(r, "re_authentication_frequency", "PT2H");
    const action: AppAction = {
      access: oneOf(r, "access", ["ALLOW", "DENY"] as const, "ALLOW"),
      factorMode,
      constraints: constraints(r, factorMode),
      reauthenticate: reauth.text,
      reauthenticateSeconds: reauth.seconds,
      inactivityPeriod: r.string("inactivity_period"),
    };
    return { conditions, action };
  });
  return { policy, rule: { key: res.address, ...head, system: head.name === CATCH_ALL_NAME, body } };
}

/**
 * The catch-all rule Okta creates with every authentication policy (priority 99, always last). With
 * `catch_all = false` the provider sets it to DENY. Otherwise (reference open point 4, decided): ALLOW
 * with one factor type, as the help describes a new policy ("starts with a single catch-all rule that
 * allows access to all requests with one factor type", add-app-sign-on-policy-rule), re-authentication
 * at the provider default PT2H.
 */
export function implicitCatchAll(policyKey: string, catchAll: boolean): AppRule {
  return {
    key: `${policyKey} Catch-all Rule`,
    name: CATCH_ALL_NAME,
    priority: 99,
    active: true,
    system: true,
    assumed: catchAll
      ? "catch-all rule not managed here: Okta's default for a new policy, allow with any one factor type"
      : "catch_all = false: the provider sets the catch-all rule to DENY",
    body: {
      conditions: {
        people: {
          usersIncluded: new Set(),
          usersExcluded: new Set(),
          groupsIncluded: new Set(),
          groupsExcluded: new Set(),
        },
        userTypesIncluded: new Set(),
        userTypesExcluded: new Set(),
        network: { connection: "ANYWHERE" },
        deviceRegistered: false,
        deviceManaged: false,
        deviceAssurances: new Set(),
        platforms: [],
        risk: "ANY",
      },
      action: {
        access: catchAll ? "ALLOW" : "DENY",
        factorMode: "1FA",
        constraints: [],
        reauthenticate: "PT2H",
        reauthenticateSeconds: 7200,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Authenticator enrollment policy

const ENROLL_SETTINGS = ["REQUIRED", "OPTIONAL", "NOT_ALLOWED"] as const;

/** Every authenticator attribute; one left out is NOT_ALLOWED (Policy API, authenticator enrollment policy settings: "default NOT_ALLOWED"). */
export function enrollmentSettings(r: Reader): Readonly<Record<string, EnrollSetting>> {
  const out: Record<string, EnrollSetting> = {};
  for (const key of Object.keys(ENROLLMENT_KEYS)) {
    const block = r.block(key);
    out[key] = block ? oneOf(block, "enroll", ENROLL_SETTINGS, "NOT_ALLOWED") : "NOT_ALLOWED";
  }
  return out;
}
