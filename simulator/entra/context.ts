/**
 * The Entra sign-in context: who signs in to what, from where, on which device, at what risk, and what
 * the sign-in has already satisfied. Strict (unknown keys are errors, enums are closed) because scenario
 * files embed it. Defaults follow Graph `signInConditions` where it has them (risks `none`, no flow) and
 * otherwise describe the plainest sign-in: a member user, in a browser on Windows, with a password only.
 */
import { z } from "zod";
import {
  APPLICATION_SUITES,
  AUTHENTICATION_METHODS,
  CLIENT_APP_TYPES,
  DEVICE_PLATFORMS,
  GUEST_KINDS,
  INSIDER_RISK_LEVELS,
  RISK_LEVELS,
  SERVICE_PRINCIPAL_RISK_LEVELS,
  TRANSFER_METHODS,
  USER_ACTIONS,
} from "./vocabulary";

const id = z.string().min(1, { message: "must be a Terraform address (azuread_user.alice) or an object ID" });

const user = z.strictObject({
  /** Terraform address (`azuread_user.alice`) or literal object ID. */
  id,
  /** Groups the user is a direct member of, by address or ID; nesting declared in the model is followed. */
  groups: z.array(id).default([]),
  /** Active built-in directory role assignments, by role template ID. */
  roles: z.array(id).default([]),
  type: z.enum(["member", "guest"]).default("member"),
  /** The external-user kind; a `guest` without one is a B2B collaboration guest. */
  guestKind: z.enum(GUEST_KINDS).optional(),
  /** The external user's home tenant ID. */
  homeTenant: z.string().min(1).optional(),
});

const servicePrincipal = z.strictObject({
  id,
  /** Only single-tenant service principals registered in the tenant are subject to Conditional Access. */
  kind: z.enum(["singleTenant", "multiTenant", "managedIdentity"]).default("singleTenant"),
  risk: z.enum(SERVICE_PRINCIPAL_RISK_LEVELS).default("none"),
});

const device = z.strictObject({
  /** Registered in Entra ID (joined, hybrid joined or registered). Unregistered devices have no properties. */
  registered: z.boolean().default(true),
  trustType: z.enum(["AzureAD", "ServerAD", "Workplace"]).optional(),
  isCompliant: z.boolean().default(false),
  /** Managed by Intune: makes extensionAttribute1-15 visible to device filters. */
  intuneManaged: z.boolean().default(false),
  deviceId: z.string().optional(),
  displayName: z.string().optional(),
  deviceOwnership: z.enum(["Personal", "Company"]).optional(),
  enrollmentProfileName: z.string().optional(),
  manufacturer: z.string().optional(),
  mdmAppId: z.string().optional(),
  model: z.string().optional(),
  operatingSystem: z.string().optional(),
  operatingSystemVersion: z.string().optional(),
  physicalIds: z.array(z.string()).optional(),
  profileType: z.string().optional(),
  systemLabels: z.array(z.string()).optional(),
  /** extensionAttribute1 … extensionAttribute15 by number. */
  extensionAttributes: z
    .record(z.string().regex(/^([1-9]|1[0-5])$/, { message: "must be 1 to 15" }), z.string())
    .default({}),
});

const satisfied = z.strictObject({
  /** Authentication methods used in this sign-in (`password`, `fido2`, `windowsHelloForBusiness`, `microsoftAuthenticatorPush`, `sms`, ...). */
  methods: z.array(z.enum(AUTHENTICATION_METHODS)).default(["password"]),
  /** Defaults to the device's `isCompliant`; giving both with different values is an error. */
  compliantDevice: z.boolean().optional(),
  /** Defaults to the device's `trustType === "ServerAD"`. */
  hybridJoinedDevice: z.boolean().optional(),
  approvedApplication: z.boolean().default(false),
  /** App protection policy (`compliantApplication`). */
  compliantApplication: z.boolean().default(false),
  passwordChanged: z.boolean().default(false),
  /** Terms of use agreements already accepted, by address or ID. */
  termsOfUse: z.array(id).default([]),
  /** Custom authentication factors already completed, by ID. */
  customFactors: z.array(id).default([]),
});

