import "cdktf/lib/testing/adapters/jest";
import { AuthenticationStrengthPolicy } from "@cdktf/provider-azuread/lib/authentication-strength-policy";
import { ConditionalAccessPolicy } from "@cdktf/provider-azuread/lib/conditional-access-policy";
import { Group } from "@cdktf/provider-azuread/lib/group";
import { NamedLocation } from "@cdktf/provider-azuread/lib/named-location";
import { TerraformStack, Testing } from "cdktf";
import fc from "fast-check";
import { DEFAULT_ENTRA_ADMIN_ROLE_TEMPLATE_IDS, ENTRA_POLICY_KEYS, parseBaselineSpec } from "../spec";
import { BUILT_IN_MFA_STRENGTH_ID } from "./authentication-strengths";
import { EntraMfaBaseline } from "./baseline";
import { ALL_GUEST_TYPES } from "./policies";
import { policyKeyOf } from "./policy-keys";
import { exampleEntra, exampleSpec, synthBaseline, type Json } from "./test-helpers";

const BREAK_GLASS = ["8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a61", "8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a62"];
const CA = "https://learn.microsoft.com/entra/identity/conditional-access/"; // CA/ in the comments below
const strengthRef = expect.stringMatching(/^\$\{azuread_authentication_strength_policy\.[^.]+\.id\}$/);

