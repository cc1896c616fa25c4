/**
 * The compiled AWS model: every IAM principal of the configuration with the policies that reach it,
 * role trust policies, permissions boundaries, SCPs with their targets and resource policies. Built
 * once by `compileAws`, immutable, read by `evaluateAws`.
 */
import type { PolicyText, CompiledPolicy } from "./policy";

export interface AwsUser {
  readonly address: string;
  /** Literal name; undefined when Terraform computes it. */
  readonly name: string | undefined;
  readonly path: string;
  /** Inline and attached policies of the user itself. */
  readonly policies: readonly CompiledPolicy[];
  /** Addresses of groups the configuration puts the user in. */
  readonly groups: readonly string[];
  readonly boundary: CompiledPolicy | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

export interface AwsGroup {
  readonly address: string;
  readonly name: string | undefined;
  readonly path: string;
  readonly policies: readonly CompiledPolicy[];
}

export interface AwsRole {
  readonly address: string;
  readonly name: string | undefined;
  readonly path: string;
  readonly policies: readonly CompiledPolicy[];
  readonly trust: CompiledPolicy;
  readonly boundary: CompiledPolicy | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly maxSessionDuration: number | undefined;
}

export interface AwsOidcProvider {
  readonly address: string;
  /** Host and path of the issuer without scheme, e.g. `token.actions.githubusercontent.com`. */
  readonly host: string | undefined;
}

export interface AwsScp {
  readonly policy: CompiledPolicy;
  /** Attachment targets: literal IDs (`r-…`, `ou-…`, account IDs) or the address of a Terraform root/OU/account. */
  readonly targets: readonly string[];
}

export interface AwsBucketPolicy {
  readonly address: string;
  /** The bucket name (literal or symbol). */
  readonly bucket: PolicyText;
  readonly policy: CompiledPolicy;
}

/** A value Terraform computes that the model can derive once the account is known (ARNs, names). */
export interface DerivedBinding {
  readonly key: string;
  /** `{account}` and `{partition}` are substituted per request. */
  readonly template: string;
}

export interface AwsModel {
  readonly stack: string;
  readonly users: ReadonlyMap<string, AwsUser>;
  readonly groups: ReadonlyMap<string, AwsGroup>;
  readonly roles: ReadonlyMap<string, AwsRole>;
  readonly oidcProviders: ReadonlyMap<string, AwsOidcProvider>;
  readonly scps: readonly AwsScp[];
  readonly bucketPolicies: readonly AwsBucketPolicy[];
  readonly derivedBindings: readonly DerivedBinding[];
  /** Problems that concern the configuration as a whole (unreadable resources), each with its location. */
  readonly problems: readonly string[];
}
