/**
 * The HCL native-syntax subset: https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md
 * (quoted-string escapes, `$${`/`%%{` escapes, strip markers, comments, object item separators).
 */
import { decimalNumber, goJsonString } from "./go-json";
import { HclSyntaxError, parseExpression, parseJsonStringTemplate } from "./hcl-parser";

describe("HCL expression parser", () => {
  it("decodes quoted-string escapes", () => {
    expect(parseExpression('"a\\n\\t\\"\\\\\\u00e9\\U0001F600"')).toEqual({
      kind: "literal",
      value: 'a\n\t"\\é😀',
    });
  });

  it("rejects escapes HCL does not have, naming the allowed ones", () => {
    expect(() => parseExpression('"a\\x"')).toThrow(
      new HclSyntaxError(
        'invalid escape sequence \\x in a quoted string (allowed: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN) at offset 2',
        2,
      ),
    );
    expect(() => parseExpression('"a\nb"')).toThrow(/^a quoted string cannot contain a raw line break/);
    expect(() => parseExpression('"abc')).toThrow(/^unterminated string: missing the closing quote/);
  });

  it("reads $${ and %%{ as literal text, also after a lone $", () => {
    expect(parseJsonStringTemplate("$${a} %%{b} $$${c}")).toEqual({
      kind: "literal",
      value: "${a} %{b} $${c}",
    });
  });

  it("applies strip markers to the adjacent literal whitespace", () => {
    expect(parseJsonStringTemplate("a  ${~ 1 ~}  b")).toEqual({
      kind: "template",
      parts: [
        { kind: "literal", text: "a" },
        { kind: "interp", expr: { kind: "literal", value: 1 } },
        { kind: "literal", text: "b" },
      ],
    });
  });

  it("skips comments and accepts newlines as object item separators", () => {
    const e = parseExpression('{\n  a = 1 # one\n  "b" : 2 // two\n  /* three */ c = [1,\n 2,]\n}');
    expect(e.kind).toBe("object");
    expect(e.kind === "object" && e.items.map((i) => i.key)).toEqual([
      { kind: "literal", value: "a" },
      { kind: "literal", value: "b" },
      { kind: "literal", value: "c" },
    ]);
  });

  it("parses identifiers with dashes as Terraform does (cross-stack reference names)", () => {
    expect(
      parseExpression("data.terraform_remote_state.cross-stack-reference-input-aws.outputs.x"),
    ).toMatchObject({ kind: "traverse", target: { kind: "variable", name: "data" } });
  });

  it("rejects provider-defined functions and trailing input", () => {
    expect(() => parseExpression("provider::aws::arn_parse(x)")).toThrow(
      /^provider-defined functions \(provider::\.\.\.\) are not supported/,
    );
    expect(() => parseExpression("1 2")).toThrow(/^unexpected "2" after the expression at offset 2$/);
  });
});

describe("Go/Terraform JSON text", () => {
  it.each<[number, string]>([
    [0, "0"],
    [-0, "0"],
    [1e21, "1000000000000000000000"],
    [1.5e-7, "0.00000015"],
    [-2.5e-10, "-0.00000000025"],
    [123.456, "123.456"],
    [1.2345e25, "12345000000000000000000000"],
  ])("writes %p in plain decimal as %s", (n, s) => {
    expect(decimalNumber(n)).toBe(s);
  });

  it("escapes <, >, &, U+2028 and U+2029 like encoding/json", () => {
    expect(goJsonString("<a>&\u2028\u2029\n\u0001")).toBe('"\\u003ca\\u003e\\u0026\\u2028\\u2029\\n\\u0001"');
  });
});
