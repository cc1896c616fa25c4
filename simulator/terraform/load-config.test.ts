/**
 * Resolution rules of the cdk.tf.json loader.
 * Terraform JSON syntax (strings are templates, `$${` escapes): https://developer.hashicorp.com/terraform/language/syntax/json
 * References and computed attributes: https://developer.hashicorp.com/terraform/language/expressions/references
 * Functions: https://developer.hashicorp.com/terraform/language/functions
 */
import {
  LoadError,
  TfIndeterminate,
  TfJson,
  TfSymbol,
  TfTemplate,
  loadTerraformJson,
  type TerraformModel,
  type TfValue,
} from "./index";

const load = (json: unknown): TerraformModel => loadTerraformJson(json, { stack: "s", file: "cdk.tf.json" });

/** Evaluates `expr` as the `v` attribute of `t.x`, next to the given extra configuration. */
function value(expr: TfValue | string, extra: Record<string, unknown> = {}): TfValue {
  const extraResources = (extra.resource ?? {}) as Record<string, unknown>;
  const m = load({ ...extra, resource: { ...extraResources, t: { x: { v: expr } } } });
  return m.resources.get("t.x")?.values.v as TfValue;
}

function indeterminate(v: TfValue): TfIndeterminate {
  expect(v).toBeInstanceOf(TfIndeterminate);
  return v as TfIndeterminate;
}

describe("references", () => {
  const base = {
    resource: {
      aws_s3_bucket: { state: { bucket: "tf-state", tags: { team: "sec" }, rule: [{ days: 3 }] } },
      azuread_group: { admins: { display_name: "Admins" } },
    },
    data: { terraform_remote_state: { net: { backend: "s3" } } },
    variable: { env: { default: "prod" }, account: {} },
    locals: { prefix: "${var.env}-x", nested: { a: ["${local.prefix}"] } },
    module: { m: { source: "./m" } },
  };

  it("resolves a configured attribute of another resource to its value", () => {
    expect(value("${aws_s3_bucket.state.bucket}", base)).toBe("tf-state");
    expect(value("${aws_s3_bucket.state.tags.team}", base)).toBe("sec");
    expect(value("${aws_s3_bucket.state.rule[0].days}", base)).toBe(3);
  });

  it("makes a computed attribute a symbol bound to the resource address", () => {
    const v = value("${azuread_group.admins.object_id}", base);
    expect(v).toEqual(new TfSymbol("azuread_group.admins", "object_id"));
    expect((v as TfSymbol).key).toBe("azuread_group.admins.object_id");
  });

  it("splices symbols into string templates and merges literal parts", () => {
    const v = value("arn:aws:s3:::${aws_s3_bucket.state.bucket}/*", base);
    expect(v).toBe("arn:aws:s3:::tf-state/*");
    const t = value("arn:${azuread_group.admins.id}:${aws_s3_bucket.state.bucket}", base);
    expect(t).toEqual(new TfTemplate(["arn:", new TfSymbol("azuread_group.admins", "id"), ":tf-state"]));
  });

  it("makes terraform_remote_state outputs symbols", () => {
    expect(value("${data.terraform_remote_state.net.outputs.vpc_id}", base)).toEqual(
      new TfSymbol("data.terraform_remote_state.net", "outputs.vpc_id"),
    );
  });

  it("uses variable defaults, and a symbol for a variable without one", () => {
    expect(value("${var.env}", base)).toBe("prod");
    expect(value("${var.account}", base)).toEqual(new TfSymbol("var", "account"));
  });

  it("evaluates locals, including locals that use variables and other locals", () => {
    expect(value("${local.prefix}", base)).toBe("prod-x");
    expect(value("${local.nested.a[0]}", base)).toBe("prod-x");
  });

  it("makes module outputs symbols", () => {
    expect(value("${module.m.role_arn}", base)).toEqual(new TfSymbol("module.m", "role_arn"));
  });

  it("keeps a whole single interpolation's type", () => {
    expect(value("${aws_s3_bucket.state.rule}", base)).toEqual([{ days: 3 }]);
  });

  it("treats $${ as a literal ${ and %%{ as a literal %{", () => {
    expect(value("a $${aws:username} %%{x}")).toBe("a ${aws:username} %{x}");
  });

  it("evaluates keys of objects as templates", () => {
    expect(value({ "${var.env}": 1 }, base)).toEqual({ prod: 1 });
  });
});

