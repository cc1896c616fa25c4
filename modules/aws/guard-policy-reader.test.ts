import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { TerraformStack } from "cdktf";
import { readPolicy } from "./guard-policy-reader";
import { StackIndex } from "./guard-stack-index";
import { forceMfaDocument } from "./documents";
import { policyDocumentDataSource } from "./policy-document";
import { exampleSpec, newStack } from "./test-support";

const aws = exampleSpec().aws!;

function read(policy: IamPolicy) {
  const index = new StackIndex(TerraformStack.of(policy));
  const el = index.ofConstruct(policy)!;
  return readPolicy(index, el, "policy", el.attributes.policy);
}

describe("readPolicy", () => {
  it("reads a data source back into the document it was written from (policy variables included)", () => {
    const stack = newStack();
    const doc = forceMfaDocument(aws);
    const data = policyDocumentDataSource(stack, "doc", doc);
    const result = read(new IamPolicy(stack, "p", { policy: data.json }));
    expect(result).toEqual({ ok: true, document: JSON.parse(JSON.stringify(doc)) });
  });

  it("refuses data sources that merge other documents", () => {
    const stack = newStack();
    const data = new DataAwsIamPolicyDocument(stack, "doc", {
      sourcePolicyDocuments: ["{}"],
      statement: [{ actions: ["s3:*"], resources: ["*"] }],
    });
    const result = read(new IamPolicy(stack, "p", { policy: data.json }));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining("merges other documents (source_policy_documents)"),
    });
  });

  it("reads IAM's shorthand forms in literal JSON (single strings, boolean condition values)", () => {
    const stack = newStack();
    const literal = JSON.stringify({
      Version: "2012-10-17",
      Statement: {
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": false } },
      },
    });
    const result = read(new IamPolicy(stack, "p", { policy: literal }));
    expect(result).toEqual({
      ok: true,
      document: {
        Version: "2012-10-17",
        Statement: [
          expect.objectContaining({
            Effect: "Deny",
            Action: ["*"],
            Resource: ["*"],
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": ["false"] } },
          }),
        ],
      },
    });
  });

  it("reports invalid JSON and invalid Effect with the resource address", () => {
    const stack = newStack();
    expect(read(new IamPolicy(stack, "bad-json", { policy: "{not json" }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^aws_iam_policy\.bad-json\.policy is not valid JSON/),
    });
    expect(
      read(
        new IamPolicy(stack, "bad-effect", { policy: JSON.stringify({ Statement: [{ Effect: "Maybe" }] }) }),
      ),
    ).toEqual({
      ok: false,
      reason: expect.stringContaining("Effect must be Allow or Deny"),
    });
  });
});
