import { parseBaselineSpec, rolloutOf, SpecError, type BaselineSpecInput } from "./spec";
import { loadBaselineSpec } from "./spec-file";
import { exampleOrg } from "../stacks/example-org";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function problemsOf(input: unknown): readonly string[] {
  try {
    parseBaselineSpec(input);
  } catch (e) {
    if (e instanceof SpecError) return e.problems;
    throw e;
  }
  throw new Error("expected the spec to be rejected");
}

const withAws = (aws: Partial<NonNullable<BaselineSpecInput["aws"]>>): BaselineSpecInput => ({
  ...exampleOrg,
  aws: { ...exampleOrg.aws!, ...aws },
});

describe("parseBaselineSpec", () => {
  it("accepts the example organisation and fills defaults", () => {
    const spec = parseBaselineSpec({
      ...exampleOrg,
      sessions: undefined,
      aws: { ...exampleOrg.aws!, sensitiveActions: undefined },
    });
    expect(spec.sessions.freshMfaSeconds).toBe(300);
    expect(spec.sessions.cliSessionHours).toBe(12);
    expect(spec.aws?.sensitiveActions).toContain("iam:CreateUser");
    expect(spec.aws?.sensitiveActions).toContain("cloudtrail:StopLogging");
  });

  it("new policies default to report-only", () => {
    const spec = parseBaselineSpec({ ...exampleOrg, rollout: undefined });
    expect(rolloutOf(spec, "block-legacy-auth")).toEqual({ mode: "report-only" });
  });

  it("names the field, the bad value and the allowed values of an enum", () => {
    const problems = problemsOf({ ...exampleOrg, tiers: { ...exampleOrg.tiers, ci: { mfa: "any-mfa" } } });
    expect(problems).toEqual(['tiers.ci.mfa: "any-mfa" is not allowed; allowed: "compensating-controls"']);
  });

  it("rejects unknown keys and lists the allowed ones", () => {
    const problems = problemsOf({ ...exampleOrg, networks: { ...exampleOrg.networks, trustedd: [] } });
    expect(problems).toEqual([
      "networks.trustedd: unknown key; allowed keys here: trusted, blockedCountries, anonymisers",
    ]);
  });

  it("rejects a CIDR with host bits set and a malformed country", () => {
    const problems = problemsOf({
      ...exampleOrg,
      networks: { trusted: [{ name: "x", cidrs: ["10.0.0.1/8"] }], blockedCountries: ["kp"] },
    });
    expect(problems[0]).toMatch(
      /^networks\.trusted\[0\]\.cidrs\[0\]: must be a CIDR block .*; got "10\.0\.0\.1\/8"$/,
    );
    expect(problems[1]).toMatch(
      /^networks\.blockedCountries\[0\]: must be an ISO 3166-1 alpha-2 code .*; got "kp"$/,
    );
  });

  it("reports a missing required field", () => {
    const { organisation: _omit, ...rest } = exampleOrg;
    expect(problemsOf(rest)).toEqual(["organisation: required (string) but missing"]);
  });

  it("bounds the CLI session at the 36 hours sts:GetSessionToken allows", () => {
    const problems = problemsOf({ ...exampleOrg, sessions: { ...exampleOrg.sessions, cliSessionHours: 48 } });
    expect(problems[0]).toMatch(/^sessions\.cliSessionHours: .*36.*; got 48$/);
  });

  it("refuses a CI role assumable from any ref of the repository", () => {
    const problems = problemsOf(withAws({ ci: { ...exampleOrg.aws!.ci, branches: [], environments: [] } }));
    expect(problems).toEqual([
      "aws.ci: give at least one branch or environment; a CI role assumable from any ref of the repository is not allowed",
    ]);
  });

  it("refuses an enforce rollout that both dates and waives its report-only stage", () => {
    const problems = problemsOf({
      ...exampleOrg,
      rollout: {
        policies: {
          "mfa-guests": { mode: "enforce", reportOnlyCompleted: "2026-01-01", acknowledgeNoReportOnly: "x" },
        },
      },
    });
    expect(problems[0]).toMatch(/^rollout\.policies\.mfa-guests: give either reportOnlyCompleted/);
  });

  it("tells which forms a union accepts", () => {
    const problems = problemsOf({
      ...exampleOrg,
      rollout: { policies: { "mfa-guests": { mode: "later" } } },
    });
    expect(problems[0]).toBe(
      'rollout.policies.mfa-guests: {"mode":"later"} matches none of the allowed forms (mode: "report-only" or mode: "enforce")',
    );
  });
});

describe("loadBaselineSpec", () => {
  const dir = mkdtempSync(join(tmpdir(), "spec-"));

  it("uses the embedded example organisation when no file is given", () => {
    expect(loadBaselineSpec(undefined).organisation).toBe("Example Corp");
  });

  it("reads a YAML spec and prefixes problems with the file name", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "organisation: ''\ntiers: {}\nnetworks: {}\n");
    expect(() => loadBaselineSpec(file)).toThrow(/bad\.yaml: organisation: must not be empty/);
  });

  it("says when the file cannot be read", () => {
    expect(() => loadBaselineSpec(join(dir, "missing.yaml"))).toThrow(
      /missing\.yaml: cannot read the spec file \(ENOENT\)/,
    );
  });

  it("says when the file is not YAML", () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, "organisation: [unclosed\n");
    expect(() => loadBaselineSpec(file)).toThrow(/broken\.yaml: not valid YAML\/JSON/);
  });
});

describe("sensitive AWS actions", () => {
  it("refuses a pattern that would deny MFA enrolment to users who have no MFA yet", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
    const problems = problemsOf(withAws({ sensitiveActions: ["iam:Create*", "kms:ScheduleKeyDeletion"] }));
    expect(problems).toEqual([
      'aws.sensitiveActions[0]: "iam:Create*" matches iam:CreateVirtualMFADevice, which a user without MFA needs to enrol a device; list the actions you mean one by one (e.g. iam:CreateUser instead of iam:Create*)',
    ]);
  });

  it("the default list leaves every MFA bootstrap action out", () => {
    expect(() => parseBaselineSpec(withAws({ sensitiveActions: undefined }))).not.toThrow();
  });
});
