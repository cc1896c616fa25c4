/**
 * Renders `data.aws_iam_policy_document` the way the AWS provider does, so that `.json` and
 * `.minified_json` hold the string Terraform would pass on.
 * Provider behaviour (hashicorp/terraform-provider-aws, internal/service/iam/policy_document_data_source.go
 * and policy_model.go; https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document):
 * - `version` defaults to "2012-10-17" (or "2008-10-17"); `policy_id` becomes `Id`; `effect` defaults to "Allow";
 * - `actions`, `not_actions`, `resources`, `not_resources` and principal `identifiers` are sets: duplicates
 *   dropped, a single element written as a string, several sorted in descending byte order;
 * - condition `values` keep their order (single value as a string); conditions group by test then variable,
 *   principals by type (map keys sorted); one principal `{type="*", identifiers=["*"]}` is written as "*";
 * - `&{...}` in resources, principals and condition values becomes the IAM policy variable `${...}`;
 * - `source_policy_documents` merge first (a Sid may appear once among them), then this document's
 *   statements, then `override_policy_documents`, each replacing statements with the same Sid;
 * - `json` is `MarshalIndent(doc, "", "  ")`, `minified_json` is `Marshal(doc)`.
 * Where elements are only known after apply, the document is a TfJson and set order uses the element's
 * `${...}` form (IAM semantics do not depend on that order).
 */
import { compareCodePoints, goMarshal, type OrderedJson } from "./go-json";
import { TfIndeterminate, TfJson, TfSymbol, TfTemplate, type TfObject, type TfValue } from "./model";
import { isObject } from "./read";
import { canonicalKey, describeValue, findIndeterminate, isList } from "./values";

type Str = string | TfSymbol | TfTemplate;
type Out =
  null | boolean | number | Str | readonly Out[] | { readonly entries: readonly (readonly [string, Out])[] };

interface Principal {
  readonly type: string;
  readonly identifiers: Str | Str[];
}
interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: Str | Str[];
}
interface Statement {
  sid: string;
  effect: Str;
  actions?: Out;
  notActions?: Out;
  resources?: Out;
  notResources?: Out;
  principals: Principal[];
  notPrincipals: Principal[];
  conditions: Condition[];
}
interface Doc {
  version: string;
  id: Str;
  statements: Statement[];
}

export const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"] as const;

/** Raised with the attribute path (relative to the data source) and the reason. */
class RenderError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RenderedPolicyDocument {
  readonly json: TfValue;
  readonly minified_json: TfValue;
}

export function renderPolicyDocument(
  values: TfObject,
  fail: (path: string, reason: string) => TfIndeterminate,
): RenderedPolicyDocument {
  const bad = findIndeterminate(values);
  if (bad) return { json: bad, minified_json: bad };
  try {
    const doc = buildDocument(values);
    const out = marshalDoc(doc);
    if (isPlain(out)) return { json: goMarshal(out, "  "), minified_json: goMarshal(out, undefined) };
    const v = new TfJson(toValue(out));
    return { json: v, minified_json: v };
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    const ind = fail(err.path, err.message);
    return { json: ind, minified_json: ind };
  }
}

function isStr(v: TfValue | undefined): v is Str {
  return typeof v === "string" || v instanceof TfSymbol || v instanceof TfTemplate;
}

function strKey(s: Str): string {
  return typeof s === "string" ? s : s.toString();
}

function literal(v: TfValue | undefined, path: string, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  throw new RenderError(path, `${what} must be a known string, got ${describeValue(v)}`);
}

function blocks(v: TfValue | undefined, path: string): { value: TfObject; path: string }[] {
  if (v === undefined || v === null) return [];
  if (isObject(v)) return [{ value: v, path }];
  if (!isList(v)) throw new RenderError(path, `expected ${path} blocks, got ${describeValue(v)}`);
  return v.map((b, i) => {
    if (!isObject(b))
      throw new RenderError(`${path}[${i}]`, `expected a ${path} block, got ${describeValue(b)}`);
    return { value: b, path: `${path}[${i}]` };
  });
}

