/**
 * The resolved Terraform model: what the loader produces from `cdk.tf.json` or plan JSON, and the only
 * thing the provider evaluators read. Values are plain JSON plus three markers for what is not known
 * before apply or could not be interpreted.
 */

/** A computed attribute of a resource in this configuration (`${azuread_group.admins.object_id}`), known only after apply. Evaluators compare symbols by identity (address + attribute). */
export class TfSymbol {
  constructor(
    /** Resource address, e.g. `azuread_group.admins`, `data.terraform_remote_state.net`. */
    readonly address: string,
    /** Attribute path after the address, e.g. `object_id`, `outputs.vpc_id`. */
    readonly attribute: string,
  ) {}
  /** `address.attribute`, the canonical key of the symbol. */
  get key(): string {
    return `${this.address}.${this.attribute}`;
  }
  toString(): string {
    return `\${${this.key}}`;
  }
}

/** A string with symbols spliced in, e.g. `arn:aws:s3:::${aws_s3_bucket.state.bucket}/*` where the part is computed. Adjacent literal parts are merged; at least one part is a symbol. */
export class TfTemplate {
  constructor(readonly parts: readonly (string | TfSymbol)[]) {}
  toString(): string {
    return this.parts.map(String).join("");
  }
}

/** A JSON-encoded string (the result of `jsonencode(...)` or a rendered `aws_iam_policy_document`) whose content still holds symbols; `value` is the structure it encodes. Without symbols the loader gives the plain string instead, exactly as Terraform would. */
export class TfJson {
  constructor(readonly value: TfValue) {}
}

/** A value the loader could not interpret (unsupported function, unknown plan value, dangling reference). Evaluators that meet it must answer `indeterminate` with this location and reason. */
export class TfIndeterminate {
  constructor(
    readonly location: TfLocation,
    readonly reason: string,
    /** The expression text, when there was one. */
    readonly expression?: string,
  ) {}
  toString(): string {
    return `${formatLocation(this.location)}: ${this.reason}${this.expression ? ` (in ${this.expression})` : ""}`;
  }
}

export type TfScalar = null | boolean | number | string;
export type TfMarker = TfSymbol | TfTemplate | TfJson | TfIndeterminate;
export type TfValue = TfScalar | TfMarker | readonly TfValue[] | TfObject;
export interface TfObject {
  readonly [key: string]: TfValue;
}

/** Where something is: stack, resource address and attribute path (`conditions.users.excluded_users[0]`). */
export interface TfLocation {
  readonly stack: string;
  readonly address: string;
  readonly path?: string;
  /** The source file, when the model was loaded from disk. */
  readonly file?: string;
}

export function formatLocation(loc: TfLocation): string {
  const where = `${loc.stack}: ${loc.address}${loc.path ? ` ${loc.path}` : ""}`;
  return loc.file ? `${where} (${loc.file})` : where;
}

export interface TfResource {
  /** `aws_iam_policy.force_mfa`, `data.aws_iam_policy_document.x`, or with a `module.<name>.` prefix from plans. */
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** Resolved attributes. Nested blocks keep the shape they had (object, or array of objects); read them through `block`/`blocks` in `read.ts`. */
  readonly values: TfObject;
  readonly location: TfLocation;
}

export interface TfDiagnostic {
  readonly severity: "error" | "warning";
  readonly location: TfLocation;
  readonly message: string;
}

/** One stack (one `cdk.tf.json`, or one plan). Addresses are unique within a stack. */
export interface TerraformModel {
  readonly stack: string;
  /** Every managed resource and data source, by address. */
  readonly resources: ReadonlyMap<string, TfResource>;
  /** Managed resources of one type (data sources are under `data.<type>` addresses and `dataSourcesOfType`). */
  resourcesOfType(type: string): readonly TfResource[];
  dataSourcesOfType(type: string): readonly TfResource[];
  readonly variables: ReadonlyMap<string, TfValue>;
  readonly locals: ReadonlyMap<string, TfValue>;
  readonly outputs: ReadonlyMap<string, TfValue>;
  /** Problems found while loading that did not stop it (each also stands as a TfIndeterminate where it matters). */
  readonly diagnostics: readonly TfDiagnostic[];
}
