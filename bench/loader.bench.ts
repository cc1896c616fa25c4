/**
 * Loader benchmarks: the example organisation's real synth output, and a generated configuration of
 * ~5,500 resources with 2,500 policy documents in both styles cdktf emits (`${jsonencode({...})}` and
 * `data.aws_iam_policy_document` + `.json`), at 1×, 2× and 4× size to show how it scales. The
 * reference is JSON.parse of the same text.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exampleOutdir } from "./example";
import { loadSynthDir, loadTerraformJson } from "../simulator/terraform";
import type { Benchmark, BenchmarkGroup } from "./harness";

// ---- generated configuration, in the shapes cdktf synth writes ----

/** An HCL expression the way cdktf writes `Fn.jsonencode` arguments; `{ref: "a.b.arn"}` is a bare reference. */
type Hcl = string | number | boolean | { ref: string } | Hcl[] | { [k: string]: Hcl };
function hcl(v: Hcl): string {
  if (typeof v === "string") return JSON.stringify(v).split("${").join("$${");
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(hcl).join(", ")}]`;
  if ("ref" in v && typeof v.ref === "string") return v.ref;
  return `{${Object.entries(v as { [k: string]: Hcl })
    .map(([k, x]) => `${JSON.stringify(k)} = ${hcl(x)}`)
    .join(", ")}}`;
}

export function largeConfig(scale: number): string {
  const n = 500 * scale;
  const resource: Record<string, Record<string, unknown>> = {
    aws_s3_bucket: {},
    aws_iam_role: {},
    aws_iam_policy: {},
    okta_group: {},
    okta_policy_rule_signon: {},
  };
  const data: Record<string, Record<string, unknown>> = { aws_iam_policy_document: {} };
  for (let i = 0; i < n; i++) {
    resource.aws_s3_bucket[`bucket_${i}`] = {
      bucket: `example-bucket-${i}`,
      tags: { team: `team-${i % 7}` },
    };
    resource.aws_iam_role[`role_${i}`] = {
      name: `role-${i}`,
      assume_role_policy: `\${${`jsonencode(${hcl({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com` }, Condition: { StringLike: { "token.actions.githubusercontent.com:sub": [`repo:example/app-${i}:*`] } } }] })})`}}`,
    };
    resource.okta_group[`group_${i}`] = { name: `group-${i}` };
  }
  for (let i = 0; i < 2 * n; i++) {
    resource.aws_iam_policy[`inline_${i}`] = {
      name: `inline-${i}`,
      policy: `\${jsonencode(${hcl({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyWithoutMfa",
            Effect: "Deny",
            NotAction: ["iam:ChangePassword", "iam:GetUser", "sts:GetSessionToken"],
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
          },
          {
            Sid: "Bucket",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: [
              { ref: `aws_s3_bucket.bucket_${i % n}.arn` },
              `arn:aws:s3:::example-bucket-${i % n}/home/\${aws:username}/*`,
            ],
          },
        ],
      })})}`,
    };
    data.aws_iam_policy_document[`doc_${i}`] = {
      statement: [
        {
          sid: "DenyWithoutFreshMfa",
          effect: "Deny",
          actions: ["iam:Create*", "iam:Delete*", "iam:Put*", "organizations:*Policy*"],
          resources: ["*"],
          condition: [
            { test: "NumericGreaterThanIfExists", variable: "aws:MultiFactorAuthAge", values: ["300"] },
          ],
        },
        {
          sid: "Assume",
          actions: ["sts:AssumeRole"],
          resources: [`\${aws_iam_role.role_${i % n}.arn}`],
          principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }],
        },
      ],
    };
    resource.aws_iam_policy[`doc_policy_${i}`] = {
      name: `doc-${i}`,
      policy: `\${data.aws_iam_policy_document.doc_${i}.json}`,
    };
    resource.okta_policy_rule_signon[`rule_${i}`] = {
      name: `rule-${i}`,
      policy_id: `\${okta_group.group_${i % n}.id}`,
      groups_excluded: [`\${okta_group.group_${(i + 1) % n}.id}`],
      mfa_required: true,
      mfa_lifetime: 60,
    };
  }
  return JSON.stringify(
    {
      terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } },
      provider: { aws: [{}] },
      resource,
      data,
    },
    null,
    2,
  );
}

function resourceCount(text: string): number {
  const json = JSON.parse(text) as { resource?: Record<string, object>; data?: Record<string, object> };
  return [...Object.values(json.resource ?? {}), ...Object.values(json.data ?? {})].reduce(
    (s, byName) => s + Object.keys(byName).length,
    0,
  );
}

// ---- example organisation ----

/** A fresh Node process per sample: time to import the loader and load the example org's synth output. */
function coldStart(outdir: string, samples = 5): string {
  const script = `
    const t0 = performance.now();
    const { loadSynthDir } = require(${JSON.stringify(join(__dirname, "..", "simulator", "terraform"))});
    const t1 = performance.now();
    const models = loadSynthDir(${JSON.stringify(outdir)});
    const t2 = performance.now();
    process.stdout.write(JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1, total: t2, stacks: models.size }));`;
  const rows: { importMs: number; loadMs: number; total: number }[] = [];
  for (let i = 0; i < samples; i++) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" });
    if (r.status !== 0) return `Cold start could not be measured: ${r.stderr.trim().split("\n")[0]}`;
    rows.push(JSON.parse(r.stdout) as { importMs: number; loadMs: number; total: number });
  }
  const med = (k: "importMs" | "loadMs" | "total") => {
    const s = rows.map((x) => x[k]).sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)].toFixed(1);
  };
  return [
    `Cold start (fresh \`node --import tsx\` process, median of ${samples}): importing the loader ${med("importMs")} ms`,
    `(includes on-the-fly TypeScript transpilation by tsx), then the first \`loadSynthDir\` of the example`,
    `organisation (cold JIT, reads and resolves every stack) **${med("loadMs")} ms**; ${med("total")} ms from process start in all.`,
    "Target: the example organisation loads in under 50 ms after Node start-up.",
  ].join("\n");
}

