/**
 * Okta evaluator throughput: evaluations per second on the example organisation and on a generated org
 * with 20 policies and 100 rules (10 global session policies and 10 authentication policies, 5 rules
 * each, 16 zones). Target: at most 20 µs per evaluation on the generated org. Reported next to a
 * reference measured in the same run, so the ratio, not the absolute time, compares across machines.
 *
 * Run alone: `npx tsx bench/okta.bench.ts`.
 */
import { STACK_NAMES } from "../stacks";
import { exampleStack } from "./example";
import {
  compileOkta,
  evaluateOkta,
  parseOktaContext,
  type OktaContext,
  type OktaModel,
} from "../simulator/okta";
import { loadTerraformJson } from "../simulator/terraform";
import { markdownSection, runBenchmark, type BenchmarkGroup } from "./harness";

const ref = (address: string) => `\${${address}.id}`;
const RISKS = ["LOW", "MEDIUM", "HIGH"] as const;

/** A deterministic pseudo-random sequence, so every run measures the same contexts. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export function generatedOrg(): OktaModel {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {
    okta_group: {},
    okta_network_zone: {},
    okta_behavior: {
      nc: { name: "New country", type: "ANOMALOUS_LOCATION", location_granularity_type: "COUNTRY" },
    },
    okta_policy_signon: {},
    okta_policy_rule_signon: {},
    okta_app_signon_policy: {},
    okta_app_signon_policy_rule: {},
    okta_app_oauth: {},
    okta_threat_insight_settings: {
      ti: { action: "block", network_excludes: [ref("okta_network_zone.z0")] },
    },
  };
  for (let g = 0; g < 10; g++) resource.okta_group[`g${g}`] = { name: `Group ${g}` };
  for (let z = 0; z < 10; z++)
    resource.okta_network_zone[`z${z}`] = {
      name: `Zone ${z}`,
      type: "IP",
      gateways: [`10.${z}.0.0/16`, `172.16.${z}.0/24`],
      proxies: [`192.168.${z}.0/24`],
    };
  for (let z = 10; z < 15; z++)
    resource.okta_network_zone[`z${z}`] = {
      name: `Zone ${z}`,
      type: "DYNAMIC",
      dynamic_locations: [["RU", "CN", "BR", "IN", "NG"][z - 10]],
    };
  resource.okta_network_zone.block = {
    name: "Blocked",
    type: "DYNAMIC",
    usage: "BLOCKLIST",
    dynamic_locations: ["KP"],
  };
  for (let p = 0; p < 10; p++) {
    resource.okta_policy_signon[`p${p}`] = {
      name: `GSP ${p}`,
      priority: p + 1,
      groups_included: [ref(`okta_group.g${p}`)],
    };
    for (let r = 0; r < 5; r++) {
      resource.okta_policy_rule_signon[`p${p}r${r}`] = {
        policy_id: ref(`okta_policy_signon.p${p}`),
        name: `rule ${r}`,
        priority: r + 1,
        users_excluded: ["00u1breakglass0000x1"],
        network_connection: r === 4 ? "ANYWHERE" : "ZONE",
        ...(r === 4 ? {} : { network_includes: [ref(`okta_network_zone.z${(p + r) % 15}`)] }),
        risk_level: r === 0 ? "HIGH" : "ANY",
        ...(r === 1 ? { behaviors: [ref("okta_behavior.nc")] } : {}),
        access: r === 0 ? "DENY" : "ALLOW",
        ...(r === 0
          ? {}
          : {
              mfa_required: r !== 3,
              mfa_prompt: "SESSION",
              mfa_lifetime: 60,
              primary_factor: "PASSWORD_IDP",
            }),
      };
    }
    resource.okta_app_signon_policy[`a${p}`] = { name: `App policy ${p}`, description: "generated" };
    resource.okta_app_oauth[`app${p}`] = {
      label: `App ${p}`,
      type: "web",
      authentication_policy: ref(`okta_app_signon_policy.a${p}`),
    };
    for (let r = 0; r < 5; r++) {
      resource.okta_app_signon_policy_rule[`a${p}r${r}`] = {
        policy_id: ref(`okta_app_signon_policy.a${p}`),
        name: `rule ${r}`,
        priority: r,
        groups_included: [ref(`okta_group.g${(p + r) % 10}`)],
        groups_excluded: [ref(`okta_group.g${(p + r + 5) % 10}`)],
        network_connection: "ZONE",
        [r % 2 ? "network_excludes" : "network_includes"]: [ref(`okta_network_zone.z${(p * 3 + r) % 15}`)],
        device_is_registered: r === 2,
        ...(r === 3 ? { platform_include: [{ type: "DESKTOP", os_type: "MACOS" }] } : {}),
        risk_score: r === 0 ? "HIGH" : "ANY",
        access: r === 0 ? "DENY" : "ALLOW",
        factor_mode: r === 4 ? "1FA" : "2FA",
        ...(r === 1
          ? { constraints: [JSON.stringify({ possession: { phishingResistant: "REQUIRED" } })] }
          : {}),
        re_authentication_frequency: r === 2 ? "PT0S" : "PT4H",
      };
    }
  }
  return compileOkta(loadTerraformJson({ resource }, { stack: "okta-generated" }));
}

export function generatedContexts(
  n: number,
  apps: readonly string[],
  groups: readonly string[],
  seed = 42,
): OktaContext[] {
  const rnd = lcg(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  return Array.from({ length: n }, (_, i) =>
    parseOktaContext({
      user: {
        id: i % 50 === 0 ? "00u1breakglass0000x1" : `okta_user.u${i}`,
        groups: groups.filter(() => rnd() < 0.2),
      },
      app: pick(apps),
      ip: pick(["10.3.1.1", "172.16.7.9", "198.51.100.3", "203.0.113.20", "192.0.2.44"]),
      forwardedFor: rnd() < 0.2 ? ["10.1.2.3"] : [],
      country: pick(["GB", "US", "RU", "CN", "KP", "DE"]),
      risk: pick(RISKS),
      behaviors: rnd() < 0.2 ? ["new-country"] : [],
      threatSuspected: rnd() < 0.05,
      device: { registered: rnd() < 0.5, os: pick(["WINDOWS", "MACOS"] as const) },
      authenticators: pick([
        [{ authenticator: "password" as const }],
        [
          { authenticator: "password" as const },
          { authenticator: "okta_verify_push" as const, ageSeconds: 600 },
        ],
        [{ authenticator: "okta_verify_fastpass" as const, userVerified: true }],
      ]),
    }),
  );
}

function exampleOrgModel(): OktaModel {
  return compileOkta(exampleStack(STACK_NAMES.okta));
}

const EXAMPLE_APPS = ["0oa1awsconsole00000x", "0oa1slack0000000000x", "0oa1github000000000x"];
const CONTEXTS = 512;

let example: { model: OktaModel; contexts: OktaContext[] } | undefined;
let generated: { model: OktaModel; contexts: OktaContext[] } | undefined;

function exampleWorkload(): { model: OktaModel; contexts: OktaContext[] } {
  if (!example) {
    const model = exampleOrgModel();
    const groups = model.globalSession.flat().flatMap((p) => (p.groups instanceof Set ? [...p.groups] : []));
    example = { model, contexts: generatedContexts(CONTEXTS, EXAMPLE_APPS, groups) };
  }
  return example;
}

function generatedWorkload(): { model: OktaModel; contexts: OktaContext[] } {
  if (!generated) {
    const apps = Array.from({ length: 10 }, (_, i) => `okta_app_oauth.app${i}`);
    const groups = Array.from({ length: 10 }, (_, i) => `okta_group.g${i}`);
    generated = { model: generatedOrg(), contexts: generatedContexts(CONTEXTS, apps, groups) };
  }
  return generated;
}

/** One call = one evaluation, cycling through the workload's contexts. */
function evaluations(workload: () => { model: OktaModel; contexts: OktaContext[] }): () => () => unknown {
  return () => {
    const { model, contexts } = workload();
    let i = 0;
    return () => evaluateOkta(model, contexts[i++ % CONTEXTS]).verdict;
  };
}

