/**
 * Loads one `cdk.tf.json` (Terraform JSON configuration syntax) into a resolved TerraformModel.
 * https://developer.hashicorp.com/terraform/language/syntax/json
 *
 * Every string is a template: `${...}` references resolve (a configured attribute of another resource to
 * its resolved value, anything else of a resource or data source to a TfSymbol), `$${` is a literal `${`.
 * Expression problems — unsupported syntax or functions, dangling references, cycles (at resource level,
 * as Terraform's graph has them) — make that value a TfIndeterminate and add an error diagnostic; only
 * input that is not Terraform JSON at all is a LoadError.
 */
import { LoadError, where, type SourceRef } from "./errors";
import { evaluate, formatStep, traverse, type EvalContext, type EvalScope, type Step } from "./evaluate";
import { HclSyntaxError, parseJsonStringTemplate } from "./hcl-parser";
import { buildModel } from "./model-builder";
import {
  TfIndeterminate,
  TfSymbol,
  type TerraformModel,
  type TfDiagnostic,
  type TfLocation,
  type TfObject,
  type TfValue,
} from "./model";
import { renderPolicyDocument } from "./policy-document";
import { POLICY_ATTRIBUTES, policyJsonProblem } from "./policy-json";
import { describeValue } from "./values";

export interface LoadOptions {
  readonly stack: string;
  readonly file?: string;
}

export const CONFIG_TOP_LEVEL_KEYS = [
  "//",
  "terraform",
  "provider",
  "resource",
  "data",
  "variable",
  "locals",
  "output",
  "module",
  "moved",
  "import",
  "check",
  "removed",
] as const;

/** Meta-arguments and cdktf metadata that are not resource attributes. */
const META_KEYS = new Set([
  "//",
  "depends_on",
  "lifecycle",
  "provider",
  "provisioner",
  "connection",
  "count",
  "for_each",
  "dynamic",
]);

const UNSUPPORTED_ROOTS: Record<string, string> = {
  count: "count.index is only meaningful in resources with count, which the loader does not expand",
  each: "each.key/each.value are only meaningful in resources with for_each, which the loader does not expand",
  self: "self is only meaningful in provisioners",
  path: "path.* values depend on the working directory",
  terraform: "terraform.* values depend on the workspace",
};

interface RawBlock {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isTerraformConfigJson(json: unknown): boolean {
  if (!isRecord(json)) return false;
  const keys = Object.keys(json);
  return keys.length > 0 && keys.every((k) => (CONFIG_TOP_LEVEL_KEYS as readonly string[]).includes(k));
}

export function loadTerraformJson(json: unknown, options: LoadOptions): TerraformModel {
  return new ConfigResolver(json, options).run();
}

class ConfigResolver implements EvalScope {
  private readonly src: SourceRef;
  private readonly blocks = new Map<string, RawBlock>();
  private readonly resolved = new Map<string, TfObject>();
  private readonly variableDecls = new Map<string, Record<string, unknown>>();
  private readonly localExprs = new Map<string, unknown>();
  private readonly localValues = new Map<string, TfValue>();
  private readonly modules = new Set<string>();
  private readonly outputExprs = new Map<string, unknown>();
  /** Resources and locals being resolved, innermost last (for cycle messages). */
  private readonly inProgress: string[] = [];
  private readonly diagnostics: TfDiagnostic[] = [];

