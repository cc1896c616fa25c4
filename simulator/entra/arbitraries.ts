/**
 * fast-check arbitraries over a small, closed universe of users, groups, apps, networks and methods, so that
 * random policies and random sign-ins meet often. For properties and benchmarks (devDependency only).
 */
import fc from "fast-check";
import type { TfObject, TfValue } from "../terraform/model";
import type { EntraContextInput } from "./context";
import { sym } from "./testing";

export const UNIVERSE = {
  users: ["azuread_user.u1", "azuread_user.u2", "8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a61"],
  groups: ["azuread_group.g1", "azuread_group.g2", "azuread_group.g3"],
  roles: ["62e90394-69f5-4237-9190-012177145e10", "194ae4cb-b126-40b2-bd5b-6091b380977d"],
  apps: [
    "00000002-0000-0ff1-ce00-000000000000",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    "11111111-1111-1111-1111-111111111111",
  ],
  ips: ["203.0.113.10", "198.51.100.20", "192.0.2.30", "2001:db8:100::1"],
  countries: ["GB", "KP", "US"],
} as const;

/** Named locations the generated policies refer to. */
export const NAMED_LOCATIONS: Record<string, TfObject> = {
  "azuread_named_location.office": {
    display_name: "office",
    ip: { ip_ranges: ["203.0.113.0/24", "2001:db8:100::/48"], trusted: true },
  },
  "azuread_named_location.partner": {
    display_name: "partner",
    ip: { ip_ranges: ["198.51.100.0/25"], trusted: false },
  },
  "azuread_named_location.blocked": {
    display_name: "blocked",
    country: { countries_and_regions: ["KP"], include_unknown_countries_and_regions: true },
  },
  "azuread_group.g3": { display_name: "g3", members: [sym("azuread_group.g1")] },
};

const sub = <T>(xs: readonly T[]) => fc.subarray([...xs]);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Present in about one policy in four, so that most generated policies can apply. */
const sometimes = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

const usersArb: fc.Arbitrary<TfObject> = fc
  .record({
    inc: fc.oneof(
      { weight: 4, arbitrary: fc.constant(["All"]) },
      { weight: 1, arbitrary: fc.constant(["None"]) },
      { weight: 1, arbitrary: fc.constant(["GuestsOrExternalUsers"]) },
      { weight: 2, arbitrary: sub(UNIVERSE.users) },
    ),
    incGroups: sub(UNIVERSE.groups),
    incRoles: sub(UNIVERSE.roles),
    excUsers: fc.oneof(
      { weight: 3, arbitrary: fc.constant<string[]>([]) },
      { weight: 1, arbitrary: sub<string>(UNIVERSE.users) },
    ),
    excGroups: fc.oneof(
      { weight: 3, arbitrary: fc.constant<string[]>([]) },
      { weight: 1, arbitrary: sub<string>(UNIVERSE.groups) },
    ),
  })
  .map(({ inc, incGroups, incRoles, excUsers, excGroups }) => ({
    included_users: inc.length + incGroups.length + incRoles.length === 0 ? ["None"] : inc,
    included_groups: incGroups.map((g) => sym(g)),
    included_roles: incRoles,
    excluded_users: excUsers,
    excluded_groups: excGroups.map((g) => sym(g)),
  }));

const appsArb: fc.Arbitrary<TfObject> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      included_applications: fc.oneof(
        { weight: 3, arbitrary: fc.constant(["All"]) },
        { weight: 1, arbitrary: fc.constant(["Office365"]) },
        { weight: 2, arbitrary: sub(UNIVERSE.apps) },
      ),
      excluded_applications: fc.oneof(
        { weight: 3, arbitrary: fc.constant<string[]>([]) },
        { weight: 1, arbitrary: sub<string>(UNIVERSE.apps) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ included_user_actions: fc.constant(["urn:user:registersecurityinfo"]) }),
  },
);

const locationRefs = [
  "All",
  "AllTrusted",
  ...Object.keys(NAMED_LOCATIONS).filter((k) => k.startsWith("azuread_named_location")),
];
const locRef = (r: string): TfValue => (r.startsWith("azuread_") ? sym(r, "id") : r);

const conditionsArb = fc.record({
  client_app_types: fc.oneof(
    { weight: 3, arbitrary: fc.constant(["all"]) },
    fc.subarray(["browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"], { minLength: 1 }),
  ),
  platforms: sometimes(
    fc.record({
      included_platforms: fc.oneof(
        fc.constant(["all"]),
        fc.subarray(["android", "iOS", "windows", "macOS", "linux"], { minLength: 1 }),
      ),
      excluded_platforms: fc.subarray(["android", "iOS", "windows", "macOS", "linux"]),
    }),
  ),
  locations: sometimes(
    fc.record({
      included_locations: fc.subarray(locationRefs, { minLength: 1 }).map((xs) => xs.map(locRef)),
      excluded_locations: fc.subarray(locationRefs.filter((r) => r !== "All")).map((xs) => xs.map(locRef)),
    }),
  ),
  sign_in_risk_levels: sometimes(fc.subarray(["low", "medium", "high"], { minLength: 1 })),
  user_risk_levels: sometimes(fc.subarray(["low", "medium", "high"], { minLength: 1 })),
  authentication_flow_transfer_methods: sometimes(fc.constant(["deviceCodeFlow"])),
  devices: sometimes(
    fc.constantFrom<TfObject>(
      { filter: { mode: "exclude", rule: 'device.trustType -eq "ServerAD"' } },
      { filter: { mode: "include", rule: 'device.model -ne "kiosk"' } },
    ),
  ),
});

