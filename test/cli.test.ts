/**
 * The `mfa-baseline` command end to end, in-process: exit codes (0 pass, 1 failure, 2 bad input),
 * reporters, explain, and user mistakes reported without a stack trace.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../cli/main";
import { synthExampleOrg } from "./support/example-synth";

const dir = mkdtempSync(join(tmpdir(), "cli-"));
let outdir: string;
beforeAll(() => {
  outdir = synthExampleOrg();
});

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const out = jest.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
  process.exitCode = undefined;
  try {
    return { code: main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

const scenario = (outcome: string) => `concern: CLI
cases:
  - name: console without MFA is asked for MFA
    provider: aws
    context:
      principal: arn:aws:iam::111122223333:user/alice
      groups: [aws_iam_group.employees]
      identityPolicies: [{ Statement: [{ Effect: Allow, Action: "*", Resource: "*" }] }]
      credentials: console
      action: s3:ListAllMyBuckets
    expect: { outcome: ${outcome} }
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("mfa-baseline test", () => {
  it("exits 0 when every case passes", () => {
    const r = run(["test", file("pass.yaml", scenario("mfa")), "--synth-dir", outdir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ console without MFA is asked for MFA");
    expect(r.stdout).toContain("1 passed, 0 failed");
  });

  it("exits 1 on a failing case and prints expected vs actual with the trace", () => {
    const r = run(["test", file("fail.yaml", scenario("allow")), "--synth-dir", outdir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/expected outcome allow, got mfa/);
    expect(r.stdout).toContain("explanation:");
  });

  it("writes JUnit XML for CI systems", () => {
    const report = join(dir, "report.xml");
    const r = run([
      "test",
      file("fail2.yaml", scenario("deny")),
      "--synth-dir",
      outdir,
      "--reporter",
      "junit",
      "--output",
      report,
    ]);
    expect(r.code).toBe(1);
    const xml = readFileSync(report, "utf8");
    expect(xml).toMatch(/<testsuites name="mfa-baseline scenarios" tests="1" failures="1">/);
    expect(xml).toMatch(/<failure message="expected outcome deny, got mfa/);
  });

  it("prints JSON for machines", () => {
    const r = run(["test", file("json.yaml", scenario("mfa")), "--synth-dir", outdir, "--json"]);
    const json = JSON.parse(r.stdout) as {
      summary: { passed: number };
      cases: { actual: { outcome: string } }[];
    };
    expect(json.summary.passed).toBe(1);
    expect(json.cases[0].actual.outcome).toBe("mfa");
  });

  it("exits 2 on bad input, with the position and no stack trace", () => {
    const r = run(["test", file("bad.yaml", scenario("blocked")), "--synth-dir", outdir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /bad\.yaml:11:\d+: cases\[0\]\.expect\.outcome: "blocked" is not allowed; allowed: "allow", "mfa", "deny", "indeterminate"/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on a missing file and on an unknown option", () => {
    expect(run(["test", join(dir, "nope.yaml"), "--synth-dir", outdir]).stderr).toMatch(
      /nope\.yaml: no such file or folder/,
    );
    expect(run(["test", "--reporter", "tap"]).code).toBe(2);
  });

  it("exits 2 when the synth folder is not Terraform", () => {
    const r = run(["test", file("ok.yaml", scenario("mfa")), "--synth-dir", join(dir, "missing-out")]);
    expect(r.code).toBe(2);
  });
});

describe("mfa-baseline explain", () => {
  it("prints the decision and the whole trace for one case", () => {
    const path = file("explain.yaml", scenario("mfa"));
    const r = run([
      "explain",
      "--scenario",
      path,
      "--case",
      "console without MFA is asked for MFA",
      "--synth-dir",
      outdir,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^aws on aws-baseline: mfa \(requires mfa\)/);
    expect(r.stdout).toContain("decided by: aws_iam_policy.force_mfa");
    expect(r.stdout).toContain("trace:");
  });

  it("names the cases of the file when the case is unknown", () => {
    const r = run([
      "explain",
      "--scenario",
      file("explain2.yaml", scenario("mfa")),
      "--case",
      "nope",
      "--synth-dir",
      outdir,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no case named "nope"; cases: "console without MFA is asked for MFA"');
  });
});
