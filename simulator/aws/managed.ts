/**
 * AWS managed policies referenced by ARN. The documents shipped in `managed-policies/` are copies of
 * the default versions published by AWS (`aws iam get-policy-version`); a folder of more can be added
 * with `managedPolicyDir` or the MFA_BASELINE_AWS_MANAGED_POLICIES environment variable (files named `<PolicyName>.json`, holding the document or the
 * `get-policy-version` output). Any other AWS managed ARN is indeterminate.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { TfValue } from "../terraform/model";
import { compilePolicy, unreadablePolicy, PolicyError, type CompiledPolicy, type PolicyKind } from "./policy";

const SHIPPED_DIR = join(__dirname, "managed-policies");

/** FullAWSAccess, the SCP AWS attaches to every root, OU and account when SCPs are enabled. */
export const FULL_AWS_ACCESS_ARN = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess";
export const FULL_AWS_ACCESS: CompiledPolicy = compilePolicy(FULL_AWS_ACCESS_ARN, "scp", {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

function documentOf(json: unknown): TfValue {
  const o = json as { PolicyVersion?: { Document?: unknown } };
  return (o?.PolicyVersion?.Document ?? json) as TfValue;
}

function readDir(dir: string): Map<string, TfValue> {
  const docs = new Map<string, TfValue>();
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    throw new Error(`managed policy folder ${dir} cannot be read`);
  }
  for (const f of files) {
    if (!f.endsWith(".json")) continue;
    const text = readFileSync(join(dir, f), "utf8");
    try {
      docs.set(basename(f, ".json"), documentOf(JSON.parse(text)));
    } catch (e) {
      throw new Error(`managed policy ${join(dir, f)} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return docs;
}

let shipped: Map<string, TfValue> | undefined;

/** `arn:aws:iam::aws:policy/PowerUserAccess` or `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess` → its name. */
export function managedPolicyName(arn: string): string | undefined {
  const m = /^arn:aws[\w-]*:iam::aws:policy\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(arn);
  return m ? m[1] : undefined;
}

export class ManagedPolicies {
  private readonly docs: Map<string, TfValue>;
  private readonly compiled = new Map<string, CompiledPolicy>();
  constructor(extraDir?: string) {
    shipped ??= readDir(SHIPPED_DIR);
    this.docs = new Map(shipped);
    if (extraDir) for (const [k, v] of readDir(extraDir)) this.docs.set(k, v);
  }

  names(): string[] {
    return [...this.docs.keys()].sort();
  }

  /** The compiled document of an AWS managed policy, or an unreadable policy saying it is not known. */
  get(arn: string, kind: PolicyKind): CompiledPolicy {
    const cacheKey = `${kind} ${arn}`;
    const hit = this.compiled.get(cacheKey);
    if (hit) return hit;
    const name = managedPolicyName(arn);
    const doc = name === undefined ? undefined : this.docs.get(name);
    let policy: CompiledPolicy;
    if (doc === undefined) {
      policy = unreadablePolicy(
        arn,
        kind,
        `the AWS managed policy ${arn} is not known to the simulator; add its document (<PolicyName>.json) to a folder named by MFA_BASELINE_AWS_MANAGED_POLICIES (or the managedPolicyDir compile option)`,
      );
    } else {
      try {
        policy = compilePolicy(arn, kind, doc);
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        policy = unreadablePolicy(arn, kind, `${arn}: ${e.message}`);
      }
    }
    this.compiled.set(cacheKey, policy);
    return policy;
  }
}