const exampleDir = exampleOutdir();
const exampleFiles = ["aws-baseline", "entra-baseline", "okta-baseline"].map((s) =>
  join(exampleDir, "stacks", s, "cdk.tf.json"),
);
const exampleTexts = exampleFiles.map((f) => readFileSync(f, "utf8"));
const exampleResources = exampleTexts.reduce((s, t) => s + resourceCount(t), 0);

const sizes = [1, 2, 4].map((scale) => ({ scale, text: largeConfig(scale) }));
const large: Benchmark[] = sizes.flatMap(({ scale, text }) => {
  const size = resourceCount(text);
  const parse: Benchmark = {
    name: `JSON.parse ${scale}×`,
    fn: () => JSON.parse(text) as unknown,
    size,
    runs: 5,
    measureMemory: scale === 1,
  };
  const load: Benchmark = {
    name: `parse + load + resolve ${scale}×`,
    fn: () => loadTerraformJson(JSON.parse(text), { stack: "large" }),
    size,
    runs: 5,
    warmup: 3,
    iterations: 1,
    reference: `JSON.parse ${scale}×`,
  };
  return [parse, load];
});

export const benchmarks: BenchmarkGroup[] = [
  {
    title: "Loader: example organisation",
    description: `The three stacks of the example organisation (${exampleResources} resources and data sources), synthesized once with cdktf, read from disk, parsed and resolved.`,
    benchmarks: [
      {
        name: "JSON.parse of the three files",
        fn: () => exampleTexts.map((t) => JSON.parse(t) as unknown),
        size: exampleResources,
      },
      {
        name: "loadSynthDir (read + parse + resolve)",
        fn: () => loadSynthDir(exampleDir),
        size: exampleResources,
        reference: "JSON.parse of the three files",
      },
    ],
    notes: () => coldStart(exampleDir),
  },
  {
    title: "Loader: generated large configuration",
    description:
      "Per 1× size: 5,500 resources and data sources: 2,000 `aws_iam_policy` (1,000 with `${jsonencode({...})}` holding a bucket reference, 1,000 with `${data.aws_iam_policy_document.X.json}`), " +
      "1,000 `aws_iam_policy_document` data sources rendered as the provider would, 500 roles with a jsonencoded trust policy, 500 buckets, 500 Okta groups and 1,000 sign-on rules with references; " +
      "2,500 policy documents per 1× in all. Linear scaling shows as a roughly constant time per resource (`per unit of size`) across 1×, 2×, 4×; the machine is shared, so single rows can be noisy.",
    benchmarks: large,
  },
];