function strList(v: TfValue | undefined, path: string): Str[] {
  if (v === undefined || v === null) return [];
  if (!isList(v)) throw new RenderError(path, `expected a list of strings, got ${describeValue(v)}`);
  return v.map((x, i) => {
    if (typeof x === "number" || typeof x === "boolean") return String(x);
    if (!isStr(x)) throw new RenderError(`${path}[${i}]`, `expected a string, got ${describeValue(x)}`);
    return x;
  });
}

/** A set of strings as the provider writes it: unique, one → the string, several → descending order. */
function decodeSet(items: readonly Str[]): Str | Str[] {
  const seen = new Map<string, Str>();
  for (const s of items) seen.set(canonicalKey(s), s);
  const unique = [...seen.values()];
  if (unique.length === 1) return unique[0];
  return unique.sort((a, b) => compareCodePoints(strKey(b), strKey(a)));
}

function replaceVars(s: Str): Str {
  if (typeof s === "string") return s.split("&{").join("${");
  if (s instanceof TfSymbol) return s;
  return new TfTemplate(s.parts.map((p) => (typeof p === "string" ? p.split("&{").join("${") : p)));
}

function replaceVarsIn(v: Str | Str[], version: string, path: string): Str | Str[] {
  const list = Array.isArray(v) ? v : [v];
  for (const s of list) {
    if (version === "2008-10-17" && strKey(s).includes("&{"))
      throw new RenderError(
        path,
        `found &{ sequence in (${strKey(s)}), which is not supported in document version 2008-10-17`,
      );
  }
  return Array.isArray(v) ? v.map(replaceVars) : replaceVars(v);
}

