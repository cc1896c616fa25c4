/**
 * Organisation rules stated once for all three providers: each names the invariant that carries it on
 * each provider, so `verify` can report the rule as a whole (proved only when proved everywhere).
 */
import type { Provider } from "../providers";

export interface CrossProviderRule {
  readonly id: string;
  readonly title: string;
  /** The invariant id carrying the rule on each provider. */
  readonly invariants: Readonly<Record<Provider, string>>;
}

export const CROSS_PROVIDER_RULES: readonly CrossProviderRule[] = [
  {
    id: "break-glass-never-locked-out",
    title: "Break-glass accounts are never locked out",
    invariants: {
      aws: "aws-break-glass-never-blocked",
      entra: "entra-break-glass-never-blocked",
      okta: "okta-break-glass-never-blocked",
    },
  },
  {
    id: "admin-untrusted-network-phishing-resistant",
    title:
      "An administrator signing in from an anonymiser or an untrusted network is never allowed without phishing-resistant MFA (on AWS: without fresh MFA, the strongest signal IAM has)",
    invariants: {
      aws: "aws-admin-never-without-fresh-mfa",
      entra: "entra-admin-untrusted-network-phishing-resistant",
      okta: "okta-admin-untrusted-network-phishing-resistant",
    },
  },
  {
    id: "no-access-without-mfa",
    title:
      "No person but break-glass reaches anything without MFA (on AWS: beyond enrolling their MFA device)",
    invariants: {
      aws: "aws-humans-need-mfa",
      entra: "entra-apps-need-mfa",
      okta: "okta-apps-need-two-factors",
    },
  },
  {
    id: "declaration-order-irrelevant",
    title: "Outcomes never depend on the order policies are declared in",
    invariants: {
      aws: "aws-declaration-order-irrelevant",
      entra: "entra-order-independent",
      okta: "okta-order-independent",
    },
  },
  {
    id: "exclusion-never-stricter",
    title: "Adding an exclusion never makes an outcome stricter",
    invariants: {
      aws: "aws-exclusion-never-stricter",
      entra: "entra-exclusion-never-stricter",
      okta: "okta-exclusion-never-stricter",
    },
  },
];
