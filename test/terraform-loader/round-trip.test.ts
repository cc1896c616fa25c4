/**
 * Round trip through real cdktf: IAM-policy-shaped documents go through `Fn.jsonencode` (in an SSM
 * parameter value, so that AWS policy validation does not interfere with arbitrary JSON) and through
 * `DataAwsIamPolicyDocument`, are synthesized with `Testing.synthScope`, and the loader must give back
 * the string Terraform / the AWS provider would produce:
 * - jsonencode: https://developer.hashicorp.com/terraform/language/functions/jsonencode (keys sorted,
 *   `<`, `>`, `&`, U+2028/9 escaped, numbers in plain decimal);
 * - aws_iam_policy_document: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
 *   (effect default Allow, sets deduplicated and sorted descending, single elements as strings,
 *   principals by type, conditions by test and variable, `&{` → `${`).
 * The expected values are computed here by a naive oracle written from those rules, independently of
 * the loader's encoder.
 *
 * cdktf does not escape `"`, `\`, CR, `%{` or null inside `Fn.jsonencode` (nor `${`/`%{` in plain
 * attributes), so Terraform would read different HCL than the document meant. For documents with those,
 * the property is weaker but still fail-closed: the loader gives a located indeterminate or valid JSON.
 */
import fc from "fast-check";
import { Fn, Testing } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import {
  TfIndeterminate,
  loadTerraformJson,
  type TerraformModel,
  type TfValue,
} from "../../simulator/terraform";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ---- oracle ----

const utf8Compare = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

function goString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Plain decimal from the exponent form of the shortest round-trip digits. */
function plainDecimal(n: number): string {
  if (n === 0) return "0";
  const [mant, expText] = Math.abs(n).toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(expText);
  let out: string;
  if (exp < 0) out = `0.${"0".repeat(-exp - 1)}${digits}`;
  else if (exp + 1 >= digits.length) out = digits + "0".repeat(exp + 1 - digits.length);
  else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return (n < 0 ? "-" : "") + out;
}

function oracleJsonencode(v: Json): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return plainDecimal(v);
  if (typeof v === "string") return goString(v);
  if (Array.isArray(v)) return `[${v.map(oracleJsonencode).join(",")}]`;
  return `{${Object.keys(v)
    .sort(utf8Compare)
    .map((k) => `${goString(k)}:${oracleJsonencode(v[k])}`)
    .join(",")}}`;
}

// ---- generators ----

const SPECIAL = [
  "${",
  "$",
  "{",
  "}",
  "$${",
  "<",
  ">",
  "&",
  "é",
  "😀",
  "中",
  "\u2028",
  "\n",
  "\t",
  " ",
  "*",
  ":",
  "/",
  "&{aws:username}",
  "=",
  ",",
];
const UNSAFE = ['"', "\\", "\r", "%{", "\\n", '\\"'];

const piece = (unsafe: boolean) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .string({ unit: "grapheme-ascii", maxLength: 6 })
        .filter((s) => !/["\\\r%]/.test(s) && !/[\x00-\x08\x0b-\x1f\x7f]/.test(s)),
    },
    { weight: 2, arbitrary: fc.constantFrom(...SPECIAL) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: "grapheme", maxLength: 3 })
        .filter((s) => !/["\\\r%\x00-\x1f\x7f]/.test(s)),
    },
    { weight: unsafe ? 2 : 0, arbitrary: fc.constantFrom(...UNSAFE) },
  );
const text = (unsafe: boolean) => fc.array(piece(unsafe), { maxLength: 5 }).map((p) => p.join(""));
const key = (unsafe: boolean) =>
  text(unsafe).filter((k) => unsafe || (!k.includes("${") && !k.includes("\n") && k !== ""));
// cdktf encodes number tokens as negative doubles with fixed top bits (about -9.7e288 and -8.2e298, see
// cdktf/lib/tokens/private/encoding.js): a literal there is taken for a token and synth fails, so
// generated numbers stay below 1e280 in magnitude.
const num = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ min: -1e280, max: 1e280, noNaN: true }).filter((n) => !Object.is(n, -0)),
);