describe("EntraMfaBaseline for the example organisation", () => {
  const built = synthBaseline(exampleSpec());
  const policy = (title: string): Json => {
    const p = built.policies[title];
    if (!p) throw new Error(`no policy "${title}"; have: ${Object.keys(built.policies).join(", ")}`);
    return p;
  };

  it("creates one trusted IP named location per trusted network", () => {
    expect(built.json).toHaveResourceWithProperties(NamedLocation, {
      display_name: "Example Corp trusted: London office",
      ip: { ip_ranges: ["203.0.113.0/24"], trusted: true },
    });
    expect(built.json).toHaveResourceWithProperties(NamedLocation, {
      display_name: "Example Corp trusted: Corporate VPN",
      ip: { ip_ranges: ["198.51.100.0/25", "2001:db8:100::/48"], trusted: true },
    });
  });

  it("creates one country named location for the blocked countries, without unknown countries", () => {
    // Unknown-country IPs count as inside the location only when include_unknown_countries_and_regions is set (CA/concept-assignment-network).
    expect(built.json).toHaveResourceWithProperties(NamedLocation, {
      display_name: "Example Corp blocked countries",
      country: {
        countries_and_regions: ["KP", "IR", "SY", "CU"],
        include_unknown_countries_and_regions: false,
        country_lookup_method: "clientIpAddress",
      },
    });
    expect(Object.keys(built.resources("azuread_named_location"))).toHaveLength(3);
  });

  it("creates the persona groups as security groups", () => {
    expect(built.json).toHaveResourceWithProperties(Group, {
      display_name: "Example Corp Employees",
      security_enabled: true,
    });
    expect(built.json).toHaveResourceWithProperties(Group, {
      display_name: "Example Corp Contractors",
      security_enabled: true,
    });
  });

  it("creates a custom phishing-resistant strength with exactly the built-in's three combinations", () => {
    // AUTH: learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths (combination table).
    expect(built.json).toHaveResourceWithProperties(AuthenticationStrengthPolicy, {
      allowed_combinations: ["fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor"],
    });
  });

  it("requires MFA (built-in strength) of all users", () => {
    expect(policy("MFA for all users")).toMatchObject({
      conditions: {
        users: { included_users: ["All"] },
        applications: { included_applications: ["All"] },
        client_app_types: ["all"],
      },
      grant_controls: { operator: "OR", authentication_strength_policy_id: BUILT_IN_MFA_STRENGTH_ID },
    });
  });

  it("requires the phishing-resistant strength of the administrator directory roles", () => {
    expect(policy("Phishing-resistant MFA for administrators")).toMatchObject({
      conditions: {
        users: { included_roles: [...DEFAULT_ENTRA_ADMIN_ROLE_TEMPLATE_IDS] },
        applications: { included_applications: ["All"] },
      },
      grant_controls: { operator: "OR", authentication_strength_policy_id: strengthRef },
    });
    expect(policy("Phishing-resistant MFA for administrators").conditions).not.toHaveProperty(
      "users.included_users",
    );
  });

  it("blocks the legacy client app types", () => {
    // Legacy clients are exchangeActiveSync and other (CA/concept-conditional-access-conditions).
    expect(built.json).toHaveResourceWithProperties(ConditionalAccessPolicy, {
      display_name: "Example Corp: Block legacy authentication",
      state: "enabled",
      conditions: {
        client_app_types: ["exchangeActiveSync", "other"],
        applications: { included_applications: ["All"] },
        users: { included_users: ["All"], excluded_users: BREAK_GLASS },
      },
      grant_controls: { operator: "OR", built_in_controls: ["block"] },
    });
    expect(policy("Block legacy authentication")).toMatchObject({
      conditions: { client_app_types: ["exchangeActiveSync", "other"], users: { included_users: ["All"] } },
      grant_controls: { built_in_controls: ["block"] },
    });
  });

  it("requires MFA for medium and high sign-in risk and blocks high in a separate policy", () => {
    // Risk levels are exact sets, and block in any applying policy wins (CA/howto-conditional-access-policy-risk, CA/concept-conditional-access-policies).
    expect(policy("MFA for medium and high sign-in risk")).toMatchObject({
      conditions: { sign_in_risk_levels: ["medium", "high"], users: { included_users: ["All"] } },
      grant_controls: { operator: "OR", built_in_controls: ["mfa"] },
      session_controls: { sign_in_frequency_interval: "everyTime" },
    });
    expect(policy("Block high sign-in risk")).toMatchObject({
      conditions: { sign_in_risk_levels: ["high"] },
      grant_controls: { built_in_controls: ["block"] },
    });
  });

  it("requires a password change with MFA (AND) for high user risk, every time", () => {
    // passwordChange must be accompanied by mfa with AND (CA/concept-conditional-access-grant).
    expect(policy("Secure password change for high user risk")).toMatchObject({
      conditions: { user_risk_levels: ["high"], applications: { included_applications: ["All"] } },
      grant_controls: { operator: "AND", built_in_controls: ["mfa", "passwordChange"] },
      session_controls: {
        sign_in_frequency_interval: "everyTime",
        sign_in_frequency_authentication_type: "primaryAndSecondaryAuthentication",
      },
    });
  });

  it("requires MFA for the Azure management application", () => {
    expect(policy("MFA for Azure management")).toMatchObject({
      conditions: {
        applications: { included_applications: ["797f4846-ba00-4fd7-ba43-dac1f8f63013"] },
        users: { included_users: ["All"] },
      },
      grant_controls: { built_in_controls: ["mfa"] },
    });
  });

  it("requires MFA of every guest type from any tenant and of the contractors group", () => {
    expect(policy("MFA for guests and contractors")).toMatchObject({
      conditions: {
        users: {
          included_groups: [expect.stringMatching(/^\$\{azuread_group\.[^.]*contractors[^.]*\.object_id\}$/)],
          included_guests_or_external_users: [
            {
              guest_or_external_user_types: [...ALL_GUEST_TYPES],
              external_tenants: [{ membership_kind: "all" }],
            },
          ],
        },
      },
      grant_controls: { authentication_strength_policy_id: BUILT_IN_MFA_STRENGTH_ID },
    });
  });

  it("requires MFA to register security info from outside trusted locations, guests excluded", () => {
    // CA/howto-conditional-access-policy-registration: All users, exclude guests, any location except AllTrusted.
    expect(policy("Security info registration from trusted networks or with MFA")).toMatchObject({
      conditions: {
        applications: { included_user_actions: ["urn:user:registersecurityinfo"] },
        locations: { included_locations: ["All"], excluded_locations: ["AllTrusted"] },
        users: {
          included_users: ["All"],
          excluded_guests_or_external_users: [{ guest_or_external_user_types: [...ALL_GUEST_TYPES] }],
        },
      },
      grant_controls: { built_in_controls: ["mfa"] },
    });
  });

  it("blocks the device code flow", () => {
    expect(policy("Block device code flow")).toMatchObject({
      conditions: {
        authentication_flow_transfer_methods: ["deviceCodeFlow"],
        users: { included_users: ["All"] },
      },
      grant_controls: { built_in_controls: ["block"] },
    });
  });

  it("gives administrators a sign-in frequency in hours from the spec and no persistent browser", () => {
    expect(policy("Administrator sign-in frequency, no persistent browser")).toMatchObject({
      conditions: {
        users: { included_roles: [...DEFAULT_ENTRA_ADMIN_ROLE_TEMPLATE_IDS] },
        applications: { included_applications: ["All"] },
      },
      session_controls: {
        sign_in_frequency: 4,
        sign_in_frequency_period: "hours",
        persistent_browser_mode: "never",
      },
    });
    expect(policy("Administrator sign-in frequency, no persistent browser")).not.toHaveProperty(
      "grant_controls",
    );
  });

  it("blocks every platform except the known ones", () => {
    // Unknown platforms only match "all"; Microsoft recommends include any, exclude the supported ones, block (CA/concept-conditional-access-conditions).
    expect(policy("Block unknown device platforms")).toMatchObject({
      conditions: {
        platforms: {
          included_platforms: ["all"],
          excluded_platforms: ["android", "iOS", "windows", "macOS", "linux"],
        },
      },
      grant_controls: { built_in_controls: ["block"] },
    });
  });

  it("blocks sign-in from the blocked-countries location", () => {
    expect(policy("Block sign-in from blocked countries")).toMatchObject({
      conditions: {
        locations: {
          included_locations: [
            expect.stringMatching(/^\$\{azuread_named_location\.[^.]*blocked-countries[^.]*\.id\}$/),
          ],
        },
        users: { included_users: ["All"] },
      },
      grant_controls: { built_in_controls: ["block"] },
    });
  });

  it("excludes every break-glass account from every policy", () => {
    // "Exclusions are commonly used for emergency access or break-glass accounts" (CA/concept-conditional-access-users-groups).
    const policies = Object.entries(built.policies);
    expect(policies).toHaveLength(13);
    for (const [title, p] of policies) {
      expect({ title, excluded: (p.conditions as Json).users }).toMatchObject({
        title,
        excluded: { excluded_users: BREAK_GLASS },
      });
    }
  });

  it("takes each policy's state from its rollout: enforce is enabled, report-only is enabledForReportingButNotEnforced", () => {
    // States: CA/concept-conditional-access-report-only.
    expect(policy("MFA for all users").state).toBe("enabled");
    expect(policy("Block device code flow").state).toBe("enabledForReportingButNotEnforced");
    expect(policy("Block unknown device platforms").state).toBe("enabledForReportingButNotEnforced");
    expect(policy("Block sign-in from blocked countries").state).toBe("enabled");
  });
});