describe("located indeterminates for what cannot be resolved", () => {
  it("a dangling reference names the stack, address, path and expression", () => {
    const m = load({ resource: { t: { x: { a: { b: ["${aws_iam_role.missing.arn}"] } } } } });
    const v = indeterminate((m.resources.get("t.x")?.values.a as { b: TfValue[] }).b[0]);
    expect(v.toString()).toBe(
      "s: t.x a.b[0] (cdk.tf.json): reference to aws_iam_role.missing, which is not declared in this stack (in ${aws_iam_role.missing.arn})",
    );
    expect(m.diagnostics).toEqual([expect.objectContaining({ severity: "error", message: v.toString() })]);
  });

  it("an undeclared variable or local", () => {
    expect(indeterminate(value("${var.nope}")).reason).toBe(
      "reference to undeclared variable var.nope; declared: none",
    );
    expect(indeterminate(value("${local.nope}")).reason).toBe(
      "reference to undeclared local value local.nope",
    );
  });

  it("a cycle between resources, as Terraform's graph sees it", () => {
    const m = load({ resource: { a: { x: { v: "${b.y.w}" } }, b: { y: { w: "${a.x.v}" } } } });
    const v = indeterminate(m.resources.get("b.y")?.values.w as TfValue);
    expect(v.reason).toBe("cyclic reference: a.x -> b.y -> a.x");
  });

  it("a cycle between locals", () => {
    const v = indeterminate(value("${local.a}", { locals: { a: "${local.b}", b: "${local.a}" } }));
    expect(v.reason).toBe("cyclic reference: local.a -> local.b -> local.a");
  });

  it("an unsupported function lists the supported ones", () => {
    const v = indeterminate(value("${timestamp()}"));
    expect(v.reason).toMatch(
      /^the function timestamp\(\) is not supported; supported functions: jsonencode, jsondecode, concat, merge, tolist, toset, join, format, lookup, element, flatten, distinct, compact/,
    );
  });

  it("template directives, for expressions, splats and heredocs", () => {
    expect(indeterminate(value("%{ if true }x%{ endif }")).reason).toMatch(
      /^template directives \(%\{ \.\.\. \}\) are not supported; supported: /,
    );
    expect(indeterminate(value("${[for x in var.l : x]}")).reason).toMatch(
      /^\[for \.\.\.\] for expressions are not supported/,
    );
    expect(indeterminate(value("${{for k, v in var.m : k => v}}")).reason).toMatch(
      /^\{for \.\.\.\} for expressions are not supported/,
    );
    expect(indeterminate(value("${aws_x.y[*].id}", { resource: { aws_x: { y: { a: 1 } } } })).reason).toBe(
      "splat expressions ([*], .*) are not supported",
    );
    expect(indeterminate(value("${<<EOT\nx\nEOT\n}")).reason).toMatch(/^heredoc templates are not supported/);
  });

  it("syntax errors say where in the expression", () => {
    expect(indeterminate(value('${jsonencode({"a" = "x"y"})}')).reason).toMatch(
      /^expected ',' or '}' between object items, found "y\\"\}\)\}" at offset 23$/,
    );
    expect(indeterminate(value("${jsonencode([1, , 2])}")).reason).toMatch(
      /^unexpected ", 2\]\)\}"; supported: literals, .* at offset 17$/,
    );
    expect(indeterminate(value("${a.b")).reason).toMatch(/^expected '\}' to close the interpolation/);
  });

  it("count, for_each, dynamic blocks and count/each/self/path/terraform references", () => {
    const m = load({
      resource: {
        a: { x: { count: 2, name: "n" }, y: { dynamic: { rule: { for_each: "${var.l}", content: {} } } } },
      },
    });
    expect(indeterminate(m.resources.get("a.x")?.values.name as TfValue).reason).toBe(
      "resources with count are not supported: the loader cannot tell how many instances exist",
    );
    expect(indeterminate(m.resources.get("a.y")?.values.rule as TfValue).reason).toMatch(
      /^dynamic "rule" blocks are not supported/,
    );
    for (const root of ["count.index", "each.key", "self.id", "path.module", "terraform.workspace"]) {
      expect(indeterminate(value(`\${${root}}`)).reason).toMatch(
        new RegExp(`^${root.split(".")[0]}\\.\\* references are not supported`),
      );
    }
  });

  it("a whole-resource reference and an incomplete reference", () => {
    const extra = { resource: { aws_x: { y: { a: 1 } } } };
    expect(indeterminate(value("${aws_x.y}", extra)).reason).toBe(
      "a reference to the whole of aws_x.y is not supported; reference one of its attributes",
    );
    expect(indeterminate(value("${data.aws_x}", extra)).reason).toBe(
      "incomplete reference: expected data.<type>.<name>.<attribute>",
    );
  });

  it("indexing out of range and into a string", () => {
    const extra = { resource: { aws_x: { y: { l: [1], s: "str" } } } };
    expect(indeterminate(value("${aws_x.y.l[3]}", extra)).reason).toBe(
      "index 3 is out of range for a list of 1",
    );
    expect(indeterminate(value("${aws_x.y.s.k}", extra)).reason).toBe('cannot read "k" from string "str"');
  });

  it("a list in a string template", () => {
    expect(indeterminate(value("x-${[1]}")).reason).toBe(
      "in a string template: a list cannot be used as a string",
    );
  });
});