function jsonValue(unsafe: boolean): fc.Arbitrary<Json> {
  const { value } = fc.letrec<{ value: Json }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      text(unsafe),
      num,
      fc.boolean(),
      ...(unsafe ? [fc.constant(null)] : []),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(key(unsafe), tie("value"), { maxKeys: 3 }),
    ),
  }));
  return value;
}

/** IAM-policy-shaped documents with free-form extras (nested arrays, numbers, booleans). */
function policyShaped(unsafe: boolean): fc.Arbitrary<Json> {
  const strOrList = fc.oneof(text(unsafe), fc.array(text(unsafe), { maxLength: 3 }));
  const statement = fc.record(
    {
      Sid: fc.stringMatching(/^[A-Za-z0-9]{0,8}$/),
      Effect: fc.constantFrom("Allow", "Deny"),
      Action: strOrList,
      Resource: strOrList,
      Condition: fc.dictionary(
        fc.constantFrom("StringEquals", "Bool", "NumericLessThan"),
        fc.dictionary(key(unsafe), fc.oneof(strOrList, fc.boolean(), num), { maxKeys: 2 }),
        { maxKeys: 2 },
      ),
      Extra: jsonValue(unsafe),
    },
    { requiredKeys: ["Effect"] },
  );
  return fc.record({
    Version: fc.constant("2012-10-17"),
    Statement: fc.array(statement, { maxLength: 3 }),
  }) as fc.Arbitrary<Json>;
}

