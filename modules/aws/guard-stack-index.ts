/**
 * The resources and data sources of a stack with their attributes resolved (references as
 * `${type.name.attr}` strings, as in cdk.tf.json), for the lockout guards, which run before synth.
 */
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformDataSource,
  TerraformResource,
  TerraformStack,
  Tokenization,
  type TerraformElement,
} from "cdktf";
import type { IConstruct } from "constructs";

export interface IndexedElement {
  readonly element: TerraformElement;
  /** `aws_iam_role.ci`, `data.aws_iam_policy_document.force_mfa`. */
  readonly address: string;
  readonly type: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export class StackIndex {
  private readonly byAddress = new Map<string, IndexedElement>();
  private readonly byConstruct = new Map<IConstruct, IndexedElement>();

  constructor(readonly stack: TerraformStack) {
    for (const node of stack.node.findAll()) {
      const kind =
        node instanceof TerraformResource
          ? "resource"
          : node instanceof TerraformDataSource
            ? "data"
            : undefined;
      if (!kind) continue;
      const element = node as TerraformResource | TerraformDataSource;
      const type = element.terraformResourceType;
      const id = element.friendlyUniqueId;
      const tf = resolveIn(stack, element.toTerraform()) as Record<
        string,
        Record<string, Record<string, Record<string, unknown>>> | undefined
      >;
      const attributes = tf[kind]?.[type]?.[id] ?? {};
      const indexed = {
        element,
        address: kind === "data" ? `data.${type}.${id}` : `${type}.${id}`,
        type,
        attributes,
      };
      this.byAddress.set(indexed.address, indexed);
      this.byConstruct.set(element, indexed);
    }
  }

  static of(node: IConstruct): StackIndex | undefined {
    let stack: TerraformStack;
    try {
      stack = TerraformStack.of(node);
    } catch {
      return undefined;
    }
    const size = stack.node.findAll().length;
    const cached = cache.get(stack);
    if (cached && cached.size === size) return cached.index;
    const index = new StackIndex(stack);
    cache.set(stack, { size, index });
    return index;
  }

  get(address: string): IndexedElement | undefined {
    return this.byAddress.get(address);
  }

  ofConstruct(node: IConstruct): IndexedElement | undefined {
    return this.byConstruct.get(node);
  }

  ofType(type: string): IndexedElement[] {
    return [...this.byAddress.values()].filter((e) => e.type === type && !e.address.startsWith("data."));
  }

  /** The element a `${type.name.attr}` reference points at, when the value is exactly one reference. */
  referenced(value: unknown, attribute?: string): IndexedElement | undefined {
    if (typeof value !== "string") return undefined;
    const m = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)\}$/.exec(value);
    if (!m || (attribute && m[2] !== attribute)) return undefined;
    return this.byAddress.get(m[1]);
  }

  resolve(value: unknown): unknown {
    return resolveIn(this.stack, value);
  }
}

const cache = new WeakMap<TerraformStack, { size: number; index: StackIndex }>();

const resolver = new DefaultTokenResolver(new StringConcat());

/** What synth would write for a value: tokens become `${...}` references. */
function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver });
}
