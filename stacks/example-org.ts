/**
 * "Example Corp": the embedded example organisation. Realistic shape, fictitious identifiers
 * (documentation IP ranges, made-up GUIDs and account IDs). Copy this file to describe your own.
 */
import type { BaselineSpecInput } from "../modules/spec";

export const exampleOrg: BaselineSpecInput = {
  organisation: "Example Corp",
  tiers: {
    administrators: { mfa: "phishing-resistant" },
    employees: { mfa: "any-mfa" },
    contractors: { mfa: "any-mfa" },
    ci: { mfa: "compensating-controls" },
  },
  networks: {
    trusted: [
      { name: "London office", cidrs: ["203.0.113.0/24"] },
      { name: "Corporate VPN", cidrs: ["198.51.100.0/25", "2001:db8:100::/48"] },
    ],
    blockedCountries: ["KP", "IR", "SY", "CU"],
    anonymisers: "block",
  },
  risk: {
    signIn: { medium: "mfa", high: "block" },
    user: { high: "password-change" },
  },
  sessions: {
    freshMfaSeconds: 300,
    cliSessionHours: 12,
    adminRoleSessionHours: 1,
    adminSignInFrequencyHours: 4,
    userSessionHours: 12,
    deviceTrustDays: 30,
  },
  rollout: {
    policies: {
      "mfa-all-users": { mode: "enforce", reportOnlyCompleted: "2026-09-15" },
      "admins-phishing-resistant": { mode: "enforce", reportOnlyCompleted: "2026-09-15" },
      "block-legacy-auth": { mode: "enforce", reportOnlyCompleted: "2026-08-01" },
      "sign-in-risk": { mode: "enforce", reportOnlyCompleted: "2026-10-01" },
      "user-risk": { mode: "enforce", reportOnlyCompleted: "2026-10-01" },
      "mfa-azure-management": { mode: "enforce", reportOnlyCompleted: "2026-09-15" },
      "mfa-guests": { mode: "enforce", reportOnlyCompleted: "2026-09-15" },
      "security-info-registration": { mode: "enforce", reportOnlyCompleted: "2026-10-20" },
      "block-device-code-flow": { mode: "report-only" },
      "admin-session": { mode: "enforce", reportOnlyCompleted: "2026-10-20" },
      "block-unknown-platforms": { mode: "report-only" },
      "block-countries": { mode: "enforce", reportOnlyCompleted: "2026-08-01" },
    },
  },
  aws: {
    region: "eu-west-1",
    accountId: "111122223333",
    groups: { administrators: "Administrators", employees: "Engineers", contractors: "Contractors" },
    breakGlassUsers: ["breakglass-1", "breakglass-2"],
    adminRole: { name: "OrganizationAdmin" },
    organization: {
      managementAccountId: "999988887777",
      scpTargets: ["r-ex12"],
      delegatedPolicyAdministrator: true,
    },
    stateBucket: { name: "example-corp-terraform-state" },
    ci: {
      repository: "example-corp/infrastructure",
      branches: ["main"],
      environments: ["production"],
      roleName: "github-actions-deploy",
      sourceIpCidrs: [],
      managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"],
    },
    passwordPolicy: { minimumLength: 14, reusePrevention: 24, maxAgeDays: 0 },
    cloudTrailLogGroup: "aws-cloudtrail-logs-example-corp",
    alarmTopicName: "mfa-baseline-alerts",
  },
  entra: {
    breakGlassUserIds: ["8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a61", "8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a62"],
    groups: {
      employees: { create: { displayName: "Example Corp Employees" } },
      contractors: { create: { displayName: "Example Corp Contractors" } },
    },
    blockUnknownPlatforms: true,
  },
  okta: {
    breakGlassUserIds: ["00u1breakglass0000x1", "00u1breakglass0000x2"],
    groups: {
      administrators: { create: { name: "Example Corp Administrators" } },
      employees: { create: { name: "Example Corp Employees" } },
      contractors: { create: { name: "Example Corp Contractors" } },
    },
    adminApps: ["0oa1awsconsole00000x"],
    generalApps: ["0oa1slack0000000000x", "0oa1github000000000x"],
    threatInsight: "block",
  },
};
