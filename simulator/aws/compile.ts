/**
 * Compiles the resolved Terraform model into the AWS model: which policies reach which principal
 * (inline, attached, through groups), trust policies, boundaries, SCPs and their targets, bucket
 * policies. Anything unreadable becomes an unreadable policy (or a model problem) naming the
 * resource address and attribute, so evaluations that depend on it are indeterminate.
 */
import {
  TfSymbol,
  TfTemplate,
  formatLocation,
  type TerraformModel,
  type TfResource,
  type TfValue,
} from "../terraform/model";
import { IndeterminateError, Reader } from "../terraform/read";
import { ManagedPolicies } from "./managed";
import type {
  AwsBucketPolicy,
  AwsGroup,
  AwsModel,
  AwsOidcProvider,
  AwsRole,
  AwsScp,
  AwsUser,
  DerivedBinding,
} from "./model";
import {
  compilePolicy,
  documentValue,
  PolicyError,
  unreadablePolicy,
  type CompiledPolicy,
  type PolicyKind,
  type PolicyText,
} from "./policy";

export interface CompileAwsOptions {
  /** A folder of AWS managed policy documents (`<PolicyName>.json`) beyond those shipped. */
  readonly managedPolicyDir?: string;
}

function problemOf(e: unknown): string {
  if (e instanceof IndeterminateError || e instanceof PolicyError) return e.message;
  throw e;
}

class Compiler {
  readonly problems: string[] = [];
  readonly managed: ManagedPolicies;
  private readonly customer = new Map<string, CompiledPolicy>();
  private readonly customerByName = new Map<string, string>();

  constructor(
    readonly tf: TerraformModel,
    options: CompileAwsOptions,
  ) {
    this.managed = new ManagedPolicies(options.managedPolicyDir);
    for (const r of tf.resourcesOfType("aws_iam_policy")) {
      const name = this.literalName(r, "name");
      if (name) this.customerByName.set(name, r.address);
    }
  }

  literalName(r: TfResource, key: string): string | undefined {
    const v = r.values[key];
    return typeof v === "string" ? v : undefined;
  }

  path(r: TfResource): string {
    const v = r.values.path;
    return typeof v === "string" ? v : "/";
  }

  /** Parses and compiles the policy document in attribute `key` of a resource. */
  document(r: TfResource, key: string, kind: PolicyKind, id = r.address): CompiledPolicy {
    const reader = Reader.of(r);
    const location = reader.at(key);
    try {
      const raw = reader.raw(key);
      if (raw === undefined)
        return unreadablePolicy(id, kind, `${formatLocation(location)}: no policy document`, location);
      return compilePolicy(id, kind, documentValue(raw, location), location);
    } catch (e) {
      return unreadablePolicy(id, kind, problemOf(e), location);
    }
  }

  customerPolicy(address: string, kind: PolicyKind): CompiledPolicy {
    const cacheKey = `${kind} ${address}`;
    let p = this.customer.get(cacheKey);
    if (!p) {
      const r = this.tf.resources.get(address);
      p = r
        ? this.document(r, "policy", kind)
        : unreadablePolicy(
            address,
            kind,
            `${this.tf.stack}: ${address} is referenced but not in the configuration`,
          );
      this.customer.set(cacheKey, p);
    }
    return p;
  }