describe("EntraMfaBaseline options", () => {
  it("refuses a spec without an entra section, saying what to add", () => {
    const spec = exampleSpec((i) => ({ ...i, entra: undefined }));
    expect(() => Testing.synthScope((stack) => new EntraMfaBaseline(stack, "b", spec))).toThrow(
      /spec for Example Corp has no "entra" section; add entra\.breakGlassUserIds and entra\.groups/,
    );
  });

  it("only requires MFA for high sign-in risk when the spec does not block it", () => {
    const built = synthBaseline(
      exampleSpec((i) => ({ ...i, risk: { signIn: { medium: "mfa", high: "mfa" } } })),
    );
    expect(built.policies["MFA for medium and high sign-in risk"]).toBeDefined();
    expect(built.policies["Block high sign-in risk"]).toBeUndefined();
  });

  it("leaves out the unknown-platform block unless asked and the country block when no country is blocked", () => {
    const built = synthBaseline(
      exampleSpec((i) => ({
        ...i,
        networks: { ...i.networks, blockedCountries: [] },
        entra: { ...exampleEntra(i), blockUnknownPlatforms: false },
      })),
    );
    expect(built.policies["Block unknown device platforms"]).toBeUndefined();
    expect(built.policies["Block sign-in from blocked countries"]).toBeUndefined();
    expect(built.json).not.toHaveResourceWithProperties(NamedLocation, { country: expect.anything() });
  });

  it("uses the built-in MFA strength for any-mfa administrators and creates no custom strength", () => {
    const built = synthBaseline(
      exampleSpec((i) => ({ ...i, tiers: { ...i.tiers, administrators: { mfa: "any-mfa" } } })),
    );
    expect(built.policies["MFA for administrators"]).toMatchObject({
      grant_controls: { authentication_strength_policy_id: BUILT_IN_MFA_STRENGTH_ID },
    });
    expect(built.json).not.toHaveResource(AuthenticationStrengthPolicy);
  });

  it("uses the phishing-resistant strength for all users when employees need it", () => {
    const built = synthBaseline(
      exampleSpec((i) => ({ ...i, tiers: { ...i.tiers, employees: { mfa: "phishing-resistant" } } })),
    );
    expect(built.policies["MFA for all users"]).toMatchObject({
      grant_controls: { authentication_strength_policy_id: strengthRef },
    });
    expect(Object.keys(built.resources("azuread_authentication_strength_policy"))).toHaveLength(1);
  });

  it("references existing groups by object ID instead of creating them", () => {
    const contractors = "3c5d7e9f-0000-4000-8000-00000000c0de";
    const built = synthBaseline(
      exampleSpec((i) => ({
        ...i,
        entra: {
          ...exampleEntra(i),
          groups: {
            employees: { objectId: "3c5d7e9f-0000-4000-8000-00000000e111" },
            contractors: { objectId: contractors },
          },
        },
      })),
    );
    expect(built.json).not.toHaveResource(Group);
    expect(built.policies["MFA for guests and contractors"]).toMatchObject({
      conditions: { users: { included_groups: [contractors] } },
    });
  });

  it("uses the spec's admin roles, Azure management app and admin sign-in frequency", () => {
    const role = "62e90394-69f5-4237-9190-012177145e10";
    const app = "11111111-2222-4333-8444-555555555555";
    const built = synthBaseline(
      exampleSpec((i) => ({
        ...i,
        sessions: { ...i.sessions, adminSignInFrequencyHours: 9 },
        entra: { ...exampleEntra(i), adminRoleTemplateIds: [role], azureManagementAppId: app },
      })),
    );
    expect(built.policies["Phishing-resistant MFA for administrators"]).toMatchObject({
      conditions: { users: { included_roles: [role] } },
    });
    expect(built.policies["Administrator sign-in frequency, no persistent browser"]).toMatchObject({
      conditions: { users: { included_roles: [role] } },
      session_controls: { sign_in_frequency: 9 },
    });
    expect(built.policies["MFA for Azure management"]).toMatchObject({
      conditions: { applications: { included_applications: [app] } },
    });
  });

  it("creates the security-info-registration policy disabled while report-only, with a warning", () => {
    // "Report-only mode isn't applicable for Conditional Access policies with User Actions scope" (CA/concept-conditional-access-report-only).
    const spec = exampleSpec((i) => ({ ...i, rollout: { policies: {} } }));
    const stack = new TerraformStack(Testing.app(), "s");
    const baseline = new EntraMfaBaseline(stack, "b", spec);
    const synthesized = JSON.parse(Testing.synth(stack)).resource.azuread_conditional_access_policy as Record<
      string,
      Json
    >;
    const registration = baseline.policies.get("security-info-registration");
    const stateOf = (id: string) => synthesized[baseline.policies.get(id)?.friendlyUniqueId ?? ""]?.state;
    expect(stateOf("security-info-registration")).toBe("disabled");
    expect(stateOf("mfa-all-users")).toBe("enabledForReportingButNotEnforced");
    const warnings = registration?.node.metadata
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringMatching(/Entra does not evaluate policies that target user actions in report-only mode/),
    ]);
    expect(warnings?.[0]).toContain(`${CA}concept-conditional-access-report-only`);
  });

  it("refuses two trusted network names that would share a resource name", () => {
    const spec = exampleSpec((i) => ({
      ...i,
      networks: {
        ...i.networks,
        trusted: [
          { name: "HQ office", cidrs: ["203.0.113.0/24"] },
          { name: "hq-office", cidrs: ["198.51.100.0/25"] },
        ],
      },
    }));
    expect(() => synthBaseline(spec)).toThrow(
      /networks\.trusted: "HQ office" and "hq-office" both become the resource name "hq-office"/,
    );
  });
});