export const entraContextSchema = z
  .strictObject({
    user: user.optional(),
    /** A workload identity sign-in instead of a user. */
    servicePrincipal: servicePrincipal.optional(),
    /** The resource signed in to: app ID or Terraform address. Exactly one of `application` and `userAction`. */
    application: id.optional(),
    /** Suites the application belongs to beyond the app IDs this simulator knows. */
    applicationSuites: z.array(z.enum(APPLICATION_SUITES)).default([]),
    userAction: z.enum(USER_ACTIONS).optional(),
    clientApp: z.enum(CLIENT_APP_TYPES).default("browser"),
    /** `unknown` stands for any platform Entra does not recognise (e.g. ChromeOS). */
    platform: z.enum([...DEVICE_PLATFORMS, "unknown"]).default("windows"),
    /** Public egress IP (v4 or v6). Without one the sign-in is in no IP named location. */
    ip: z
      .string()
      .refine((s) => /^[0-9.]+$/.test(s) || s.includes(":"), { message: "must be an IPv4 or IPv6 address" })
      .optional(),
    /** ISO 3166-1 alpha-2 country of the IP; absent means it does not map to a country. */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: "must be an ISO 3166-1 alpha-2 code such as GB" })
      .optional(),
    /** Country from Authenticator GPS, for country locations using that lookup method. */
    gpsCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: "must be an ISO 3166-1 alpha-2 code such as GB" })
      .optional(),
    signInRisk: z.enum(RISK_LEVELS).default("none"),
    userRisk: z.enum(RISK_LEVELS).default("none"),
    insiderRisk: z.enum(INSIDER_RISK_LEVELS).default("none"),
    device: device.optional(),
    /** The transfer method this session is tracked with: the flow itself, or any later sign-in in a session that used it (protocol tracking). */
    authenticationFlow: z.enum(TRANSFER_METHODS).optional(),
    satisfied: satisfied.default({
      methods: ["password"],
      approvedApplication: false,
      compliantApplication: false,
      passwordChanged: false,
      termsOfUse: [],
      customFactors: [],
    }),
  })
  .superRefine((c, ctx) => {
    if ((c.user === undefined) === (c.servicePrincipal === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of user and servicePrincipal", path: [] });
    }
    if ((c.application === undefined) === (c.userAction === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of application and userAction", path: [] });
    }
    if (c.servicePrincipal && c.userAction) {
      ctx.addIssue({
        code: "custom",
        message: "a service principal cannot perform a user action",
        path: ["userAction"],
      });
    }
    const dev = c.device;
    if (dev && !dev.registered && (dev.trustType || dev.isCompliant)) {
      ctx.addIssue({
        code: "custom",
        message: "an unregistered device has no trustType and is not compliant",
        path: ["device"],
      });
    }
    if (c.satisfied.compliantDevice !== undefined && dev && c.satisfied.compliantDevice !== dev.isCompliant) {
      ctx.addIssue({
        code: "custom",
        message: "contradicts device.isCompliant",
        path: ["satisfied", "compliantDevice"],
      });
    }
    if (
      c.satisfied.hybridJoinedDevice !== undefined &&
      dev &&
      c.satisfied.hybridJoinedDevice !== (dev.trustType === "ServerAD")
    ) {
      ctx.addIssue({
        code: "custom",
        message: "contradicts device.trustType",
        path: ["satisfied", "hybridJoinedDevice"],
      });
    }
    if (
      c.user?.guestKind &&
      c.user.type === "member" &&
      c.user.guestKind !== "b2bCollaborationMember" &&
      c.user.guestKind !== "b2bDirectConnectUser" &&
      c.user.guestKind !== "otherExternalUser" &&
      c.user.guestKind !== "serviceProvider"
    ) {
      ctx.addIssue({
        code: "custom",
        message: `a ${c.user.guestKind} has user type guest`,
        path: ["user", "type"],
      });
    }
  });

/** What a scenario writes (defaults may be left out). */
export type EntraContextInput = z.input<typeof entraContextSchema>;
/** A validated context with every default filled in; what `evaluateEntra` takes. */
export type EntraContext = z.output<typeof entraContextSchema>;

/** Validates and completes a context; throws a ZodError listing every problem. */
export function parseEntraContext(input: unknown): EntraContext {
  return entraContextSchema.parse(input);
}
