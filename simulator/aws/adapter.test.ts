/**
 * AWS managed policies the simulator does not ship are indeterminate until the user supplies their
 * documents; the adapter (used by the CLI, scenarios and verify) takes the folder from
 * MFA_BASELINE_AWS_MANAGED_POLICIES.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { awsAdapter } from "./adapter";
import { parseAwsRequest } from "./context";
import { tfModel } from "./testing/tf-model";

const model = tfModel({
  "aws_iam_user.alice": { name: "alice" },
  "aws_iam_user_policy_attachment.ro": {
    user: "alice",
    policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
  },
});
const request = parseAwsRequest({
  principal: "aws_iam_user.alice",
  action: "s3:GetObject",
  resource: "arn:aws:s3:::b/k",
});

describe("AWS managed policies outside the shipped set", () => {
  const saved = process.env.MFA_BASELINE_AWS_MANAGED_POLICIES;
  afterEach(() => {
    if (saved === undefined) delete process.env.MFA_BASELINE_AWS_MANAGED_POLICIES;
    else process.env.MFA_BASELINE_AWS_MANAGED_POLICIES = saved;
  });

  it("are indeterminate, and the message says how to add them", () => {
    delete process.env.MFA_BASELINE_AWS_MANAGED_POLICIES;
    const v = awsAdapter.evaluate(awsAdapter.compile(model), request).verdict;
    expect(v.outcome).toBe("indeterminate");
    expect(v.indeterminate?.join()).toMatch(
      /ReadOnlyAccess is not known .*MFA_BASELINE_AWS_MANAGED_POLICIES/,
    );
  });

  it("are read from the folder MFA_BASELINE_AWS_MANAGED_POLICIES names (document or get-policy-version output)", () => {
    const dir = mkdtempSync(join(tmpdir(), "managed-"));
    const document = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:Get*", "s3:List*"], Resource: "*" }],
    };
    writeFileSync(
      join(dir, "ReadOnlyAccess.json"),
      JSON.stringify({ PolicyVersion: { Document: document } }),
    );
    process.env.MFA_BASELINE_AWS_MANAGED_POLICIES = dir;
    const compiled = awsAdapter.compile(model);
    expect(awsAdapter.evaluate(compiled, request).verdict.outcome).toBe("allow");
    expect(awsAdapter.evaluate(compiled, { ...request, action: "s3:PutObject" }).verdict.outcome).toBe(
      "deny",
    );
  });
});