  /** A policy ARN (attachment, boundary, managed_policy_arns): a symbol of an aws_iam_policy, an AWS managed ARN, or a customer ARN by name. */
  policyByArn(v: TfValue | undefined, where: string, kind: PolicyKind): CompiledPolicy {
    if (v instanceof TfSymbol && v.address.startsWith("aws_iam_policy."))
      return this.customerPolicy(v.address, kind);
    if (typeof v === "string") {
      if (/^arn:aws[\w-]*:iam::aws:policy\//.test(v)) return this.managed.get(v, kind);
      const m = /^arn:aws[\w-]*:iam::\d{12}:policy\/(?:.*\/)?([\w+=,.@-]+)$/.exec(v);
      const address = m ? this.customerByName.get(m[1]) : undefined;
      if (address) return this.customerPolicy(address, kind);
      return unreadablePolicy(
        v,
        kind,
        `${where}: the policy ${v} is neither an AWS managed policy nor a policy of this configuration`,
      );
    }
    return unreadablePolicy(
      String(v),
      kind,
      `${where}: cannot tell which policy ${v === undefined ? "(missing)" : String(v)} is`,
    );
  }

  /** A reference to a user/group/role: a symbol of that type, or a literal name. */
  principalRef(v: TfValue | undefined, type: string, where: string): string | undefined {
    if (v instanceof TfSymbol && v.address.startsWith(`${type}.`)) return v.address;
    if (typeof v === "string") {
      const hit = this.tf.resourcesOfType(type).find((r) => r.values.name === v);
      if (hit) return hit.address;
      this.problems.push(`${where}: ${type} named "${v}" is not in the configuration`);
      return undefined;
    }
    this.problems.push(`${where}: cannot tell which ${type} ${v === undefined ? "(missing)" : String(v)} is`);
    return undefined;
  }

  tags(r: TfResource): Record<string, string> {
    const out: Record<string, string> = {};
    const t = r.values.tags;
    if (
      t &&
      typeof t === "object" &&
      !Array.isArray(t) &&
      !(t instanceof TfSymbol) &&
      !(t instanceof TfTemplate)
    ) {
      for (const [k, v] of Object.entries(t as Record<string, TfValue>))
        if (typeof v === "string") out[k] = v;
    }
    return out;
  }
}

const where = (r: TfResource, attr: string) => `${formatLocation(r.location)} ${attr}`;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function compileAws(tf: TerraformModel, options: CompileAwsOptions = {}): AwsModel {
  const c = new Compiler(tf, options);
  const policiesOf = new Map<string, CompiledPolicy[]>();
  const groupsOfUser = new Map<string, string[]>();

  // Inline policies: aws_iam_user_policy / aws_iam_group_policy / aws_iam_role_policy.
  for (const [type, attr] of [
    ["aws_iam_user_policy", "user"],
    ["aws_iam_group_policy", "group"],
    ["aws_iam_role_policy", "role"],
  ] as const) {
    const target = `aws_iam_${attr}`;
    for (const r of tf.resourcesOfType(type)) {
      const owner = c.principalRef(r.values[attr], target, where(r, attr));
      if (owner) push(policiesOf, owner, c.document(r, "policy", "identity"));
    }
  }

  // Attachments: aws_iam_{user,group,role}_policy_attachment and the exclusive aws_iam_policy_attachment.
  for (const [type, attr] of [
    ["aws_iam_user_policy_attachment", "user"],
    ["aws_iam_group_policy_attachment", "group"],
    ["aws_iam_role_policy_attachment", "role"],
  ] as const) {
    for (const r of tf.resourcesOfType(type)) {
      const owner = c.principalRef(r.values[attr], `aws_iam_${attr}`, where(r, attr));
      if (owner)
        push(policiesOf, owner, c.policyByArn(r.values.policy_arn, where(r, "policy_arn"), "identity"));
    }
  }
  for (const r of tf.resourcesOfType("aws_iam_policy_attachment")) {
    const reader = Reader.of(r);
    for (const attr of ["users", "groups", "roles"] as const) {
      let list: readonly TfValue[] = [];
      try {
        const raw = reader.raw(attr);
        list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
      } catch (e) {
        c.problems.push(problemOf(e));
      }
      list.forEach((v, i) => {
        const owner = c.principalRef(v, `aws_iam_${attr.slice(0, -1)}`, where(r, `${attr}[${i}]`));
        if (owner)
          push(policiesOf, owner, c.policyByArn(r.values.policy_arn, where(r, "policy_arn"), "identity"));
      });
    }
  }

  // Group membership.
  for (const r of tf.resourcesOfType("aws_iam_user_group_membership")) {
    const user = c.principalRef(r.values.user, "aws_iam_user", where(r, "user"));
    const groups = Array.isArray(r.values.groups) ? (r.values.groups as readonly TfValue[]) : [];
    groups.forEach((g, i) => {
      const group = c.principalRef(g, "aws_iam_group", where(r, `groups[${i}]`));
      if (user && group) push(groupsOfUser, user, group);
    });
  }
  for (const r of tf.resourcesOfType("aws_iam_group_membership")) {
    const group = c.principalRef(r.values.group, "aws_iam_group", where(r, "group"));
    const users = Array.isArray(r.values.users) ? (r.values.users as readonly TfValue[]) : [];
    users.forEach((u, i) => {
      const user = c.principalRef(u, "aws_iam_user", where(r, `users[${i}]`));
      if (user && group) push(groupsOfUser, user, group);
    });
  }

  const boundary = (r: TfResource): CompiledPolicy | undefined => {
    const v = r.values.permissions_boundary;
    if (v === undefined || v === null || v === "") return undefined;
    return c.policyByArn(v, where(r, "permissions_boundary"), "boundary");
  };

  const users = new Map<string, AwsUser>();
  for (const r of tf.resourcesOfType("aws_iam_user")) {
    users.set(r.address, {
      address: r.address,
      name: c.literalName(r, "name"),
      path: c.path(r),
      policies: policiesOf.get(r.address) ?? [],
      groups: [...new Set(groupsOfUser.get(r.address) ?? [])],
      boundary: boundary(r),
      tags: c.tags(r),
    });
  }

  const groups = new Map<string, AwsGroup>();
  for (const r of tf.resourcesOfType("aws_iam_group")) {
    groups.set(r.address, {
      address: r.address,
      name: c.literalName(r, "name"),
      path: c.path(r),
      policies: policiesOf.get(r.address) ?? [],
    });
  }

  const roles = new Map<string, AwsRole>();
  for (const r of tf.resourcesOfType("aws_iam_role")) {
    const policies = [...(policiesOf.get(r.address) ?? [])];
    const reader = Reader.of(r);
    try {
      reader.blocks("inline_policy").forEach((b, i) => {
        const name = b.string("name") ?? String(i);
        const id = `${r.address}#inline:${name}`;
        try {
          policies.push(
            compilePolicy(id, "identity", documentValue(b.raw("policy"), b.at("policy")), b.at("policy")),
          );
        } catch (e) {
          policies.push(unreadablePolicy(id, "identity", problemOf(e), b.at("policy")));
        }
      });
    } catch (e) {
      policies.push(unreadablePolicy(`${r.address}#inline_policy`, "identity", problemOf(e)));
    }
    const arns = r.values.managed_policy_arns;
    if (Array.isArray(arns))
      (arns as readonly TfValue[]).forEach((a, i) =>
        policies.push(c.policyByArn(a, where(r, `managed_policy_arns[${i}]`), "identity")),
      );
    roles.set(r.address, {
      address: r.address,
      name: c.literalName(r, "name"),
      path: c.path(r),
      policies,
      trust: c.document(r, "assume_role_policy", "trust", `${r.address}#trust`),
      boundary: boundary(r),
      tags: c.tags(r),
      maxSessionDuration:
        typeof r.values.max_session_duration === "number" ? r.values.max_session_duration : undefined,
    });
  }

  const oidcProviders = new Map<string, AwsOidcProvider>();
  for (const r of tf.resourcesOfType("aws_iam_openid_connect_provider")) {
    const url = r.values.url;
    oidcProviders.set(r.address, {
      address: r.address,
      host: typeof url === "string" ? url.replace(/^https:\/\//, "") : undefined,
    });
  }

  // SCPs and their attachments. Other Organizations policy types (tag, backup, RCP, ...) are not SCPs.
  const scpByAddress = new Map<string, CompiledPolicy>();
  for (const r of tf.resourcesOfType("aws_organizations_policy")) {
    const type = r.values.type;
    if (type !== undefined && type !== null && type !== "SERVICE_CONTROL_POLICY") continue;
    scpByAddress.set(r.address, c.document(r, "content", "scp"));
  }
  const targetsOf = new Map<string, string[]>();
  for (const r of tf.resourcesOfType("aws_organizations_policy_attachment")) {
    const policyId = r.values.policy_id;
    const target = r.values.target_id;
    const policyAddress = policyId instanceof TfSymbol ? policyId.address : undefined;
    if (!policyAddress || !scpByAddress.has(policyAddress)) {
      if (policyAddress?.startsWith("aws_organizations_policy.")) continue; // a non-SCP policy type
      c.problems.push(`${where(r, "policy_id")}: cannot tell which SCP ${String(policyId)} is`);
      continue;
    }
    if (typeof target === "string") push(targetsOf, policyAddress, target);
    else if (target instanceof TfSymbol)
      push(
        targetsOf,
        policyAddress,
        target.key.startsWith(`${target.address}.roots`) ? `${target.address}.roots` : target.address,
      );
    else
      c.problems.push(`${where(r, "target_id")}: cannot tell which root, OU or account ${String(target)} is`);
  }
  const scps: AwsScp[] = [...scpByAddress].map(([address, policy]) => ({
    policy,
    targets: targetsOf.get(address) ?? [],
  }));

  const bucketPolicies: AwsBucketPolicy[] = [];
  for (const r of tf.resourcesOfType("aws_s3_bucket_policy")) {
    const b = r.values.bucket;
    if (typeof b !== "string" && !(b instanceof TfSymbol) && !(b instanceof TfTemplate)) {
      c.problems.push(`${where(r, "bucket")}: cannot tell which bucket`);
      continue;
    }
    bucketPolicies.push({
      address: r.address,
      bucket: b as PolicyText,
      policy: c.document(r, "policy", "resource"),
    });
  }

  return {
    stack: tf.stack,
    users,
    groups,
    roles,
    oidcProviders,
    scps,
    bucketPolicies,
    derivedBindings: derive(tf),
    problems: c.problems,
  };
}

/** ARNs and names that follow from literal attributes once the account is known. */
function derive(tf: TerraformModel): DerivedBinding[] {
  const out: DerivedBinding[] = [];
  const add = (key: string, template: string) => out.push({ key, template });
  for (const [type, kind] of [
    ["aws_iam_user", "user"],
    ["aws_iam_role", "role"],
    ["aws_iam_group", "group"],
    ["aws_iam_policy", "policy"],
  ] as const) {
    for (const r of tf.resourcesOfType(type)) {
      const name = r.values.name;
      if (typeof name !== "string") continue;
      const path = typeof r.values.path === "string" ? r.values.path : "/";
      const arn = `arn:{partition}:iam::{account}:${kind}${path}${name}`;
      add(`${r.address}.arn`, arn);
      add(`${r.address}.name`, name);
      add(`${r.address}.id`, kind === "policy" ? arn : name);
    }
  }
  for (const r of tf.resourcesOfType("aws_s3_bucket")) {
    const bucket = r.values.bucket;
    if (typeof bucket !== "string") continue;
    add(`${r.address}.id`, bucket);
    add(`${r.address}.bucket`, bucket);
    add(`${r.address}.arn`, `arn:{partition}:s3:::${bucket}`);
  }
  for (const r of tf.resourcesOfType("aws_iam_openid_connect_provider")) {
    const url = r.values.url;
    if (typeof url !== "string") continue;
    const arn = `arn:{partition}:iam::{account}:oidc-provider/${url.replace(/^https:\/\//, "")}`;
    add(`${r.address}.arn`, arn);
    add(`${r.address}.id`, arn);
  }
  for (const r of tf.dataSourcesOfType("aws_caller_identity")) {
    add(`${r.address}.account_id`, "{account}");
    add(`${r.address}.id`, "{account}");
  }
  for (const r of tf.dataSourcesOfType("aws_partition")) add(`${r.address}.partition`, "{partition}");
  return out;
}