interface StatementInput {
  sid?: string;
  effect?: "Allow" | "Deny";
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  notPrincipals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

function documentInput(unsafe: boolean): fc.Arbitrary<StatementInput[]> {
  // Plain attributes are templates for Terraform: only the unsafe variant keeps ${ and %{.
  const dtext = text(unsafe).filter((s) => unsafe || (!s.includes("${") && !s.includes("%{")));
  const strs = fc.array(dtext, { maxLength: 4 });
  // Blocks of one statement are sets in the provider and iterate in hash order; distinct principal
  // types and condition test/variable pairs keep the expected order independent of that hash.
  const principals = fc.uniqueArray(
    fc.record({
      type: fc.constantFrom("AWS", "Service", "Federated", "*", "CanonicalUser"),
      identifiers: fc.array(dtext, { minLength: 1, maxLength: 3 }),
    }),
    { selector: (p) => p.type, maxLength: 3 },
  );
  const conditions = fc.uniqueArray(
    fc.record({
      test: fc.constantFrom("StringEquals", "StringLike", "Bool", "ArnLike"),
      variable: fc.constantFrom("aws:PrincipalTag/team", "aws:MultiFactorAuthPresent", "s3:prefix"),
      values: fc.array(dtext, { maxLength: 3 }),
    }),
    { selector: (c) => `${c.test}/${c.variable}`, maxLength: 3 },
  );
  const statement = fc.record(
    {
      sid: fc.stringMatching(/^[A-Za-z0-9]{1,6}$/),
      effect: fc.constantFrom<"Allow" | "Deny">("Allow", "Deny"),
      actions: strs,
      notActions: strs,
      resources: strs,
      notResources: strs,
      principals,
      notPrincipals: principals,
      condition: conditions,
    },
    { requiredKeys: [] },
  );
  return fc.uniqueArray(statement, { selector: (s) => s.sid ?? Symbol(), maxLength: 4 });
}

// ---- provider oracle (naive, from the documented rules) ----

function setForm(items: readonly string[] | undefined, vars: boolean): Json | undefined {
  if (!items || items.length === 0) return undefined;
  const unique = [...new Set(items.map((s) => (vars ? s.split("&{").join("${") : s)))];
  if (unique.length === 1) return unique[0];
  // Sorting after the &{ replacement matches the provider only if the replacement keeps the order, so sort the originals.
  const originals = [...new Set(items)].sort(utf8Compare).reverse();
  return originals.map((s) => (vars ? s.split("&{").join("${") : s));
}

function expectedDocument(statements: readonly StatementInput[]): Json {
  const out: Json[] = statements.map((s) => {
    const st: { [k: string]: Json } = {};
    if (s.sid) st.Sid = s.sid;
    st.Effect = s.effect ?? "Allow";
    const put = (k: string, v: Json | undefined) => {
      if (v !== undefined) st[k] = v;
    };
    put("Action", setForm(s.actions, false));
    put("NotAction", setForm(s.notActions, false));
    put("Resource", setForm(s.resources, true));
    put("NotResource", setForm(s.notResources, true));
    const principals = (ps: StatementInput["principals"]): Json | undefined => {
      if (!ps || ps.length === 0) return undefined;
      // The provider sorts identifiers again when it writes the principal map, after the &{ replacement.
      const ids = (p: { identifiers: string[] }) => {
        const v = setForm(p.identifiers, true) as string | string[];
        return Array.isArray(v) ? [...v].sort(utf8Compare).reverse() : v;
      };
      if (ps.length === 1 && ps[0].type === "*" && ids(ps[0]) === "*") return "*";
      const o: { [k: string]: Json } = {};
      for (const p of [...ps].sort((a, b) => utf8Compare(a.type, b.type))) o[p.type] = ids(p);
      return o;
    };
    put("Principal", principals(s.principals));
    put("NotPrincipal", principals(s.notPrincipals));
    if (s.condition && s.condition.length > 0) {
      const c: { [k: string]: { [k: string]: Json } } = {};
      for (const cond of [...s.condition].sort(
        (a, b) => utf8Compare(a.test, b.test) || utf8Compare(a.variable, b.variable),
      )) {
        const values = cond.values.map((v) => v.split("&{").join("${"));
        (c[cond.test] ??= {})[cond.variable] = values.length === 1 ? values[0] : values;
      }
      st.Condition = c;
    }
    return st;
  });
  return out.length ? { Version: "2012-10-17", Statement: out } : { Version: "2012-10-17" };
}

/** Go's MarshalIndent of a value whose object keys are already in order. */
function goIndent(v: Json, prefix = ""): string {
  const inner = `${prefix}  `;
  if (Array.isArray(v))
    return v.length === 0 ? "[]" : `[\n${v.map((x) => inner + goIndent(x, inner)).join(",\n")}\n${prefix}]`;
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    return keys.length === 0
      ? "{}"
      : `{\n${keys.map((k) => `${inner}${goString(k)}: ${goIndent(v[k], inner)}`).join(",\n")}\n${prefix}}`;
  }
  return typeof v === "string" ? goString(v) : JSON.stringify(v);
}

// ---- synth ----

const BATCH = 60;

function synthJsonencode(docs: readonly Json[]): TerraformModel {
  const out = Testing.synthScope((stack) => {
    docs.forEach(
      (d, i) => new SsmParameter(stack, `p${i}`, { name: `p${i}`, type: "String", value: Fn.jsonencode(d) }),
    );
  });
  return loadTerraformJson(JSON.parse(out), { stack: "round-trip" });
}

function synthDocuments(docs: readonly StatementInput[][]): TerraformModel {
  const out = Testing.synthScope((stack) => {
    docs.forEach((statements, i) => new DataAwsIamPolicyDocument(stack, `d${i}`, { statement: statements }));
  });
  return loadTerraformJson(JSON.parse(out), { stack: "round-trip" });
}

