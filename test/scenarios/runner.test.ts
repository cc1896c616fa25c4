/**
 * The scenario runner itself: a wrong expectation fails with expected vs actual and the trace, and
 * each class of bad input is reported with file:line:column and what is allowed.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADAPTERS } from "../../simulator/adapters";
import { loadScenarioFiles } from "../../simulator/scenarios/load";
import { renderJunit } from "../../simulator/scenarios/report";
import { formatFailure, ScenarioRunner } from "../../simulator/scenarios/run";
import { InputError } from "../../simulator/scenarios/yaml-source";
import { STACK_NAMES } from "../../stacks";
import { exampleSynth } from "../support/example-synth";

const dir = mkdtempSync(join(tmpdir(), "scenarios-"));
let n = 0;
function file(text: string, personas?: string): string {
  const sub = join(dir, `s${n++}`);
  mkdirSync(sub);
  if (personas !== undefined) writeFileSync(join(sub, "personas.yaml"), personas);
  const path = join(sub, "case.yaml");
  writeFileSync(path, text);
  return path;
}

function problems(path: string): readonly string[] {
  try {
    loadScenarioFiles([path], ADAPTERS);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  throw new Error("expected the file to be rejected");
}

const runner = () => new ScenarioRunner(exampleSynth(), ADAPTERS, { defaultStacks: { ...STACK_NAMES } });

const consoleWithoutMfa = `concern: test
cases:
  - name: console without MFA
    provider: aws
    context:
      principal: arn:aws:iam::111122223333:user/alice
      groups: [aws_iam_group.employees]
      identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "*", Resource: "*" }] }]
      credentials: console
      action: s3:ListAllMyBuckets
    expect:
      outcome: OUTCOME
`;

describe("scenario runner", () => {
  it("passes a case whose expectation holds", () => {
    const [c] = loadScenarioFiles([file(consoleWithoutMfa.replace("OUTCOME", "mfa"))], ADAPTERS);
    expect(runner().run(c)).toMatchObject({ status: "pass", failures: [] });
  });

  it("fails a deliberately wrong expectation with expected vs actual, position and trace", () => {
    const path = file(consoleWithoutMfa.replace("OUTCOME", "allow"));
    const [c] = loadScenarioFiles([path], ADAPTERS);
    const result = runner().run(c);
    expect(result.status).toBe("fail");
    expect(result.failures[0]).toMatch(/^expected outcome allow, got mfa \(/);
    const text = formatFailure(result);
    expect(text).toContain(`${path}:3:5: console without MFA [aws, aws-baseline]`);
    expect(text).toContain("explanation:");
    expect(text).toContain("aws_iam_policy.force_mfa");
    expect(renderJunit([result])).toContain('<failure message="expected outcome allow, got mfa');
  });

  it("reports malformed YAML with its position", () => {
    expect(problems(file("concern: x\ncases: [\n"))[0]).toMatch(/case\.yaml:\d+:\d+: malformed YAML: /);
  });

  it("reports an unknown key with the allowed keys", () => {
    const p = problems(
      file(
        consoleWithoutMfa.replace("OUTCOME", "mfa").replace("    expect:", "    expected: {}\n    expect:"),
      ),
    );
    expect(p).toEqual([
      expect.stringMatching(
        /case\.yaml:11:5: cases\[0\]\.expected: unknown key; allowed keys here: name, provider, stack, persona, context, expect, tier, note$/,
      ),
    ]);
  });

  it("reports a wrong enum value with the allowed values", () => {
    const p = problems(file(consoleWithoutMfa.replace("OUTCOME", "blocked")));
    expect(p[0]).toMatch(
      /case\.yaml:12:16: cases\[0\]\.expect\.outcome: "blocked" is not allowed; allowed: "allow", "mfa", "deny", "indeterminate"$/,
    );
  });

  it("reports a wrong enum value inside a provider context", () => {
    const p = problems(
      file(
        consoleWithoutMfa.replace("OUTCOME", "mfa").replace("credentials: console", "credentials: yubikey"),
      ),
    );
    expect(p[0]).toMatch(
      /case\.yaml:9:20: case "console without MFA": context\.credentials: "yubikey" is not allowed; allowed: "long-term-keys", "console", /,
    );
  });

  it("reports an unknown persona with the known ones", () => {
    const personas = "personas:\n  employee:\n    aws: { principal: arn:aws:iam::111122223333:user/bob }\n";
    const text = `concern: x\ncases:\n  - name: a\n    provider: aws\n    persona: admin\n    context: { action: s3:ListAllMyBuckets }\n    expect: { outcome: allow }\n`;
    expect(problems(file(text, personas))).toEqual([
      expect.stringMatching(/case\.yaml:5:14: unknown persona "admin"; known personas: employee$/),
    ]);
  });

  it("merges a persona under the case's own context", () => {
    const personas =
      'personas:\n  employee:\n    tier: employees\n    aws: { principal: arn:aws:iam::111122223333:user/bob, groups: [aws_iam_group.employees], identityPolicies: [{ Statement: [{ Effect: Allow, Action: "*", Resource: "*" }] }], credentials: console }\n';
    const text = `concern: x\ncases:\n  - name: a\n    provider: aws\n    persona: employee\n    context: { action: s3:ListAllMyBuckets, credentials: console-mfa }\n    expect: { outcome: allow }\n`;
    const [c] = loadScenarioFiles([file(text, personas)], ADAPTERS);
    expect(c.tier).toBe("employees");
    expect(c.context).toMatchObject({
      principal: "arn:aws:iam::111122223333:user/bob",
      credentials: "console-mfa",
    });
    expect(runner().run(c).status).toBe("pass");
  });

  it("reports an address that is not in the configuration with the known ones of its type", () => {
    const [c] = loadScenarioFiles(
      [
        file(
          consoleWithoutMfa
            .replace("OUTCOME", "mfa")
            .replace("aws_iam_group.employees", "aws_iam_group.engineers"),
        ),
      ],
      ADAPTERS,
    );
    const result = runner().run(c);
    expect(result.status).toBe("fail");
    expect(result.failures[0]).toMatch(
      /^aws_iam_group\.engineers is not in stack aws-baseline; known aws_iam_group addresses: .*aws_iam_group\.employees/,
    );
  });
});
