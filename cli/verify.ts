/** `mfa-baseline verify`: every invariant over the whole finite context space of each provider. */
import { loadBaselineSpec } from "../modules/spec-file";
import { verifyOrganisation, type StackVerification } from "../simulator/verify/organisation";
import { defaultStacks, loadModels, type SourceOptions } from "./models";
import { styleFor } from "./style";
import type { TextStyle } from "../simulator/scenarios/report";
import { CROSS_PROVIDER_RULES } from "../simulator/invariants/cross-provider";

export function verifyCommand(opts: SourceOptions): number {
  const spec = loadBaselineSpec(opts.spec ?? process.env.MFA_BASELINE_SPEC);
  const verifications = runVerification(opts, spec);
  process.stdout.write(`${renderVerification(verifications, styleFor(process.stdout))}\n`);
  return verificationFailed(verifications) ? 1 : 0;
}

export function runVerification(
  opts: SourceOptions,
  spec = loadBaselineSpec(opts.spec ?? process.env.MFA_BASELINE_SPEC),
): StackVerification[] {
  const models = loadModels(opts);
  const tty = process.stderr.isTTY === true;
  return verifyOrganisation(models, spec, defaultStacks(opts.defaultStack), (provider, done, total) => {
    if (tty)
      process.stderr.write(
        `\r${provider}: ${done.toLocaleString()}/${total.toLocaleString()} contexts\u001b[K`,
      );
  }).map((v) => {
    if (tty) process.stderr.write("\r\u001b[K");
    return v;
  });
}

export function verificationFailed(vs: readonly StackVerification[]): boolean {
  return vs.some((v) => v.results.some((r) => r.status !== "proved"));
}

export function renderVerification(vs: readonly StackVerification[], style: TextStyle): string {
  const lines: string[] = [];
  for (const v of vs) {
    lines.push(
      `${v.provider} (${v.stack}): ${v.spaceSize.toLocaleString("en")} contexts checked exhaustively in ${(v.milliseconds / 1000).toFixed(2)} s`,
    );
    for (const r of v.results) {
      const mark =
        r.status === "proved" ? style.pass("  ✓ proved ") : style.fail(`  ✗ ${r.status.padEnd(7)}`);
      lines.push(
        `${mark} ${r.id}: ${r.title} ${style.dim(`(${r.checked.toLocaleString("en")} applicable contexts)`)}`,
      );
      for (const c of r.counterexamples) {
        lines.push(
          `      counterexample: ${c.message}`,
          "      as a scenario case:",
          ...c.scenario
            .trimEnd()
            .split("\n")
            .map((l) => `        ${l}`),
        );
      }
    }
  }
  const crossProvider = CROSS_PROVIDER_RULES.map((rule) => {
    const parts = vs.map((v) => {
      const r = v.results.find((x) => x.id === rule.invariants[v.provider]);
      return `${v.provider} ${r ? r.status : "missing"}`;
    });
    const proved = vs.length > 0 && parts.every((p) => p.endsWith(" proved"));
    return `${proved ? style.pass("  ✓") : style.fail("  ✗")} ${rule.title} ${style.dim(`(${parts.join(", ")})`)}`;
  });
  if (vs.length > 1) lines.push("Cross-provider rules:", ...crossProvider);
  const all = vs.flatMap((v) => v.results);
  const proved = all.filter((r) => r.status === "proved").length;
  lines.push(`${proved} proved, ${all.length - proved} failed`);
  return lines.join("\n");
}