describe("EntraMfaBaseline over generated specs", () => {
  const guid = fc.uuid({ version: 4 });
  const rollout = fc.constantFrom(
    { mode: "report-only" as const },
    { mode: "enforce" as const, reportOnlyCompleted: "2026-01-01" },
    { mode: "enforce" as const, acknowledgeNoReportOnly: "emergency" },
  );
  const variant = fc.record({
    breakGlass: fc.uniqueArray(guid, { minLength: 1, maxLength: 3 }),
    rollouts: fc.dictionary(fc.constantFrom(...ENTRA_POLICY_KEYS), rollout),
    high: fc.constantFrom("block" as const, "mfa" as const),
    blockUnknownPlatforms: fc.boolean(),
    countries: fc.subarray(["KP", "IR", "RU"]),
    admins: fc.constantFrom("phishing-resistant" as const, "any-mfa" as const),
  });

  it("every policy excludes every break-glass account and follows its rollout", () => {
    fc.assert(
      fc.property(variant, (v) => {
        const spec = parseBaselineSpec({
          ...exampleSpec(),
          tiers: { ...exampleSpec().tiers, administrators: { mfa: v.admins } },
          networks: { ...exampleSpec().networks, blockedCountries: v.countries },
          risk: { signIn: { medium: "mfa", high: v.high }, user: { high: "password-change" } },
          rollout: { policies: v.rollouts },
          entra: {
            ...exampleSpec().entra,
            breakGlassUserIds: v.breakGlass,
            blockUnknownPlatforms: v.blockUnknownPlatforms,
          },
        });
        const stack = new TerraformStack(Testing.app(), "s");
        const baseline = new EntraMfaBaseline(stack, "b", spec);
        const synthesized = JSON.parse(Testing.synth(stack)).resource
          .azuread_conditional_access_policy as Record<string, Json>;
        expect(Object.keys(synthesized)).toHaveLength(baseline.policies.size);
        for (const [id, construct] of baseline.policies) {
          const p = synthesized[construct.friendlyUniqueId];
          expect(((p.conditions as Json).users as Json).excluded_users).toEqual(
            expect.arrayContaining(v.breakGlass),
          );
          const key = policyKeyOf(construct);
          const mode = key && v.rollouts[key]?.mode;
          const expected =
            mode === "enforce"
              ? "enabled"
              : key === "security-info-registration"
                ? "disabled"
                : "enabledForReportingButNotEnforced";
          expect({ id, key, state: p.state }).toEqual({ id, key: expect.any(String), state: expected });
        }
        expect(baseline.policies.has("block-countries")).toBe(v.countries.length > 0);
        expect(baseline.policies.has("block-unknown-platforms")).toBe(v.blockUnknownPlatforms);
        expect(baseline.policies.has("sign-in-risk-high-block")).toBe(v.high === "block");
      }),
      { numRuns: 60 },
    );
  });
});
