/**
 * The Okta sign-in context: who signs in, to what, from where, with which device, risk and behaviours,
 * and which authenticators this session has already used (and how long ago). Strict: unknown keys and
 * values outside the closed enums are errors. Objects are named by Terraform address
 * (`okta_group.admins`) or, for objects outside the configuration, by literal Okta ID.
 */
import { z } from "zod";
import { AUTHENTICATORS } from "./authenticators";

export const OKTA_RISK_LEVELS = ["LOW", "MEDIUM", "HIGH"] as const;
export type OktaRiskLevel = (typeof OKTA_RISK_LEVELS)[number];

/** Behaviour kinds, matching built-in and custom `okta_behavior` definitions of that kind. */
export const OKTA_BEHAVIOR_KINDS = [
  "new-city",
  "new-state",
  "new-country",
  "new-geo-location",
  "new-device",
  "new-ip",
  "velocity",
] as const;
export type OktaBehaviorKind = (typeof OKTA_BEHAVIOR_KINDS)[number];

/** Built-in apps that have their own authentication policy in every org. */
export const OKTA_ADMIN_CONSOLE = "okta-admin-console";
export const OKTA_DASHBOARD = "okta-dashboard";

export const OKTA_ENTRY_POINTS = ["web", "radius", "ldap-interface"] as const;
export const OKTA_PLATFORMS = ["DESKTOP", "MOBILE"] as const;
export const OKTA_OS = ["WINDOWS", "MACOS", "CHROMEOS", "IOS", "ANDROID", "OTHER"] as const;
/** What kind of anonymising service the client IP belongs to (Okta's IP type / IP service category). */
export const OKTA_ANONYMIZERS = ["none", "tor", "anonymizing-proxy"] as const;

const key = z.string().min(1, { message: "must not be empty" });
const ip = z.union([z.ipv4(), z.ipv6()], { message: "must be an IPv4 or IPv6 address" });

const authenticatorUse = z.strictObject({
  authenticator: z.enum(AUTHENTICATORS),
  /** Seconds since it was used in this session; 0 means during this sign-in attempt. */
  ageSeconds: z.number().int().min(0).default(0),
  /** The authenticator verified the user (biometric or PIN), which adds the inherence factor type where supported. */
  userVerified: z.boolean().default(false),
  /** Overrides the catalogue's hardware-protection property (e.g. Okta Verify keys kept in software). */
  hardwareProtected: z.boolean().optional(),
});

const device = z.strictObject({
  /** Registered in Okta Verify. */
  registered: z.boolean().default(false),
  /** Managed by device management (implies registered). */
  managed: z.boolean().default(false),
  platform: z.enum(OKTA_PLATFORMS).default("DESKTOP"),
  os: z.enum(OKTA_OS).default("WINDOWS"),
  /** Device assurance policies the device satisfies, by address or ID. */
  assurancePolicies: z.array(key).default([]),
  /** The browser carries a device cookie from an earlier MFA (global session policy prompt mode DEVICE). */
  mfaRemembered: z.boolean().default(false),
});

export const oktaContextSchema = z.strictObject({
  user: z.strictObject({
    id: key,
    /** Every group the user belongs to (Everyone is implied). */
    groups: z.array(key).default([]),
    /** User type by address or ID; the org's default type when omitted. */
    type: key.optional(),
  }),
  /** Target app by address or ID, or `okta-admin-console` / `okta-dashboard`; without it only the global session policy is judged. */
  app: key.optional(),
  /** Whether the user is assigned to the app; derived from the configuration's assignments when omitted. */
  appAssigned: z.boolean().optional(),
  /** The IP connecting to Okta. Without it the request is in no IP zone. */
  ip: ip.optional(),
  /** X-Forwarded-For, in header order (original client first); `ip` is appended as the rightmost hop. */
  forwardedFor: z.array(ip).default([]),
  /** Client location (ISO 3166-1 alpha-2, and ISO 3166-2 subdivision such as `US-CA`). */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: "must be an ISO 3166-1 alpha-2 code in capitals, e.g. GB" })
    .optional(),
  region: z
    .string()
    .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: "must be an ISO 3166-2 code such as US-CA" })
    .optional(),
  asn: z.number().int().min(0).optional(),
  anonymizer: z.enum(OKTA_ANONYMIZERS).default("none"),
  /** Further IP service categories of the client IP (enhanced dynamic zones), e.g. `ALL_PROXIES_VPNS`. */
  ipServiceCategories: z
    .array(z.string().regex(/^[A-Z0-9_]+$/, { message: "must be an Okta IP service category" }))
    .default([]),
  /** Membership in zones not defined in this configuration, by ID or address. */
  zones: z.record(key, z.boolean()).default({}),
  /** Okta ThreatInsight rates the client IP as suspicious. */
  threatSuspected: z.boolean().default(false),
  risk: z.enum(OKTA_RISK_LEVELS).default("LOW"),
  /** Detected behaviours: `okta_behavior` address or ID, behaviour name (`New Country`) or kind (`new-country`). */
  behaviors: z.array(key).default([]),
  device: device.prefault({}),
  /** Authenticators used in this session; by default a password entered during this attempt. */
  authenticators: z
    .array(authenticatorUse)
    .default([{ authenticator: "password", ageSeconds: 0, userVerified: false }]),
  entryPoint: z.enum(OKTA_ENTRY_POINTS).default("web"),
  /** `OKTA`, or the identity provider (address or ID) that authenticated the user. */
  identityProvider: key.default("OKTA"),
});

export type OktaContextInput = z.input<typeof oktaContextSchema>;
export type OktaContext = z.output<typeof oktaContextSchema>;
export type OktaAuthenticatorUse = OktaContext["authenticators"][number];

export class OktaContextError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Okta sign-in context:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "OktaContextError";
  }
}

/** Validates a context and fills its defaults, or throws listing every problem with its path. */
export function parseOktaContext(input: unknown): OktaContext {
  const result = oktaContextSchema.safeParse(input);
  if (result.success) return result.data;
  throw new OktaContextError(
    result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(context)"}: ${i.message}`),
  );
}
