/**
 * Reads a policy attribute back into a PolicyDocument: from a `data "aws_iam_policy_document"` block,
 * from literal JSON, or from the document recorded when the baseline wrote it with `jsonencode`.
 */
import type { IndexedElement, StackIndex } from "./guard-stack-index";
import {
  recordedPolicyDocument,
  type ConditionBlock,
  type PolicyDocument,
  type PolicyPrincipal,
  type PolicyStatement,
} from "./policy-document";

export type PolicyRead =
  { readonly ok: true; readonly document: PolicyDocument } | { readonly ok: false; readonly reason: string };

/** `value` is the resolved attribute (`attribute` names it in messages); `owner` is the element that carries it. */
export function readPolicy(
  index: StackIndex,
  owner: IndexedElement,
  attribute: string,
  value: unknown,
): PolicyRead {
  const dataDoc = index.referenced(value);
  if (dataDoc && dataDoc.type === "aws_iam_policy_document" && dataDoc.address.startsWith("data.")) {
    return fromDataSource(dataDoc);
  }
  if (typeof value === "string") {
    // Literal JSON, possibly with `${...}` references inside string values, as Terraform interpolates them.
    let parsed: unknown;
    let parseError: string | undefined;
    try {
      parsed = JSON.parse(value.replace(/\$\$\{/g, "${"));
    } catch (e) {
      parseError = (e as Error).message;
    }
    if (parseError === undefined) {
      try {
        return { ok: true, document: normaliseDocument(parsed) };
      } catch (e) {
        return {
          ok: false,
          reason: `${owner.address}.${attribute} is not a readable IAM policy: ${(e as Error).message}`,
        };
      }
    }
    if (!value.replace(/\$\$\{/g, "").includes("${")) {
      return { ok: false, reason: `${owner.address}.${attribute} is not valid JSON: ${parseError}` };
    }
  }
  const recorded = recordedPolicyDocument(owner.element);
  if (recorded) {
    try {
      return { ok: true, document: normaliseDocument(index.resolve(recorded)) };
    } catch (e) {
      return { ok: false, reason: `${owner.address}.${attribute}: ${(e as Error).message}` };
    }
  }
  return {
    ok: false,
    reason: `${owner.address}.${attribute} is an expression the guard cannot read (${String(value).slice(0, 120)}); write it as a data "aws_iam_policy_document" or as literal JSON`,
  };
}

function fromDataSource(data: IndexedElement): PolicyRead {
  const a = data.attributes;
  for (const merging of [
    "source_policy_documents",
    "override_policy_documents",
    "source_json",
    "override_json",
  ]) {
    if (a[merging] !== undefined)
      return {
        ok: false,
        reason: `${data.address} merges other documents (${merging}), which the guard cannot read`,
      };
  }
  const statements = asArray(a.statement).map((raw): PolicyStatement => {
    const s = raw as Record<string, unknown>;
    const condition: Record<string, Record<string, string[]>> = {};
    for (const c of asArray(s.condition) as Record<string, unknown>[]) {
      const test = String(c.test);
      const variable = String(c.variable);
      condition[test] ??= {};
      condition[test][variable] = [...(condition[test][variable] ?? []), ...strings(c.values)];
    }
    return {
      Sid: s.sid === undefined ? undefined : String(s.sid),
      Effect: s.effect === "Deny" ? "Deny" : "Allow",
      Action: optionalStrings(s.actions),
      NotAction: optionalStrings(s.not_actions),
      Resource: optionalStrings(s.resources),
      NotResource: optionalStrings(s.not_resources),
      Principal: principalFromBlocks(s.principals),
      NotPrincipal: principalFromBlocks(s.not_principals),
      Condition: Object.keys(condition).length > 0 ? condition : undefined,
    };
  });
  return { ok: true, document: { Version: "2012-10-17", Statement: statements } };
}

function principalFromBlocks(blocks: unknown): PolicyPrincipal | undefined {
  const list = asArray(blocks) as Record<string, unknown>[];
  if (list.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const b of list) {
    if (b.type === "*") return "*";
    out[String(b.type)] = [...(out[String(b.type)] ?? []), ...strings(b.identifiers)];
  }
  return out;
}

/** IAM JSON (any of its shorthand forms) into the list-valued PolicyDocument shape. */
export function normaliseDocument(raw: unknown): PolicyDocument {
  if (typeof raw !== "object" || raw === null || !("Statement" in raw)) throw new Error("no Statement");
  const statements = asArray((raw as { Statement: unknown }).Statement).map((value): PolicyStatement => {
    if (typeof value !== "object" || value === null) throw new Error("a Statement entry is not an object");
    const s = value as Record<string, unknown>;
    if (s.Effect !== "Allow" && s.Effect !== "Deny")
      throw new Error(`Effect must be Allow or Deny, not ${JSON.stringify(s.Effect)}`);
    return {
      Sid: s.Sid === undefined ? undefined : String(s.Sid),
      Effect: s.Effect,
      Action: optionalStrings(s.Action),
      NotAction: optionalStrings(s.NotAction),
      Resource: optionalStrings(s.Resource),
      NotResource: optionalStrings(s.NotResource),
      Principal: normalisePrincipal(s.Principal),
      NotPrincipal: normalisePrincipal(s.NotPrincipal),
      Condition: normaliseCondition(s.Condition),
    };
  });
  return { Version: "2012-10-17", Statement: statements };
}

function normalisePrincipal(p: unknown): PolicyPrincipal | undefined {
  if (p === undefined) return undefined;
  if (p === "*") return "*";
  if (typeof p !== "object" || p === null)
    throw new Error(`Principal must be "*" or an object, not ${JSON.stringify(p)}`);
  return Object.fromEntries(Object.entries(p).map(([type, ids]) => [type, strings(ids)]));
}

function normaliseCondition(c: unknown): ConditionBlock | undefined {
  if (c === undefined) return undefined;
  if (typeof c !== "object" || c === null) throw new Error("Condition must be an object");
  return Object.fromEntries(
    Object.entries(c).map(([op, keys]) => {
      if (typeof keys !== "object" || keys === null) throw new Error(`Condition ${op} must be an object`);
      return [op, Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, strings(v)]))];
    }),
  );
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function strings(v: unknown): string[] {
  return asArray(v).map((x) => String(x).replace(/&\{/g, "${"));
}

function optionalStrings(v: unknown): string[] | undefined {
  return v === undefined ? undefined : strings(v);
}