/** Set-typed blocks: identical blocks collapse into one. */
function uniqueBlocks<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((b) => {
    const k = JSON.stringify(b, (_k, x: unknown) =>
      x instanceof TfSymbol || x instanceof TfTemplate ? `\u0000${x.toString()}` : x,
    );
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function principalsFrom(v: TfValue | undefined, path: string, version: string): Principal[] {
  return uniqueBlocks(
    blocks(v, path).map((b) => {
      const type = literal(b.value.type, `${b.path}.type`, "type");
      if (type === undefined) throw new RenderError(`${b.path}.type`, "type is required");
      const ids = strList(b.value.identifiers, `${b.path}.identifiers`);
      return { type, identifiers: replaceVarsIn(decodeSet(ids), version, `${b.path}.identifiers`) };
    }),
  );
}

function buildStatement(b: { value: TfObject; path: string }, version: string): Statement {
  const v = b.value;
  const effectRaw = v.effect ?? "Allow";
  if (!isStr(effectRaw))
    throw new RenderError(`${b.path}.effect`, `effect must be a string, got ${describeValue(effectRaw)}`);
  if (typeof effectRaw !== "string")
    throw new RenderError(
      `${b.path}.effect`,
      `effect must be known at plan time ("Allow" or "Deny"), got ${describeValue(effectRaw)}`,
    );
  if (effectRaw !== "Allow" && effectRaw !== "Deny")
    throw new RenderError(
      `${b.path}.effect`,
      `effect must be "Allow" or "Deny", got ${JSON.stringify(effectRaw)}`,
    );
  const sid = literal(v.sid, `${b.path}.sid`, "sid") ?? "";
  if (!/^[a-zA-Z0-9]*$/.test(sid))
    throw new RenderError(
      `${b.path}.sid`,
      `sid must only include alphanumeric characters, got ${JSON.stringify(sid)}`,
    );
  const st: Statement = { sid, effect: effectRaw, principals: [], notPrincipals: [], conditions: [] };
  const set = (key: string, vars: boolean): Out | undefined => {
    const items = strList(v[key], `${b.path}.${key}`);
    if (items.length === 0) return undefined;
    const decoded = decodeSet(items);
    return vars ? replaceVarsIn(decoded, version, `${b.path}.${key}`) : decoded;
  };
  st.actions = set("actions", false);
  st.notActions = set("not_actions", false);
  st.resources = set("resources", true);
  st.notResources = set("not_resources", true);
  st.principals = principalsFrom(v.principals, `${b.path}.principals`, version);
  st.notPrincipals = principalsFrom(v.not_principals, `${b.path}.not_principals`, version);
  st.conditions = uniqueBlocks(
    blocks(v.condition, `${b.path}.condition`).map((c) => {
      const test = literal(c.value.test, `${c.path}.test`, "test");
      const variable = literal(c.value.variable, `${c.path}.variable`, "variable");
      if (test === undefined) throw new RenderError(`${c.path}.test`, "test is required");
      if (variable === undefined) throw new RenderError(`${c.path}.variable`, "variable is required");
      const values = replaceVarsIn(
        strList(c.value.values, `${c.path}.values`),
        version,
        `${c.path}.values`,
      ) as Str[];
      return { test, variable, values: values.length === 1 ? values[0] : values };
    }),
  );
  return st;
}

/** A policy document given as JSON (source/override documents), read the way the provider unmarshals it. */
function parseDocument(v: TfValue, path: string): Doc {
  let data: TfValue = v;
  if (typeof v === "string") {
    try {
      data = JSON.parse(v) as TfValue;
    } catch (err) {
      throw new RenderError(path, `is not valid JSON: ${(err as Error).message}`);
    }
  } else if (v instanceof TfJson) data = v.value;
  else throw new RenderError(path, `expected a policy document JSON string, got ${describeValue(v)}`);
  if (!isObject(data))
    throw new RenderError(path, `a policy document must be a JSON object, got ${describeValue(data)}`);
  const version = data.Version ?? "";
  if (typeof version !== "string") throw new RenderError(path, `Version must be a string`);
  const id = data.Id ?? "";
  if (!isStr(id)) throw new RenderError(path, `Id must be a string`);
  const raw = data.Statement;
  const list = raw === undefined || raw === null ? [] : isList(raw) ? raw : [raw];
  const statements = list.map((s, i) => {
    const sp = `${path}.Statement[${i}]`;
    if (!isObject(s)) throw new RenderError(sp, `a statement must be an object, got ${describeValue(s)}`);
    const sid = s.Sid ?? "";
    const effect = s.Effect ?? "";
    if (typeof sid !== "string") throw new RenderError(`${sp}.Sid`, "Sid must be a known string");
    if (!isStr(effect)) throw new RenderError(`${sp}.Effect`, "Effect must be a string");
    const st: Statement = { sid, effect, principals: [], notPrincipals: [], conditions: [] };
    const any = (key: string): Out | undefined =>
      s[key] === undefined || s[key] === null ? undefined : toOut(s[key], `${sp}.${key}`);
    st.actions = any("Action");
    st.notActions = any("NotAction");
    st.resources = any("Resource");
    st.notResources = any("NotResource");
    st.principals = unmarshalPrincipals(s.Principal, `${sp}.Principal`);
    st.notPrincipals = unmarshalPrincipals(s.NotPrincipal, `${sp}.NotPrincipal`);
    st.conditions = unmarshalConditions(s.Condition, `${sp}.Condition`);
    return st;
  });
  return { version, id, statements };
}

function toOut(v: TfValue, path: string): Out {
  if (v === null || typeof v === "boolean" || typeof v === "number" || isStr(v)) return v;
  if (isList(v)) return v.map((x, i) => toOut(x, `${path}[${i}]`));
  if (isObject(v)) {
    const o = v;
    return {
      entries: Object.keys(o)
        .sort(compareCodePoints)
        .map((k) => [k, toOut(o[k], `${path}.${k}`)] as const),
    };
  }
  throw new RenderError(path, `cannot use ${describeValue(v)} in a policy document`);
}

function unmarshalPrincipals(v: TfValue | undefined, path: string): Principal[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [{ type: "*", identifiers: ["*"] }];
  if (!isObject(v)) throw new RenderError(path, `unsupported data type for a principal: ${describeValue(v)}`);
  return Object.keys(v).map((type) => {
    const ids = v[type];
    if (isStr(ids)) return { type, identifiers: ids };
    if (isList(ids)) {
      const list = ids.map((x, i) => {
        if (!isStr(x))
          throw new RenderError(
            `${path}.${type}[${i}]`,
            `principal identifiers must be strings, got ${describeValue(x)}`,
          );
        return x;
      });
      return { type, identifiers: list.sort((a, b) => compareCodePoints(strKey(a), strKey(b))) };
    }
    throw new RenderError(
      `${path}.${type}`,
      `unsupported data type for principal identifiers: ${describeValue(ids)}`,
    );
  });
}

function unmarshalConditions(v: TfValue | undefined, path: string): Condition[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) throw new RenderError(path, `a Condition must be an object, got ${describeValue(v)}`);
  const out: Condition[] = [];
  for (const test of Object.keys(v)) {
    const byVar = v[test];
    if (!isObject(byVar))
      throw new RenderError(
        `${path}.${test}`,
        `a condition operator must map keys to values, got ${describeValue(byVar)}`,
      );
    for (const variable of Object.keys(byVar)) {
      const vals = byVar[variable];
      if (isStr(vals)) out.push({ test, variable, values: [vals] });
      else if (typeof vals === "boolean") out.push({ test, variable, values: String(vals) });
      else if (isList(vals)) {
        out.push({
          test,
          variable,
          values: vals.map((x, i) => {
            if (!isStr(x))
              throw new RenderError(
                `${path}.${test}.${variable}[${i}]`,
                `condition values in a source or override document must be strings, got ${describeValue(x)}`,
              );
            return x;
          }),
        });
      } else {
        // The provider silently drops other value types (numbers); a silent drop could widen a policy.
        throw new RenderError(
          `${path}.${test}.${variable}`,
          `the provider drops condition values of this type (${describeValue(vals)}); write them as strings`,
        );
      }
    }
  }
  return out;
}

function merge(into: Doc, next: Doc): void {
  if (strKey(next.id).length > 0) into.id = next.id;
  if (next.version > into.version) into.version = next.version;
  for (const st of next.statements) {
    if (st.sid === "") {
      into.statements.push(st);
      continue;
    }
    const i = into.statements.findIndex((s) => s.sid === st.sid);
    if (i >= 0) into.statements[i] = st;
    else into.statements.push(st);
  }
}

function docList(v: TfValue | undefined, path: string): TfValue[] {
  if (v === undefined || v === null) return [];
  if (!isList(v)) throw new RenderError(path, `expected a list of policy documents, got ${describeValue(v)}`);
  return [...v];
}

function buildDocument(values: TfObject): Doc {
  const merged: Doc = { version: "", id: "", statements: [] };
  const sids = new Set<string>();
  docList(values.source_policy_documents, "source_policy_documents").forEach((src, i) => {
    if (src === null) return;
    const doc = parseDocument(src, `source_policy_documents[${i}]`);
    doc.statements.forEach((st, j) => {
      if (st.sid === "") return;
      if (sids.has(st.sid))
        throw new RenderError(
          `source_policy_documents[${i}]`,
          `duplicate Sid (${st.sid}) in source_policy_documents (statement ${j}). Remove the Sid or ensure Sids are unique.`,
        );
      sids.add(st.sid);
    });
    merge(merged, doc);
  });
  const version = literal(values.version, "version", "version") ?? "2012-10-17";
  if (!(POLICY_VERSIONS as readonly string[]).includes(version))
    throw new RenderError(
      "version",
      `version must be one of ${POLICY_VERSIONS.join(", ")}, got ${JSON.stringify(version)}`,
    );
  const policyId = values.policy_id;
  if (policyId !== undefined && policyId !== null && !isStr(policyId))
    throw new RenderError("policy_id", `policy_id must be a string, got ${describeValue(policyId)}`);
  const own: Doc = { version, id: policyId ?? "", statements: [] };
  const ownSids = new Set<string>();
  for (const b of blocks(values.statement, "statement")) {
    const st = buildStatement(b, version);
    if (st.sid !== "" && ownSids.has(st.sid))
      throw new RenderError(
        `${b.path}.sid`,
        `duplicate Sid (${st.sid}). Remove the Sid or ensure the Sid is unique.`,
      );
    if (st.sid !== "") ownSids.add(st.sid);
    own.statements.push(st);
  }
  merge(merged, own);
  docList(values.override_policy_documents, "override_policy_documents").forEach((o, i) => {
    if (o === null) return;
    merge(merged, parseDocument(o, `override_policy_documents[${i}]`));
  });
  return merged;
}

function marshalPrincipals(ps: readonly Principal[]): Out | undefined {
  if (ps.length === 0) return undefined;
  if (ps.length === 1 && ps[0].type === "*") {
    const ids = ps[0].identifiers;
    if (ids === "*" || (Array.isArray(ids) && ids.length === 1 && ids[0] === "*")) return "*";
  }
  const raw = new Map<string, Str | Str[]>();
  for (const p of ps) {
    const cur = raw.get(p.type);
    if (Array.isArray(p.identifiers)) {
      const sorted = [...p.identifiers].sort((a, b) => compareCodePoints(strKey(b), strKey(a)));
      const base = cur === undefined ? [] : Array.isArray(cur) ? cur : [cur];
      raw.set(p.type, [...base, ...sorted]);
    } else {
      raw.set(
        p.type,
        cur === undefined
          ? p.identifiers
          : Array.isArray(cur)
            ? [...cur, p.identifiers]
            : [cur, p.identifiers],
      );
    }
  }
  return { entries: [...raw.keys()].sort(compareCodePoints).map((k) => [k, raw.get(k) as Out] as const) };
}

function marshalConditions(cs: readonly Condition[]): Out | undefined {
  if (cs.length === 0) return undefined;
  const raw = new Map<string, Map<string, Str[]>>();
  for (const c of cs) {
    const byVar = raw.get(c.test) ?? new Map<string, Str[]>();
    raw.set(c.test, byVar);
    const list = byVar.get(c.variable) ?? [];
    byVar.set(c.variable, [...list, ...(Array.isArray(c.values) ? c.values : [c.values])]);
  }
  return {
    entries: [...raw.keys()].sort(compareCodePoints).map((test) => {
      const byVar = raw.get(test) as Map<string, Str[]>;
      return [
        test,
        {
          entries: [...byVar.keys()].sort(compareCodePoints).map((v) => {
            const items = byVar.get(v) as Str[];
            return [v, items.length === 1 ? items[0] : items] as const;
          }),
        },
      ] as const;
    }),
  };
}

function marshalDoc(doc: Doc): Out {
  const entries: [string, Out][] = [];
  if (doc.version !== "") entries.push(["Version", doc.version]);
  if (strKey(doc.id) !== "") entries.push(["Id", doc.id]);
  if (doc.statements.length > 0) {
    entries.push([
      "Statement",
      doc.statements.map((st) => {
        const e: [string, Out][] = [];
        const add = (k: string, v: Out | undefined) => {
          if (v !== undefined) e.push([k, v]);
        };
        if (st.sid !== "") e.push(["Sid", st.sid]);
        if (strKey(st.effect) !== "") e.push(["Effect", st.effect]);
        add("Action", st.actions);
        add("NotAction", st.notActions);
        add("Resource", st.resources);
        add("NotResource", st.notResources);
        add("Principal", marshalPrincipals(st.principals));
        add("NotPrincipal", marshalPrincipals(st.notPrincipals));
        add("Condition", marshalConditions(st.conditions));
        return { entries: e };
      }),
    ]);
  }
  return { entries };
}

function isPlain(v: Out): v is OrderedJson {
  if (v instanceof TfSymbol || v instanceof TfTemplate) return false;
  if (Array.isArray(v)) return (v as readonly Out[]).every(isPlain);
  if (v !== null && typeof v === "object")
    return (v as { entries: readonly (readonly [string, Out])[] }).entries.every(([, x]) => isPlain(x));
  return true;
}

function toValue(v: Out): TfValue {
  if (v === null || typeof v !== "object" || v instanceof TfSymbol || v instanceof TfTemplate) return v;
  if (Array.isArray(v)) return (v as readonly Out[]).map(toValue);
  const o: Record<string, TfValue> = {};
  for (const [k, x] of (v as { entries: readonly (readonly [string, Out])[] }).entries) o[k] = toValue(x);
  return o;
}