const hasUnsafeText = (v: Json): boolean =>
  JSON.stringify(v).match(/\\"|\\\\|\\r|%\{|null/) !== null || hasUnsafeKey(v);
const hasUnsafeKey = (v: Json): boolean =>
  v !== null &&
  typeof v === "object" &&
  (Array.isArray(v)
    ? v.some(hasUnsafeKey)
    : Object.entries(v).some(([k, x]) => k.includes("${") || k.includes("\n") || hasUnsafeKey(x)));

function expectFailClosed(v: TfValue | undefined, address: string, attribute: string): void {
  if (v instanceof TfIndeterminate) {
    expect(v.location).toMatchObject({ stack: "round-trip", address });
    expect(v.location.path?.startsWith(attribute)).toBe(true);
    return;
  }
  expect(typeof v).toBe("string");
  expect(() => JSON.parse(v as string)).not.toThrow();
}

describe("round trip through cdktf synth", () => {
  it("Fn.jsonencode: the loader gives the exact string Terraform's jsonencode would produce", () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(policyShaped(false), jsonValue(false)), { minLength: BATCH, maxLength: BATCH }),
        (docs) => {
          const m = synthJsonencode(docs);
          docs.forEach((d, i) => {
            expect({ i, policy: m.resources.get(`aws_ssm_parameter.p${i}`)?.values.value }).toEqual({
              i,
              policy: oracleJsonencode(d),
            });
            checked++;
          });
        },
      ),
      { numRuns: 30 },
    );
    expect(checked).toBe(30 * BATCH);
  });

  it("Fn.jsonencode with characters cdktf does not escape: a located indeterminate or valid JSON, never a crash", () => {
    let indeterminate = 0;
    fc.assert(
      fc.property(fc.array(policyShaped(true), { minLength: BATCH, maxLength: BATCH }), (docs) => {
        const m = synthJsonencode(docs);
        docs.forEach((d, i) => {
          const v = m.resources.get(`aws_ssm_parameter.p${i}`)?.values.value;
          if (!hasUnsafeText(d)) expect(v).toBe(oracleJsonencode(d));
          else expectFailClosed(v, `aws_ssm_parameter.p${i}`, "value");
          if (v instanceof TfIndeterminate) indeterminate++;
        });
      }),
      { numRuns: 10 },
    );
    expect(indeterminate).toBeGreaterThan(0);
  });

  it("DataAwsIamPolicyDocument: json and minified_json are what the AWS provider renders", () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.array(documentInput(false), { minLength: BATCH, maxLength: BATCH }), (docs) => {
        const m = synthDocuments(docs);
        docs.forEach((statements, i) => {
          const values = m.resources.get(`data.aws_iam_policy_document.d${i}`)?.values;
          const expected = expectedDocument(statements);
          expect({ i, json: values?.json }).toEqual({ i, json: goIndent(expected) });
          expect({ i, min: values?.minified_json }).toEqual({ i, min: oracleJsonencodeOrdered(expected) });
          checked++;
        });
      }),
      { numRuns: 30 },
    );
    expect(checked).toBe(30 * BATCH);
  });

  it("DataAwsIamPolicyDocument with ${ or %{ in plain strings (Terraform reads them as templates): fail closed", () => {
    fc.assert(
      fc.property(fc.array(documentInput(true), { minLength: BATCH, maxLength: BATCH }), (docs) => {
        const m = synthDocuments(docs);
        docs.forEach((statements, i) => {
          const v = m.resources.get(`data.aws_iam_policy_document.d${i}`)?.values.json;
          const raw = JSON.stringify(statements);
          if (!raw.includes("${") && !raw.includes("%{"))
            expect(v).toBe(goIndent(expectedDocument(statements)));
          else expectFailClosed(v, `data.aws_iam_policy_document.d${i}`, "statement");
        });
      }),
      { numRuns: 10 },
    );
  });
});

/** Compact Go marshalling with the given key order. */
function oracleJsonencodeOrdered(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(oracleJsonencodeOrdered).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v)
      .map((k) => `${goString(k)}:${oracleJsonencodeOrdered(v[k])}`)
      .join(",")}}`;
  return typeof v === "string" ? goString(v) : JSON.stringify(v);
}