describe("functions", () => {
  it("jsonencode writes what Terraform writes: sorted keys, Go escapes, plain decimals", () => {
    expect(value('${jsonencode({"b" = 1, "a" = ["<&>", 1.5e-7, 1e+21, true, null], "c" = {}})}')).toBe(
      '{"a":["\\u003c\\u0026\\u003e",0.00000015,1000000000000000000000,true,null],"b":1,"c":{}}',
    );
  });

  it("jsonencode with computed values gives a TfJson holding the structure", () => {
    const v = value('${jsonencode({"Resource" = aws_s3_bucket.b.arn})}', {
      resource: { aws_s3_bucket: { b: {} } },
    });
    expect(v).toEqual(new TfJson({ Resource: new TfSymbol("aws_s3_bucket.b", "arn") }));
  });

  it("jsondecode reverses jsonencode and parses literal JSON", () => {
    expect(value('${jsondecode("{\\"a\\": [1, \\"x\\"]}")}')).toEqual({ a: [1, "x"] });
    expect(
      value('${jsondecode(jsonencode({"a" = aws_s3_bucket.b.arn}))}', {
        resource: { aws_s3_bucket: { b: {} } },
      }),
    ).toEqual({ a: new TfSymbol("aws_s3_bucket.b", "arn") });
    expect(indeterminate(value('${jsondecode("{")}')).reason).toMatch(
      /^jsondecode\(\): the string is not valid JSON/,
    );
  });

  it.each<[string, TfValue]>([
    ['${concat(["a"], ["b", "c"])}', ["a", "b", "c"]],
    ['${merge({"a" = 1, "b" = 2}, {"b" = 3})}', { a: 1, b: 3 }],
    ['${tolist(["b", "a"])}', ["b", "a"]],
    ['${toset(["b", "a", "b"])}', ["a", "b"]],
    ['${join(",", ["a", "b"], ["c"])}', "a,b,c"],
    ['${format("%s-%d-%v %%", "a", 2, true)}', "a-2-true %"],
    ['${lookup({"a" = 1}, "a")}', 1],
    ['${lookup({"a" = 1}, "b", 7)}', 7],
    ['${element(["a", "b"], 3)}', "b"],
    ['${flatten([["a", ["b"]], "c"])}', ["a", "b", "c"]],
    ['${distinct(["a", "b", "a"])}', ["a", "b"]],
    ['${compact(["a", "", null, "b"])}', ["a", "b"]],
    ['${concat(["x"], [["y"], ["z"]]...)}', ["x", "y", "z"]],
    ['${length(["a", "b"])}', 2],
    ['${upper("ab")}${lower("CD")}', "ABcd"],
    ['${keys({"b" = 1, "a" = 2})}', ["a", "b"]],
    ['${contains(["a"], "a")}', true],
    ['${coalesce("", "x")}', "x"],
  ])("%s", (expr, expected) => {
    expect(value(expr)).toEqual(expected);
  });

  it("join and format keep computed parts as a template", () => {
    const extra = { resource: { aws_iam_role: { r: {} } } };
    expect(value('${join(",", [aws_iam_role.r.arn, "x"])}', extra)).toEqual(
      new TfTemplate([new TfSymbol("aws_iam_role.r", "arn"), ",x"]),
    );
    expect(value('${format("arn:%s/*", aws_iam_role.r.name)}', extra)).toEqual(
      new TfTemplate(["arn:", new TfSymbol("aws_iam_role.r", "name"), "/*"]),
    );
  });

  it("errors name the function", () => {
    expect(indeterminate(value('${lookup({"a" = 1}, "b")}')).reason).toBe(
      'lookup(): the key "b" is not in the map and no default was given',
    );
    expect(indeterminate(value('${format("%x", 1)}')).reason).toBe(
      "format(): only the verbs %s, %d, %v and %% are supported, got %x",
    );
    expect(indeterminate(value('${concat("a")}')).reason).toBe('concat(): expects lists, got string "a"');
  });
});

