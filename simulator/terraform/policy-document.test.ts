/**
 * `data.aws_iam_policy_document` rendering, pinned to the AWS provider's behaviour:
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
 * (source: hashicorp/terraform-provider-aws internal/service/iam/policy_document_data_source.go, policy_model.go)
 */
import { TfIndeterminate, TfJson, TfSymbol, loadTerraformJson, type TfValue } from "./index";

function render(
  doc: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): { json: TfValue; minified: TfValue } {
  const m = loadTerraformJson({ ...extra, data: { aws_iam_policy_document: { d: doc } } }, { stack: "s" });
  const v = m.resources.get("data.aws_iam_policy_document.d")?.values ?? {};
  return { json: v.json, minified: v.minified_json };
}

const minified = (doc: Record<string, unknown>, extra?: Record<string, unknown>) =>
  render(doc, extra).minified;

describe("aws_iam_policy_document", () => {
  it("writes json indented by two spaces and minified_json compact, in the provider's field order", () => {
    const r = render({ statement: [{ sid: "A", actions: ["s3:GetObject"], resources: ["*"] }] });
    expect(r.json).toBe(
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "A",\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n      "Resource": "*"\n    }\n  ]\n}',
    );
    expect(r.minified).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
    );
  });

  it("defaults effect to Allow and version to 2012-10-17; omits Statement when there is none", () => {
    expect(minified({})).toBe('{"Version":"2012-10-17"}');
    expect(minified({ version: "2008-10-17", policy_id: "P1" })).toBe('{"Version":"2008-10-17","Id":"P1"}');
  });

  it("sets of strings: duplicates dropped, one element as a string, several in descending byte order", () => {
    expect(minified({ statement: { actions: ["b", "a", "b", "C"], not_resources: ["x", "x"] } })).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["b","a","C"],"NotResource":"x"}]}',
    );
  });

  it("all element kinds: NotAction, NotResource, NotPrincipal", () => {
    expect(
      minified({
        statement: [
          {
            effect: "Deny",
            not_actions: ["iam:*"],
            not_resources: ["arn:x"],
            not_principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root"] }],
          },
        ],
      }),
    ).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:x","NotPrincipal":{"AWS":"arn:aws:iam::1:root"}}]}',
    );
  });

  it('principals group by type with keys sorted; {type="*", identifiers=["*"]} alone becomes "*"', () => {
    expect(minified({ statement: { principals: [{ type: "*", identifiers: ["*"] }] } })).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*"}]}',
    );
    expect(minified({ statement: { principals: [{ type: "AWS", identifiers: ["*"] }] } })).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"}}]}',
    );
    expect(
      minified({
        statement: {
          principals: [
            { type: "Service", identifiers: ["a.amazonaws.com", "b.amazonaws.com"] },
            { type: "AWS", identifiers: ["1"] },
            { type: "AWS", identifiers: ["2"] },
          ],
        },
      }),
    ).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["1","2"],"Service":["b.amazonaws.com","a.amazonaws.com"]}}]}',
    );
  });

  it("conditions group by test then variable; values keep order, one value is a string", () => {
    expect(
      minified({
        statement: {
          condition: [
            { test: "StringEquals", variable: "aws:PrincipalTag/team", values: ["b", "a"] },
            { test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] },
            { test: "StringEquals", variable: "aws:PrincipalTag/team", values: ["c"] },
          ],
        },
      }),
    ).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"StringEquals":{"aws:PrincipalTag/team":["b","a","c"]}}}]}',
    );
  });

  it("&{...} becomes the IAM policy variable ${...} in resources, principals and condition values, not in actions", () => {
    expect(
      minified({
        statement: {
          actions: ["&{x}"],
          resources: ["arn:aws:iam::*:user/&{aws:username}"],
          condition: [{ test: "StringLike", variable: "s3:prefix", values: ["home/&{aws:username}/*"] }],
        },
      }),
    ).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\\u0026{x}","Resource":"arn:aws:iam::*:user/${aws:username}","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}]}',
    );
  });

  it("escapes <, > and & the way Go's encoding/json does", () => {
    expect(minified({ statement: { resources: ["a<b>&c"] } })).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"a\\u003cb\\u003e\\u0026c"}]}',
    );
  });

  it("merges source documents, then its own statements, then overrides, by Sid", () => {
    const source = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "A", Effect: "Allow", Action: "s3:*", Resource: "*" },
        {
          Sid: "B",
          Effect: "Deny",
          Action: ["b", "a"],
          Resource: "*",
          Principal: { AWS: ["2", "1"] },
          Condition: { Bool: { "aws:SecureTransport": false } },
        },
      ],
    });
    const override = JSON.stringify({
      Id: "O",
      Statement: [
        { Sid: "A", Effect: "Deny", Action: "s3:Delete*", Resource: "*" },
        { Effect: "Allow", Action: "x", Resource: "*" },
      ],
    });
    expect(
      minified({
        source_policy_documents: [source],
        override_policy_documents: [override],
        statement: [
          { sid: "B", actions: ["own"] },
          { sid: "C", actions: ["c"] },
        ],
      }),
    ).toBe(
      '{"Version":"2012-10-17","Id":"O","Statement":[' +
        '{"Sid":"A","Effect":"Deny","Action":"s3:Delete*","Resource":"*"},' +
        '{"Sid":"B","Effect":"Allow","Action":"own"},' +
        '{"Sid":"C","Effect":"Allow","Action":"c"},' +
        '{"Effect":"Allow","Action":"x","Resource":"*"}]}',
    );
  });

  it("re-marshals source statements: principals sorted descending, booleans as strings", () => {
    const source = JSON.stringify({
      Statement: [
        {
          Sid: "B",
          Effect: "Deny",
          Action: ["b", "a"],
          Principal: { AWS: ["1", "2"] },
          Condition: { Bool: { "aws:SecureTransport": false } },
        },
      ],
    });
    expect(minified({ source_policy_documents: [source] })).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"B","Effect":"Deny","Action":["b","a"],"Principal":{"AWS":["2","1"]},"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}',
    );
  });

  it("keeps computed values in a TfJson", () => {
    const r = render(
      { statement: { resources: ["${aws_s3_bucket.b.arn}", "arn:aws:s3:::x"] } },
      { resource: { aws_s3_bucket: { b: {} } } },
    );
    expect(r.json).toEqual(
      new TfJson({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Resource: ["arn:aws:s3:::x", new TfSymbol("aws_s3_bucket.b", "arn")] },
        ],
      }),
    );
  });

  it("a resource's policy referencing .json gets the rendered string", () => {
    const m = loadTerraformJson(
      {
        data: { aws_iam_policy_document: { d: { statement: { actions: ["a"] } } } },
        resource: { aws_iam_policy: { p: { policy: "${data.aws_iam_policy_document.d.json}" } } },
      },
      { stack: "s" },
    );
    expect(m.resources.get("aws_iam_policy.p")?.values.policy).toBe(
      m.resources.get("data.aws_iam_policy_document.d")?.values.json,
    );
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ statement: { effect: "allow" } }, "statement.effect", 'effect must be "Allow" or "Deny", got "allow"'],
    [
      { statement: { sid: "a-b" } },
      "statement.sid",
      'sid must only include alphanumeric characters, got "a-b"',
    ],
    [
      { statement: [{ sid: "A" }, { sid: "A" }] },
      "statement[1].sid",
      "duplicate Sid (A). Remove the Sid or ensure the Sid is unique.",
    ],
    [{ version: "2020-01-01" }, "version", 'version must be one of 2012-10-17, 2008-10-17, got "2020-01-01"'],
    [
      { version: "2008-10-17", statement: { resources: ["&{x}"] } },
      "statement.resources",
      "found &{ sequence in (&{x}), which is not supported in document version 2008-10-17",
    ],
    [{ source_policy_documents: ["{"] }, "source_policy_documents[0]", "is not valid JSON: "],
    [
      { source_policy_documents: ['{"Statement":[{"Sid":"A"}]}', '{"Statement":[{"Sid":"A"}]}'] },
      "source_policy_documents[1]",
      "duplicate Sid (A) in source_policy_documents (statement 0). Remove the Sid or ensure Sids are unique.",
    ],
    [
      {
        source_policy_documents: [
          '{"Statement":[{"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}}]}',
        ],
      },
      "source_policy_documents[0].Statement[0].Condition.NumericLessThan.aws:MultiFactorAuthAge",
      "the provider drops condition values of this type",
    ],
    [
      { statement: { condition: { test: "Bool", values: ["x"] } } },
      "statement.condition.variable",
      "variable is required",
    ],
  ])("rejects %j at %s", (doc, path, reason) => {
    const r = render(doc);
    expect(r.json).toBeInstanceOf(TfIndeterminate);
    const ind = r.json as TfIndeterminate;
    expect(ind.location).toMatchObject({ stack: "s", address: "data.aws_iam_policy_document.d", path });
    expect(ind.reason.startsWith(reason)).toBe(true);
  });
});