function outcomes(w: { model: OktaModel; contexts: OktaContext[] }): string {
  const count: Record<string, number> = {};
  for (const c of w.contexts) {
    const o = evaluateOkta(w.model, c).verdict.outcome;
    count[o] = (count[o] ?? 0) + 1;
  }
  return Object.entries(count)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

const REFERENCE = "reference: JSON round-trip of one context";

export const benchmarks: BenchmarkGroup = {
  title: "Okta evaluator",
  description:
    "One call is one evaluation of a pre-parsed sign-in context (512 deterministic contexts, cycled). Target: at most 20 µs per evaluation on the generated org. The reference, measured in the same run, is `JSON.parse(JSON.stringify(context))` of the same contexts.",
  benchmarks: [
    {
      name: REFERENCE,
      setup: () => {
        const { contexts } = generatedWorkload();
        let i = 0;
        return () => JSON.parse(JSON.stringify(contexts[i++ % CONTEXTS])) as unknown;
      },
      measureMemory: false,
      warmup: 20_000,
      iterations: 20_000,
    },
    {
      name: "example org",
      setup: evaluations(exampleWorkload),
      reference: REFERENCE,
      measureMemory: false,
      warmup: 20_000,
      iterations: 20_000,
    },
    {
      name: "generated org: 20 policies, 100 rules, 16 zones",
      setup: evaluations(generatedWorkload),
      reference: REFERENCE,
      measureMemory: false,
      warmup: 20_000,
      iterations: 20_000,
    },
  ],
  notes: () =>
    `Outcomes of the 512 contexts: example org ${outcomes(exampleWorkload())}; generated org ${outcomes(generatedWorkload())}.`,
};

if (require.main === module) {
  const results = benchmarks.benchmarks.map(runBenchmark);
  console.log(markdownSection(benchmarks, results));
}
