/** Renders scenario results for people (grouped by file), machines (JSON) and CI systems (JUnit XML). */
import type { CaseResult } from "./run";
import { formatFailure } from "./run";

export interface Summary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
}

export function summarise(results: readonly CaseResult[]): Summary {
  const failed = results.filter((r) => r.status === "fail").length;
  return { total: results.length, passed: results.length - failed, failed };
}

function byFile(results: readonly CaseResult[]): Map<string, CaseResult[]> {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) groups.set(r.case.file, [...(groups.get(r.case.file) ?? []), r]);
  return groups;
}

export interface TextStyle {
  readonly pass: (s: string) => string;
  readonly fail: (s: string) => string;
  readonly dim: (s: string) => string;
}

export const PLAIN: TextStyle = { pass: (s) => s, fail: (s) => s, dim: (s) => s };

export function renderText(results: readonly CaseResult[], style: TextStyle = PLAIN): string {
  const out: string[] = [];
  for (const [file, rs] of byFile(results)) {
    out.push(`${file} — ${rs[0].case.concern}`);
    for (const r of rs) {
      const mark = r.status === "pass" ? style.pass("  ✓") : style.fail("  ✗");
      out.push(
        `${mark} ${r.case.name} ${style.dim(`(${r.case.provider}: ${r.facts?.verdict.outcome ?? "not evaluated"})`)}`,
      );
    }
  }
  const failures = results.filter((r) => r.status === "fail");
  if (failures.length > 0) {
    out.push("", style.fail(`Failures (${failures.length}):`), "");
    for (const r of failures) out.push(formatFailure(r), "");
  }
  const s = summarise(results);
  out.push(`${s.passed} passed, ${s.failed} failed`);
  return out.join("\n");
}

export function renderJson(results: readonly CaseResult[]): string {
  return JSON.stringify(
    {
      summary: summarise(results),
      cases: results.map((r) => ({
        file: r.case.file,
        line: r.case.position.line,
        name: r.case.name,
        provider: r.case.provider,
        stack: r.stack,
        status: r.status,
        expected: r.case.expect,
        actual: r.facts && {
          outcome: r.facts.verdict.outcome,
          requires: r.facts.verdict.requires ?? [],
          summary: r.facts.verdict.summary,
          decidedBy: r.facts.decidedBy,
          reportOnly: r.facts.reportOnly,
          session: r.facts.session,
        },
        failures: r.failures,
      })),
    },
    null,
    2,
  );
}

const xml = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string,
  );

export function renderJunit(results: readonly CaseResult[]): string {
  const s = summarise(results);
  const suites = [...byFile(results)].map(([file, rs]) => {
    const failed = rs.filter((r) => r.status === "fail").length;
    const cases = rs.map((r) => {
      const open = `    <testcase classname="${xml(file)}" name="${xml(r.case.name)}" file="${xml(file)}" line="${r.case.position.line}"`;
      return r.status === "pass"
        ? `${open}/>`
        : `${open}>\n      <failure message="${xml(r.failures[0] ?? "failed")}">${xml(formatFailure(r))}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(rs[0].case.concern)}" file="${xml(file)}" tests="${rs.length}" failures="${failed}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mfa-baseline scenarios" tests="${s.total}" failures="${s.failed}">\n${suites.join("\n")}\n</testsuites>\n`;
}
