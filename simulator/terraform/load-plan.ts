/**
 * Loads the output of `terraform show -json <planfile>` into a resolved TerraformModel.
 * Format: https://developer.hashicorp.com/terraform/internals/json-format
 * - resources come from `planned_values` (root module and `child_modules`, recursively); data sources read
 *   during planning come from `prior_state`;
 * - values that are unknown until apply are omitted from `planned_values` and flagged `true` in the
 *   resource change's `after_unknown`; each becomes a TfSymbol. When the attribute's configuration
 *   expression references exactly one attribute of another object, the symbol is that reference (so that
 *   `policy_id = okta_policy_signon.gsp.id` still links rule and policy) and a warning diagnostic records
 *   the assumption (plan JSON lists an expression's references, not the expression itself); otherwise it
 *   is the resource's own attribute;
 * - `aws_iam_policy_document` data sources whose `json` is unknown are rendered from their planned values.
 */
import { LoadError, where, type SourceRef } from "./errors";
import type { LoadOptions } from "./load-config";
import { buildModel } from "./model-builder";
import {
  TfIndeterminate,
  TfSymbol,
  type TerraformModel,
  type TfDiagnostic,
  type TfLocation,
  type TfResource,
  type TfValue,
} from "./model";
import { renderPolicyDocument } from "./policy-document";
import { formatStep } from "./evaluate";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isPlanJson(json: unknown): boolean {
  return (
    isRecord(json) &&
    typeof json.format_version === "string" &&
    ("planned_values" in json || "resource_changes" in json || "prior_state" in json)
  );
}

interface PlannedResource {
  address: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  values: Record<string, unknown>;
  configAddress: string;
}

interface PendingRef {
  readonly resource: string;
  readonly path: readonly (string | number)[];
  readonly target: string;
  readonly attribute: string;
}