const grantArb: fc.Arbitrary<TfObject> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ operator: "OR", built_in_controls: ["block"] }) },
  {
    weight: 4,
    arbitrary: fc.record({
      operator: fc.constantFrom("AND", "OR"),
      built_in_controls: fc.oneof(
        { weight: 2, arbitrary: fc.constant(["mfa"]) },
        {
          weight: 3,
          arbitrary: fc.subarray(["mfa", "compliantDevice", "domainJoinedDevice", "approvedApplication"], {
            minLength: 1,
          }),
        },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom("2", "3", "4").map((n) => ({
      operator: "OR",
      authentication_strength_policy_id: `/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-00000000000${n}`,
    })),
  },
);

const sessionArb = fc.record({
  sign_in_frequency: fc.integer({ min: 1, max: 24 }),
  sign_in_frequency_period: fc.constant("hours"),
  persistent_browser_mode: fc.constantFrom("always", "never"),
});

export const policyArb: fc.Arbitrary<TfObject> = fc
  .record({
    state: fc.constantFrom("enabled", "enabled", "enabled", "enabledForReportingButNotEnforced", "disabled"),
    users: usersArb,
    applications: appsArb,
    conditions: conditionsArb,
    grant: grantArb,
    session: maybe(sessionArb),
  })
  .map(({ state, users, applications, conditions, grant, session }) => {
    const cond: Record<string, TfValue> = { users, applications };
    for (const [k, v] of Object.entries(conditions)) if (v !== undefined) cond[k] = v as TfValue;
    const p: Record<string, TfValue> = {
      display_name: "generated",
      state,
      conditions: cond,
      grant_controls: grant,
    };
    if (session) p.session_controls = session;
    return p;
  });

/** A tenant of `n` generated policies plus the named locations and groups they refer to. */
export const tenantArb = (minPolicies: number, maxPolicies: number): fc.Arbitrary<Record<string, TfObject>> =>
  fc.array(policyArb, { minLength: minPolicies, maxLength: maxPolicies }).map((ps) => {
    const out: Record<string, TfObject> = { ...NAMED_LOCATIONS };
    ps.forEach((p, i) => (out[`azuread_conditional_access_policy.p${i}`] = p));
    return out;
  });

export const contextArb: fc.Arbitrary<EntraContextInput> = fc
  .record({
    id: fc.constantFrom(...UNIVERSE.users, "azuread_user.other"),
    groups: sub(UNIVERSE.groups),
    roles: sub(UNIVERSE.roles),
    type: fc.constantFrom("member", "member", "guest"),
    target: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...UNIVERSE.apps) },
      { weight: 1, arbitrary: fc.constant("urn:user:registersecurityinfo") },
    ),
    clientApp: fc.constantFrom(
      "browser",
      "browser",
      "mobileAppsAndDesktopClients",
      "mobileAppsAndDesktopClients",
      "exchangeActiveSync",
      "other",
    ),
    platform: fc.constantFrom("android", "iOS", "windows", "macOS", "linux", "unknown"),
    ip: maybe(fc.constantFrom(...UNIVERSE.ips)),
    country: maybe(fc.constantFrom(...UNIVERSE.countries)),
    signInRisk: fc.constantFrom("none", "low", "medium", "high"),
    userRisk: fc.constantFrom("none", "low", "medium", "high"),
    device: maybe(
      fc.record({
        trustType: fc.constantFrom("AzureAD", "ServerAD", "Workplace"),
        isCompliant: fc.boolean(),
        model: fc.constantFrom("kiosk", "laptop"),
      }),
    ),
    flow: maybe(fc.constant("deviceCodeFlow" as const)),
    methods: fc.oneof(
      { weight: 2, arbitrary: fc.constant<string[]>(["password"]) },
      {
        weight: 3,
        arbitrary: fc.subarray<string>(
          ["password", "sms", "microsoftAuthenticatorPush", "fido2", "windowsHelloForBusiness"],
          { minLength: 1 },
        ),
      },
    ),
    approvedApplication: fc.boolean(),
  })
  .map((c) => ({
    user: { id: c.id, groups: c.groups, roles: c.roles, type: c.type as "member" | "guest" },
    ...(c.target.startsWith("urn:")
      ? { userAction: c.target as "urn:user:registersecurityinfo" }
      : { application: c.target }),
    clientApp: c.clientApp as "browser",
    platform: c.platform as "windows",
    ip: c.ip,
    country: c.country,
    signInRisk: c.signInRisk as "none",
    userRisk: c.userRisk as "none",
    device: c.device,
    authenticationFlow: c.flow,
    satisfied: { methods: c.methods as ["password"], approvedApplication: c.approvedApplication },
  }));
