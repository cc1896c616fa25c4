/**
 * A small recursive-descent parser for the HCL native-syntax expression subset (see hcl-ast.ts).
 * Grammar and escapes: https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md
 * Template literals in Terraform JSON: https://github.com/hashicorp/hcl/blob/main/json/spec.md
 * Anything outside the subset (for expressions, template directives, heredocs, splats, provider
 * functions) is an `HclSyntaxError` saying what is supported.
 */
import type { BinaryOp, Expr, TemplatePart, Traverser } from "./hcl-ast";

export const SUPPORTED_SYNTAX =
  "supported: literals, quoted strings with ${...} interpolation, references with .attr and [index], " +
  "tuples [...], objects {...}, function calls, unary ! and -, arithmetic, comparison and logical operators, cond ? a : b";

export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "HclSyntaxError";
  }
}

/** A Terraform JSON string value: the whole string is a template (no quote or backslash escapes, JSON already did those). */
export function parseJsonStringTemplate(src: string): Expr {
  // Fast path: most strings hold no template sequence at all.
  if (!src.includes("${") && !src.includes("%{")) return { kind: "literal", value: src };
  const p = new Parser(src);
  const parts = p.templateParts("json");
  return templateExpr(parts);
}

/** A bare HCL expression (for tests and for expression-valued strings). */
export function parseExpression(src: string): Expr {
  const p = new Parser(src);
  const e = p.expression();
  p.skipSpace();
  if (!p.atEnd()) p.fail(`unexpected ${p.describeHere()} after the expression`);
  return e;
}

function templateExpr(parts: TemplatePart[]): Expr {
  if (parts.length === 0) return { kind: "literal", value: "" };
  if (parts.length === 1 && parts[0].kind === "literal") return { kind: "literal", value: parts[0].text };
  return { kind: "template", parts };
}

const BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [
  ["||"],
  ["&&"],
  ["==", "!="],
  ["<=", ">=", "<", ">"],
  ["+", "-"],
  ["*", "/", "%"],
];

const ID_START = /[\p{L}\p{Nl}_]/u;
const ID_CONTINUE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_-]/u;
const NUMBER = /\d+(\.\d+)?([eE][+-]?\d+)?/y;
const DIGITS = /\d+/y;

function isIdStart(c: string): boolean {
  const code = c.charCodeAt(0);
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95) return true;
  return code > 127 && ID_START.test(c);
}