  constructor(
    json: unknown,
    private readonly options: LoadOptions,
  ) {
    this.src = { stack: options.stack, file: options.file };
    if (!isRecord(json))
      throw new LoadError(
        `${where(this.src)}: not Terraform JSON: expected an object at the top level, got ${Array.isArray(json) ? "an array" : typeof json}`,
      );
    for (const key of Object.keys(json)) {
      if (!(CONFIG_TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
        throw new LoadError(
          `${where(this.src)}: not Terraform JSON: unknown top-level key ${JSON.stringify(key)}; allowed: ${CONFIG_TOP_LEVEL_KEYS.join(", ")}`,
        );
      }
    }
    this.collectBlocks(json.resource, "managed", "resource");
    this.collectBlocks(json.data, "data", "data");
    for (const [name, decl] of this.namedObjects(json.variable, "variable"))
      this.variableDecls.set(name, decl);
    for (const [name, decl] of this.namedObjects(json.output, "output"))
      this.outputExprs.set(name, decl.value);
    for (const [name] of this.namedObjects(json.module, "module")) this.modules.add(name);
    const locals = json.locals === undefined ? [] : Array.isArray(json.locals) ? json.locals : [json.locals];
    for (const l of locals) {
      if (!isRecord(l))
        throw new LoadError(
          `${where(this.src, "locals")}: expected an object of local values, got ${typeName(l)}`,
        );
      for (const [k, v] of Object.entries(l)) this.localExprs.set(k, v);
    }
  }

  run(): TerraformModel {
    const resources = [...this.blocks.values()].map((b) => ({
      address: b.address,
      mode: b.mode,
      type: b.type,
      name: b.name,
      values: this.resolveBlock(b.address),
      location: this.loc(b.address),
    }));
    const variables = new Map<string, TfValue>();
    for (const name of this.variableDecls.keys())
      variables.set(name, this.variable(name, this.contextFor({ address: `var.${name}` }, "")));
    const locals = new Map<string, TfValue>();
    for (const name of this.localExprs.keys())
      locals.set(name, this.local(name, this.contextFor({ address: `local.${name}` }, "")));
    const outputs = new Map<string, TfValue>();
    for (const [name, expr] of this.outputExprs)
      outputs.set(name, this.value(expr, `output.${name}`, "value"));
    return buildModel(this.options.stack, resources, variables, locals, outputs, this.diagnostics);
  }

  // ---- structure ----

  private namedObjects(v: unknown, kind: string): [string, Record<string, unknown>][] {
    if (v === undefined) return [];
    const groups = Array.isArray(v) ? v : [v];
    const out: [string, Record<string, unknown>][] = [];
    for (const g of groups) {
      if (!isRecord(g))
        throw new LoadError(
          `${where(this.src, kind)}: expected an object of ${kind} blocks by name, got ${typeName(g)}`,
        );
      for (const [name, body] of Object.entries(g)) {
        for (const b of Array.isArray(body) ? body : [body]) {
          if (!isRecord(b))
            throw new LoadError(
              `${where(this.src, `${kind}.${name}`)}: expected an object, got ${typeName(b)}`,
            );
          out.push([name, b]);
        }
      }
    }
    return out;
  }

  private collectBlocks(v: unknown, mode: "managed" | "data", kind: string): void {
    if (v === undefined) return;
    const groups = Array.isArray(v) ? v : [v];
    for (const g of groups) {
      if (!isRecord(g))
        throw new LoadError(
          `${where(this.src, kind)}: expected an object of ${kind} types, got ${typeName(g)}`,
        );
      for (const [type, byName] of Object.entries(g)) {
        for (const [name, body] of this.namedObjects(byName, `${kind}.${type}`)) {
          const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
          if (this.blocks.has(address))
            throw new LoadError(`${where(this.src, address)}: declared more than once`);
          this.blocks.set(address, { address, mode, type, name, body });
        }
      }
    }
  }

  // ---- values ----

  private loc(address: string, path?: string): TfLocation {
    return {
      stack: this.options.stack,
      address,
      path: path === "" ? undefined : path,
      file: this.options.file,
    };
  }

  private contextFor(at: { address: string }, path: string, expression?: string): EvalContext {
    return {
      scope: this,
      fail: (reason) => {
        const location = this.loc(at.address, path);
        const ind = new TfIndeterminate(location, reason, expression);
        this.diagnostics.push({ severity: "error", location, message: ind.toString() });
        return ind;
      },
    };
  }

  /** A raw JSON value of the configuration, with every string evaluated as a template. */
  private value(raw: unknown, address: string, path: string): TfValue {
    if (typeof raw === "string") return this.template(raw, address, path);
    if (raw === null || typeof raw === "boolean" || typeof raw === "number") return raw;
    if (Array.isArray(raw)) return raw.map((x, i) => this.value(x, address, `${path}[${i}]`));
    if (isRecord(raw)) {
      const out: Record<string, TfValue> = {};
      for (const [k, v] of Object.entries(raw)) {
        const key = k.includes("${") || k.includes("%{") ? this.template(k, address, path) : k;
        if (typeof key !== "string") {
          out[k] =
            key instanceof TfIndeterminate
              ? key
              : this.contextFor({ address }, formatStep(path, k), k).fail(
                  `an object key must be a known string, got ${describeValue(key)}`,
                );
          continue;
        }
        out[key] = this.value(v, address, formatStep(path, key));
      }
      return out;
    }
    return this.contextFor({ address }, path).fail(`unsupported JSON value ${typeName(raw)}`);
  }

  private template(text: string, address: string, path: string): TfValue {
    const ctx = this.contextFor({ address }, path, text);
    try {
      return evaluate(parseJsonStringTemplate(text), ctx);
    } catch (err) {
      if (err instanceof HclSyntaxError) return ctx.fail(err.message);
      throw err;
    }
  }

  private resolveBlock(address: string): TfObject {
    const done = this.resolved.get(address);
    if (done) return done;
    const block = this.blocks.get(address) as RawBlock;
    this.inProgress.push(address);
    const values: Record<string, TfValue> = {};
    const expanded = ["count", "for_each"].find((k) => k in block.body);
    for (const [k, raw] of Object.entries(block.body)) {
      if (META_KEYS.has(k)) continue;
      values[k] = expanded
        ? this.contextFor({ address }, k).fail(
            `resources with ${expanded} are not supported: the loader cannot tell how many instances exist`,
          )
        : this.value(raw, address, k);
    }
    const dynamic = block.body.dynamic;
    if (isRecord(dynamic)) {
      for (const name of Object.keys(dynamic))
        values[name] = this.contextFor({ address }, name).fail(
          `dynamic "${name}" blocks are not supported: their content depends on iteration the loader does not perform`,
        );
    }
    if (block.mode === "managed") {
      for (const attr of POLICY_ATTRIBUTES[block.type] ?? []) {
        const v = values[attr];
        if (typeof v !== "string") continue;
        const problem = policyJsonProblem(v, block.type);
        if (problem) values[attr] = this.contextFor({ address }, attr).fail(problem);
      }
    }
    if (block.mode === "data" && block.type === "aws_iam_policy_document") {
      const rendered = renderPolicyDocument(values, (path, reason) =>
        this.contextFor({ address }, path).fail(reason),
      );
      if (!("json" in values)) values.json = rendered.json;
      if (!("minified_json" in values)) values.minified_json = rendered.minified_json;
    }
    this.inProgress.pop();
    this.resolved.set(address, values);
    return values;
  }

  private cycleCheck(key: string, ctx: EvalContext): TfIndeterminate | undefined {
    const i = this.inProgress.indexOf(key);
    if (i < 0) return undefined;
    return ctx.fail(`cyclic reference: ${[...this.inProgress.slice(i), key].join(" -> ")}`);
  }

  private variable(name: string, ctx: EvalContext): TfValue {
    const decl = this.variableDecls.get(name);
    if (!decl)
      return ctx.fail(
        `reference to undeclared variable var.${name}; declared: ${[...this.variableDecls.keys()].join(", ") || "none"}`,
      );
    // Terraform evaluates variable defaults without a scope: JSON strings there are literal, not templates.
    if ("default" in decl) return literalValue(decl.default);
    // No default: the value is supplied at plan time; it is compared by identity.
    return new TfSymbol("var", name);
  }

  private local(name: string, ctx: EvalContext): TfValue {
    const key = `local.${name}`;
    const done = this.localValues.get(name);
    if (done !== undefined) return done;
    if (!this.localExprs.has(name)) return ctx.fail(`reference to undeclared local value local.${name}`);
    const cycle = this.cycleCheck(key, ctx);
    if (cycle) return cycle;
    this.inProgress.push(key);
    const v = this.value(this.localExprs.get(name), key, "");
    this.inProgress.pop();
    this.localValues.set(name, v);
    return v;
  }

  reference(root: string, steps: readonly Step[], ctx: EvalContext): TfValue {
    const need = (n: number, form: string): TfIndeterminate | undefined =>
      steps.length >= n && steps.slice(0, n).every((s) => typeof s === "string")
        ? undefined
        : ctx.fail(`incomplete reference: expected ${form}`);
    if (root === "var") {
      const bad = need(1, "var.<name>");
      if (bad) return bad;
      return traverse(this.variable(steps[0] as string, ctx), steps.slice(1), ctx);
    }
    if (root === "local") {
      const bad = need(1, "local.<name>");
      if (bad) return bad;
      return traverse(this.local(steps[0] as string, ctx), steps.slice(1), ctx);
    }
    if (root === "module") {
      const bad = need(2, "module.<name>.<output>");
      if (bad) return bad;
      const name = steps[0] as string;
      if (!this.modules.has(name)) return ctx.fail(`reference to undeclared module module.${name}`);
      return new TfSymbol(
        `module.${name}`,
        steps.slice(1).reduce<string>((p, s) => formatStep(p, s), ""),
      );
    }
    if (root in UNSUPPORTED_ROOTS)
      return ctx.fail(`${root}.* references are not supported: ${UNSUPPORTED_ROOTS[root]}`);
    const isData = root === "data";
    const bad = isData ? need(2, "data.<type>.<name>.<attribute>") : need(1, `${root}.<name>.<attribute>`);
    if (bad) return bad;
    const address = isData
      ? `data.${steps[0] as string}.${steps[1] as string}`
      : `${root}.${steps[0] as string}`;
    const rest = steps.slice(isData ? 2 : 1);
    if (!this.blocks.has(address))
      return ctx.fail(`reference to ${address}, which is not declared in this stack`);
    if (rest.length === 0)
      return ctx.fail(
        `a reference to the whole of ${address} is not supported; reference one of its attributes`,
      );
    const cycle = this.cycleCheck(address, ctx);
    if (cycle) return cycle;
    return traverse(this.resolveBlock(address), rest, ctx, { address, path: "" });
  }
}

function literalValue(v: unknown): TfValue {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(literalValue);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literalValue(x)]));
  return v as TfValue;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}