export function loadPlanJson(json: unknown, options: LoadOptions): TerraformModel {
  const src: SourceRef = { stack: options.stack, file: options.file };
  if (!isRecord(json)) throw new LoadError(`${where(src)}: not a Terraform plan: expected a JSON object`);
  const version = json.format_version;
  if (typeof version !== "string")
    throw new LoadError(`${where(src)}: not a Terraform plan: "format_version" is missing`);
  if (!/^1\./.test(version))
    throw new LoadError(
      `${where(src)}: unsupported plan format_version ${JSON.stringify(version)}; supported: 1.x`,
    );
  const diagnostics: TfDiagnostic[] = [];
  const loc = (address: string, path?: string): TfLocation => ({
    stack: options.stack,
    address,
    path,
    file: options.file,
  });

  const planned = new Map<string, PlannedResource>();
  const collect = (module: unknown, path: string, onlyData: boolean) => {
    if (module === undefined || module === null) return;
    if (!isRecord(module)) throw new LoadError(`${where(src, path)}: expected a module object`);
    const resources = module.resources ?? [];
    if (!Array.isArray(resources))
      throw new LoadError(`${where(src, `${path}.resources`)}: expected an array`);
    resources.forEach((r, i) => {
      const rp = `${path}.resources[${i}]`;
      if (!isRecord(r)) throw new LoadError(`${where(src, rp)}: expected a resource object`);
      const { address, mode, type, name } = r;
      if (
        typeof address !== "string" ||
        typeof type !== "string" ||
        typeof name !== "string" ||
        (mode !== "managed" && mode !== "data")
      ) {
        throw new LoadError(
          `${where(src, rp)}: a resource needs string "address", "type", "name" and "mode" ("managed" or "data")`,
        );
      }
      if (onlyData && (mode !== "data" || planned.has(address))) return;
      const values = r.values ?? {};
      if (!isRecord(values)) throw new LoadError(`${where(src, `${rp}.values`)}: expected an object`);
      const moduleAddress = typeof module.address === "string" ? `${module.address}.` : "";
      const configAddress = `${moduleAddress.replace(/\[[^\]]*\]/g, "")}${mode === "data" ? "data." : ""}${type}.${name}`;
      planned.set(address, { address, mode, type, name, values, configAddress });
    });
    const children = module.child_modules ?? [];
    if (!Array.isArray(children))
      throw new LoadError(`${where(src, `${path}.child_modules`)}: expected an array`);
    children.forEach((c, i) => collect(c, `${path}.child_modules[${i}]`, onlyData));
  };
  const plannedValues = json.planned_values;
  if (plannedValues !== undefined && !isRecord(plannedValues))
    throw new LoadError(`${where(src, "planned_values")}: expected an object`);
  collect(plannedValues?.root_module, "planned_values.root_module", false);
  const prior = json.prior_state;
  if (isRecord(prior) && isRecord(prior.values))
    collect(prior.values.root_module, "prior_state.values.root_module", true);

  const unknownByAddress = new Map<string, unknown>();
  const changes = json.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new LoadError(`${where(src, "resource_changes")}: expected an array`);
  for (const c of changes) {
    if (isRecord(c) && typeof c.address === "string" && isRecord(c.change))
      unknownByAddress.set(c.address, c.change.after_unknown);
  }

  const expressions = new Map<string, Record<string, unknown>>();
  const collectConfig = (module: unknown, prefix: string) => {
    if (!isRecord(module)) return;
    if (Array.isArray(module.resources)) {
      for (const r of module.resources) {
        if (isRecord(r) && typeof r.address === "string" && isRecord(r.expressions))
          expressions.set(`${prefix}${r.address}`, r.expressions);
      }
    }
    if (isRecord(module.module_calls)) {
      for (const [name, call] of Object.entries(module.module_calls))
        if (isRecord(call)) collectConfig(call.module, `${prefix}module.${name}.`);
    }
  };
  const configuration = json.configuration;
  if (isRecord(configuration)) collectConfig(configuration.root_module, "");

  const pending: PendingRef[] = [];
  const resources: TfResource[] = [];
  for (const r of planned.values()) {
    const own = (path: readonly (string | number)[]) =>
      new TfSymbol(
        r.address,
        path.reduce<string>((p, s) => formatStep(p, s), ""),
      );
    const exprs = expressions.get(r.configAddress);
    const values = withUnknowns(r.values, unknownByAddress.get(r.address), [], (path, siblings) => {
      const ref = singleReference(expressionAt(exprs, path, siblings));
      if (ref) pending.push({ resource: r.address, path, ...ref });
      return own(path);
    }) as Record<string, TfValue>;
    resources.push({
      address: r.address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      values,
      location: loc(r.address),
    });
  }
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const applyPending = (p: PendingRef) => {
    const target = byAddress.get(p.target);
    const known = target?.values[p.attribute];
    const value: TfValue =
      known !== undefined && !(known instanceof TfSymbol && known.address === p.target)
        ? known
        : new TfSymbol(p.target, p.attribute);
    setAt(byAddress.get(p.resource)?.values as Record<string, TfValue>, p.path, value);
    const path = p.path.reduce<string>((acc, s) => formatStep(acc, s), "");
    diagnostics.push({
      severity: "warning",
      location: loc(p.resource, path),
      message: `unknown until apply; taken to be ${p.target}.${p.attribute}, the only reference in its configuration expression`,
    });
  };
  // References into rendered policy documents wait until the documents are rendered.
  const toDocument = (p: PendingRef) =>
    p.target.startsWith("data.aws_iam_policy_document.") &&
    (p.attribute === "json" || p.attribute === "minified_json");
  pending.filter((p) => !toDocument(p)).forEach(applyPending);
  for (const r of resources) {
    const values = r.values as Record<string, TfValue>;
    if (r.mode === "data" && r.type === "aws_iam_policy_document" && values.json instanceof TfSymbol) {
      const rendered = renderPolicyDocument(values, (path, reason) => {
        const ind = new TfIndeterminate(loc(r.address, path), reason);
        diagnostics.push({ severity: "error", location: ind.location, message: ind.toString() });
        return ind;
      });
      values.json = rendered.json;
      values.minified_json = rendered.minified_json;
    }
  }
  pending.filter(toDocument).forEach(applyPending);

  const variables = new Map<string, TfValue>();
  if (isRecord(json.variables)) {
    for (const [name, v] of Object.entries(json.variables))
      variables.set(name, isRecord(v) && "value" in v ? (v.value as TfValue) : new TfSymbol("var", name));
  }
  const outputs = new Map<string, TfValue>();
  const outputChanges = isRecord(json.output_changes) ? json.output_changes : {};
  if (isRecord(plannedValues?.outputs)) {
    for (const [name, o] of Object.entries(plannedValues.outputs)) {
      const change = outputChanges[name];
      if (isRecord(o) && "value" in o) outputs.set(name, o.value as TfValue);
      else if (isRecord(change) && change.after_unknown === true)
        outputs.set(name, new TfSymbol(`output.${name}`, "value"));
      else
        outputs.set(
          name,
          new TfIndeterminate(loc(`output.${name}`), "the plan holds no value for this output"),
        );
    }
  }
  return buildModel(options.stack, resources, variables, new Map(), outputs, diagnostics);
}