describe("operators", () => {
  it.each<[string, TfValue]>([
    ["${1 + 2 * 3}", 7],
    ["${(1 + 2) * 3}", 9],
    ["${-2 - -3}", 1],
    ["${10 / 4}", 2.5],
    ["${7 % 4}", 3],
    ["${1 < 2 && 2 >= 2}", true],
    ["${!true || false}", false],
    ['${"a" == "a"}', true],
    ['${["a"] != ["a"]}', false],
    ['${1 == 2 ? "y" : "n"}', "n"],
  ])("%s", (expr, expected) => {
    expect(value(expr)).toEqual(expected);
  });

  it("comparing values only known after apply is indeterminate", () => {
    expect(indeterminate(value('${aws_x.y.id == "a"}', { resource: { aws_x: { y: {} } } })).reason).toMatch(
      /^cannot compare values that are only known after apply/,
    );
  });
});

describe("model shape", () => {
  it("indexes resources and data sources by address and type; keeps variables, locals and outputs", () => {
    const m = load({
      resource: {
        aws_iam_role: {
          a: { name: "a" },
          b: { name: "b", depends_on: ["aws_iam_role.a"], lifecycle: {}, provider: "aws.x", "//": {} },
        },
      },
      data: { aws_caller_identity: { me: {} } },
      variable: { v: { default: ["x"] } },
      locals: { l: "${var.v[0]}" },
      output: { o: { value: "${aws_iam_role.a.arn}" } },
    });
    expect([...m.resources.keys()]).toEqual([
      "aws_iam_role.a",
      "aws_iam_role.b",
      "data.aws_caller_identity.me",
    ]);
    expect(m.resourcesOfType("aws_iam_role").map((r) => r.name)).toEqual(["a", "b"]);
    expect(m.dataSourcesOfType("aws_caller_identity")[0]).toMatchObject({
      mode: "data",
      type: "aws_caller_identity",
      name: "me",
    });
    expect(m.resources.get("aws_iam_role.b")?.values).toEqual({ name: "b" });
    expect(m.variables.get("v")).toEqual(["x"]);
    expect(m.locals.get("l")).toBe("x");
    expect(m.outputs.get("o")).toEqual(new TfSymbol("aws_iam_role.a", "arn"));
    expect(m.resources.get("aws_iam_role.a")?.location).toEqual({
      stack: "s",
      address: "aws_iam_role.a",
      path: undefined,
      file: "cdk.tf.json",
    });
  });

  it("variable defaults are literal (Terraform evaluates them without a scope)", () => {
    expect(load({ variable: { v: { default: "${x}" } } }).variables.get("v")).toBe("${x}");
  });
});

describe("LoadError for input that is not Terraform JSON", () => {
  it.each<[unknown, string]>([
    [[], "cdk.tf.json (stack s): not Terraform JSON: expected an object at the top level, got an array"],
    [
      { resources: {} },
      'cdk.tf.json (stack s): not Terraform JSON: unknown top-level key "resources"; allowed: //, terraform, provider, resource, data, variable, locals, output, module, moved, import, check, removed',
    ],
    [
      { resource: [1] },
      "cdk.tf.json (stack s), resource: expected an object of resource types, got number 1",
    ],
    [
      { resource: { aws_x: { y: "z" } } },
      'cdk.tf.json (stack s), resource.aws_x.y: expected an object, got string "z"',
    ],
    [{ locals: 3 }, "cdk.tf.json (stack s), locals: expected an object of local values, got number 3"],
    [
      { resource: [{ a: { x: {} } }, { a: { x: {} } }] },
      "cdk.tf.json (stack s), a.x: declared more than once",
    ],
  ])("%j", (json, message) => {
    expect(() => load(json)).toThrow(new LoadError(message));
  });
});

describe("literal IAM policy JSON", () => {
  const policy = (type: string, attr: string, text: string): TfValue =>
    load({ resource: { [type]: { x: { [attr]: text } } } }).resources.get(`${type}.x`)?.values[
      attr
    ] as TfValue;

  it("keeps a valid document as the string", () => {
    expect(policy("aws_iam_policy", "policy", '{"Statement":[]}')).toBe('{"Statement":[]}');
    expect(policy("aws_organizations_policy", "content", '{"tags":{}}')).toBe('{"tags":{}}');
  });

  it.each<[string, string, string, RegExp]>([
    ["aws_iam_policy", "policy", "{", /^the policy is not valid JSON \(/],
    ["aws_iam_role", "assume_role_policy", "[]", /^the policy must be a JSON object$/],
    ["aws_s3_bucket_policy", "policy", '{"Version":"2012-10-17"}', /^the policy has no "Statement"$/],
    [
      "aws_iam_user_policy",
      "policy",
      '{"Statement":"x"}',
      /^"Statement" must be an object or a list of objects$/,
    ],
  ])("%s.%s %s is indeterminate", (type, attr, text, reason) => {
    const v = indeterminate(policy(type, attr, text));
    expect(v.reason).toMatch(reason);
    expect(v.location).toMatchObject({ address: `${type}.x`, path: attr });
  });
});