function isIdContinue(c: string): boolean {
  const code = c.charCodeAt(0);
  if (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 45
  )
    return true;
  return code > 127 && ID_CONTINUE.test(c);
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  fail(message: string, at = this.pos): never {
    throw new HclSyntaxError(`${message} at offset ${at}`, at);
  }

  describeHere(): string {
    if (this.atEnd()) return "end of expression";
    return JSON.stringify(this.src.slice(this.pos, this.pos + 12));
  }

  private peek(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  private eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }

  private expect(s: string, what: string): void {
    this.skipSpace();
    if (!this.eat(s)) this.fail(`expected ${what} (${JSON.stringify(s)}), found ${this.describeHere()}`);
  }

  /** Skips whitespace and comments; returns whether a newline was skipped. */
  skipSpace(): boolean {
    let newline = false;
    for (;;) {
      const c = this.src[this.pos];
      if (c === " " || c === "\t" || c === "\r") this.pos++;
      else if (c === "\n") {
        newline = true;
        this.pos++;
      } else if (c === "#" || (c === "/" && this.src[this.pos + 1] === "/")) {
        while (!this.atEnd() && this.src[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && this.src[this.pos + 1] === "*") {
        const end = this.src.indexOf("*/", this.pos + 2);
        if (end < 0) this.fail("unterminated /* comment");
        if (this.src.slice(this.pos, end).includes("\n")) newline = true;
        this.pos = end + 2;
      } else return newline;
    }
  }

  expression(): Expr {
    const cond = this.binary(0);
    const save = this.pos;
    this.skipSpace();
    if (!this.peek("?")) this.pos = save;
    else {
      this.pos++;
      const then = this.expression();
      this.expect(":", "the ':' of a conditional");
      const otherwise = this.expression();
      return { kind: "conditional", cond, then, otherwise };
    }
    return cond;
  }

  private binary(level: number): Expr {
    if (level >= BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const op = BINARY_LEVELS[level].find(
        (o) =>
          this.peek(o) &&
          !(o === "<" && this.peek("<<")) &&
          !(o === "/" && (this.peek("//") || this.peek("/*"))),
      );
      if (!op) {
        this.pos = save;
        return left;
      }
      // `=` alone is not an operator; `==` is handled above. Guard `!` vs `!=`, `<` vs `<=` via order.
      this.pos += op.length;
      const right = this.binary(level + 1);
      left = { kind: "binary", op, left, right };
    }
  }

  private unary(): Expr {
    this.skipSpace();
    if (this.peek("!") && !this.peek("!=")) {
      this.pos++;
      return { kind: "unary", op: "!", operand: this.unary() };
    }
    if (this.peek("-")) {
      this.pos++;
      return { kind: "unary", op: "-", operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(target: Expr): Expr {
    const traversers: Traverser[] = [];
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.peek(".") && !this.peek("...")) {
        this.pos++;
        this.skipSpace();
        if (this.eat("*")) {
          traversers.push({ kind: "splat" });
          continue;
        }
        DIGITS.lastIndex = this.pos;
        const num = DIGITS.exec(this.src);
        if (num) {
          this.pos += num[0].length;
          traversers.push({ kind: "index", key: { kind: "literal", value: Number(num[0]) } });
          continue;
        }
        traversers.push({ kind: "attr", name: this.identifier("an attribute name") });
        continue;
      }
      if (this.peek("[")) {
        this.pos++;
        this.skipSpace();
        if (this.eat("*")) {
          this.expect("]", "the end of a [*] splat");
          traversers.push({ kind: "splat" });
          continue;
        }
        const key = this.expression();
        this.expect("]", "the end of an index");
        traversers.push({ kind: "index", key });
        continue;
      }
      this.pos = save;
      return traversers.length ? { kind: "traverse", target, traversers } : target;
    }
  }

  private identifier(what: string): string {
    const start = this.pos;
    const first = this.src[this.pos];
    if (first === undefined || !isIdStart(first)) this.fail(`expected ${what}, found ${this.describeHere()}`);
    this.pos++;
    while (!this.atEnd() && isIdContinue(this.src[this.pos])) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private primary(): Expr {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === undefined) this.fail("expected an expression, found the end");
    if (c === '"') {
      this.pos++;
      return templateExpr(this.templateParts("quoted"));
    }
    if (c >= "0" && c <= "9") return this.number();
    if (c === "(") {
      this.pos++;
      const e = this.expression();
      this.expect(")", "a closing parenthesis");
      return e;
    }
    if (c === "[") return this.tuple();
    if (c === "{") return this.object();
    if (this.peek("<<")) this.fail(`heredoc templates are not supported; ${SUPPORTED_SYNTAX}`);
    if (isIdStart(c)) {
      const start = this.pos;
      const name = this.identifier("an expression");
      if (name === "true" || name === "false") return { kind: "literal", value: name === "true" };
      if (name === "null") return { kind: "literal", value: null };
      if (this.peek("::"))
        this.fail(
          `provider-defined functions (${this.src.slice(start, this.pos + 2)}...) are not supported; ${SUPPORTED_SYNTAX}`,
          start,
        );
      const save = this.pos;
      this.skipSpace();
      if (this.peek("(")) {
        this.pos++;
        return this.call(name);
      }
      this.pos = save;
      return { kind: "variable", name };
    }
    this.fail(`unexpected ${this.describeHere()}; ${SUPPORTED_SYNTAX}`);
  }

  private number(): Expr {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.src);
    if (!m) this.fail("malformed number");
    this.pos += m[0].length;
    return { kind: "literal", value: Number(m[0]) };
  }

  private call(name: string): Expr {
    const args: Expr[] = [];
    let expandFinal = false;
    for (;;) {
      this.skipSpace();
      if (this.eat(")")) break;
      if (expandFinal) this.fail(`the ... expansion must be on the last argument of ${name}(...)`);
      args.push(this.expression());
      this.skipSpace();
      if (this.eat("...")) {
        expandFinal = true;
        this.skipSpace();
      }
      if (this.eat(",")) continue;
      this.expect(")", `',' or ')' in the arguments of ${name}(...)`);
      break;
    }
    return { kind: "call", name, args, expandFinal };
  }

  private forGuard(kind: string): void {
    const save = this.pos;
    this.skipSpace();
    if (/^for[\s]/.test(this.src.slice(this.pos, this.pos + 4)))
      this.fail(`${kind} for expressions are not supported; ${SUPPORTED_SYNTAX}`);
    this.pos = save;
  }

  private tuple(): Expr {
    this.pos++;
    this.forGuard("[for ...]");
    const items: Expr[] = [];
    for (;;) {
      this.skipSpace();
      if (this.eat("]")) break;
      items.push(this.expression());
      this.skipSpace();
      if (this.eat(",")) continue;
      this.expect("]", "',' or ']' in a tuple");
      break;
    }
    return { kind: "tuple", items };
  }

  private object(): Expr {
    this.pos++;
    this.forGuard("{for ...}");
    const items: { key: Expr; value: Expr }[] = [];
    for (;;) {
      this.skipSpace();
      if (this.eat("}")) break;
      const key = this.objectKey();
      this.skipSpace();
      if (!this.eat("=") && !this.eat(":"))
        this.fail(`expected '=' or ':' after an object key, found ${this.describeHere()}`);
      const value = this.expression();
      items.push({ key, value });
      const newline = this.skipSpace();
      if (this.eat(",")) continue;
      if (this.eat("}")) break;
      if (!newline) this.fail(`expected ',' or '}' between object items, found ${this.describeHere()}`);
    }
    return { kind: "object", items };
  }

  private objectKey(): Expr {
    const c = this.src[this.pos];
    if (c !== undefined && isIdStart(c)) {
      const start = this.pos;
      const name = this.identifier("an object key");
      const save = this.pos;
      this.skipSpace();
      if (this.peek("=") || this.peek(":")) {
        this.pos = save;
        return { kind: "literal", value: name };
      }
      this.pos = start;
    }
    return this.expression();
  }

  /** Template content up to the closing quote (quoted) or the end of the source (json). */
  templateParts(mode: "quoted" | "json"): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let text = "";
    let stripNext = false;
    const pushLiteral = () => {
      if (stripNext) text = text.replace(/^\s+/, "");
      stripNext = false;
      if (text !== "") {
        const last = parts[parts.length - 1];
        if (last && last.kind === "literal")
          parts[parts.length - 1] = { kind: "literal", text: last.text + text };
        else parts.push({ kind: "literal", text });
      }
      text = "";
    };
    for (;;) {
      if (this.atEnd()) {
        if (mode === "quoted") this.fail("unterminated string: missing the closing quote");
        break;
      }
      const c = this.src[this.pos];
      if (mode === "quoted" && c === '"') {
        this.pos++;
        break;
      }
      if (mode === "quoted" && (c === "\n" || c === "\r"))
        this.fail("a quoted string cannot contain a raw line break (use \\n)");
      if (this.peek("$${")) {
        text += "${";
        this.pos += 3;
        continue;
      }
      if (this.peek("%%{")) {
        text += "%{";
        this.pos += 3;
        continue;
      }
      if (this.peek("%{")) this.fail(`template directives (%{ ... }) are not supported; ${SUPPORTED_SYNTAX}`);
      if (this.peek("${")) {
        this.pos += 2;
        const stripBefore = this.eat("~");
        if (stripBefore) text = text.replace(/\s+$/, "");
        pushLiteral();
        const expr = this.expression();
        this.skipSpace();
        const stripAfter = this.eat("~");
        if (!this.eat("}"))
          this.fail(`expected '}' to close the interpolation, found ${this.describeHere()}`);
        parts.push({ kind: "interp", expr });
        stripNext = stripAfter;
        continue;
      }
      if (mode === "quoted" && c === "\\") {
        text += this.escape();
        continue;
      }
      // Copy the run of ordinary characters up to the next one that needs attention.
      let end = this.pos + 1;
      while (end < this.src.length) {
        const d = this.src.charCodeAt(end);
        if (d === 36 || d === 37 || (mode === "quoted" && (d === 34 || d === 92 || d === 10 || d === 13)))
          break;
        end++;
      }
      text += this.src.slice(this.pos, end);
      this.pos = end;
    }
    pushLiteral();
    return parts;
  }

  private escape(): string {
    const start = this.pos;
    const e = this.src[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "u":
      case "U": {
        const len = e === "u" ? 4 : 8;
        const hex = this.src.slice(this.pos, this.pos + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex))
          this.fail(`invalid \\${e} escape: expected ${len} hex digits`, start);
        this.pos += len;
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
          this.fail(`invalid \\${e} escape: not a Unicode scalar value`, start);
        return String.fromCodePoint(cp);
      }
      default:
        return this.fail(
          `invalid escape sequence \\${e ?? ""} in a quoted string (allowed: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN)`,
          start,
        );
    }
  }
}