/** The one attribute reference of an expression (`{"references": ["a.b.id", "a.b"]}`), if it has exactly one. */
function singleReference(expr: unknown): { target: string; attribute: string } | undefined {
  if (!isRecord(expr) || !Array.isArray(expr.references)) return undefined;
  const refs = expr.references.filter((r): r is string => typeof r === "string");
  // Terraform lists each traversal and its containing object; keep the most specific ones.
  const specific = refs.filter((r) => !refs.some((o) => o !== r && o.startsWith(`${r}.`)));
  if (specific.length !== 1) return undefined;
  const parts = specific[0].split(".");
  const n =
    parts[0] === "data" ? 3 : parts[0] === "module" ? 2 : parts[0] === "var" || parts[0] === "local" ? 0 : 2;
  if (n === 0 || parts.length <= n) return undefined;
  return { target: parts.slice(0, n).join("."), attribute: parts.slice(n).join(".") };
}

function setAt(root: Record<string, TfValue>, path: readonly (string | number)[], value: TfValue): void {
  let cur: unknown = root;
  for (const step of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[step];
  (cur as Record<string | number, TfValue>)[path[path.length - 1]] = value;
}

/**
 * The configuration expression for the value at `path`: attributes map to `{references}` or
 * `{constant_value}`, nested blocks to arrays of such maps. An element of a one-element list takes the
 * list's expression (`groups_included = [okta_group.admins.id]`).
 */
function expressionAt(exprs: unknown, path: readonly (string | number)[], siblings: number): unknown {
  let cur = exprs;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (isRecord(cur) && ("references" in cur || "constant_value" in cur)) {
      return i === path.length - 1 && typeof step === "number" && siblings === 1 ? cur : undefined;
    }
    if (Array.isArray(cur) && typeof step === "number") cur = cur[step];
    else if (isRecord(cur) && typeof step === "string") cur = cur[step];
    else return undefined;
  }
  return cur;
}

/** Plan values with every `after_unknown: true` position replaced. */
function withUnknowns(
  v: unknown,
  unknown: unknown,
  path: (string | number)[],
  onUnknown: (path: readonly (string | number)[], siblings: number) => TfValue,
  siblings = 0,
): unknown {
  if (unknown === true) return onUnknown(path, siblings);
  if (Array.isArray(unknown)) {
    const list = Array.isArray(v) ? [...(v as unknown[])] : [];
    const n = Math.max(list.length, unknown.length);
    unknown.forEach((u, i) => {
      list[i] = withUnknowns(list[i], u, [...path, i], onUnknown, n);
    });
    return list;
  }
  if (isRecord(unknown)) {
    const o: Record<string, unknown> = isRecord(v) ? { ...v } : {};
    for (const [k, u] of Object.entries(unknown)) {
      if (u === false) continue;
      o[k] = withUnknowns(o[k], u, [...path, k], onUnknown);
    }
    return o;
  }
  return v;
}
