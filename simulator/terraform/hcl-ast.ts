/**
 * The HCL native expression subset the loader evaluates: what cdktf emits inside `${...}` and what
 * hand-written Terraform JSON commonly holds.
 * https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md
 */

export type Traverser =
  | { readonly kind: "attr"; readonly name: string }
  | { readonly kind: "index"; readonly key: Expr }
  | { readonly kind: "splat" };

export type TemplatePart =
  { readonly kind: "literal"; readonly text: string } | { readonly kind: "interp"; readonly expr: Expr };

export type Expr =
  | { readonly kind: "literal"; readonly value: null | boolean | number | string }
  | { readonly kind: "template"; readonly parts: readonly TemplatePart[] }
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "traverse"; readonly target: Expr; readonly traversers: readonly Traverser[] }
  | {
      readonly kind: "call";
      readonly name: string;
      readonly args: readonly Expr[];
      readonly expandFinal: boolean;
    }
  | { readonly kind: "tuple"; readonly items: readonly Expr[] }
  | { readonly kind: "object"; readonly items: readonly { readonly key: Expr; readonly value: Expr }[] }
  | { readonly kind: "unary"; readonly op: "!" | "-"; readonly operand: Expr }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "conditional"; readonly cond: Expr; readonly then: Expr; readonly otherwise: Expr };

export type BinaryOp = "||" | "&&" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "+" | "-" | "*" | "/" | "%";
