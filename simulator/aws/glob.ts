/**
 * IAM wildcard and policy-variable matching. `*` matches any run of characters, `?` one character;
 * `${key}` is replaced by the request's value of that key, `${key, 'default'}` falls back to the
 * default, and `${*}`, `${?}`, `${$}` stand for the literal characters.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */

/** Looks a policy variable up in the request context; `undefined` when absent or multi-valued. */
export type VariableLookup = (key: string) => string | undefined;

/** A variable with no value and no default: the value never matches. */
export const UNRESOLVED = Symbol("unresolved policy variable");

const SPECIAL: Readonly<Record<string, string>> = { "${*}": "*", "${?}": "?", "${$}": "$" };

export function hasVariables(text: string): boolean {
  return text.includes("${");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Builds the regular-expression source (wildcards on) or the literal string (wildcards off) for a
 * pattern, replacing policy variables. Returns UNRESOLVED when a variable has no value.
 */
export function expandPattern(
  pattern: string,
  lookup: VariableLookup | null,
  wildcards: boolean,
): string | typeof UNRESOLVED {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (wildcards && (c === "*" || c === "?")) {
      out += c === "*" ? ".*" : ".";
      i++;
      continue;
    }
    if (c === "$" && pattern[i + 1] === "{") {
      const end = pattern.indexOf("}", i + 2);
      if (end !== -1) {
        const token = pattern.slice(i, end + 1);
        const literal: string | typeof UNRESOLVED =
          token in SPECIAL ? SPECIAL[token] : resolveVariable(token, lookup);
        if (literal === UNRESOLVED) return UNRESOLVED;
        out += wildcards ? escapeRegExp(literal) : literal;
        i = end + 1;
        continue;
      }
    }
    out += wildcards ? escapeRegExp(c) : c;
    i++;
  }
  return out;
}

function resolveVariable(token: string, lookup: VariableLookup | null): string | typeof UNRESOLVED {
  const inner = token.slice(2, -1);
  const comma = inner.indexOf(",");
  const key = (comma === -1 ? inner : inner.slice(0, comma)).trim();
  const value = lookup?.(key);
  if (value !== undefined) return value;
  if (comma !== -1) {
    const def = inner.slice(comma + 1).trim();
    if (def.length >= 2 && def.startsWith("'") && def.endsWith("'")) return def.slice(1, -1);
  }
  return UNRESOLVED;
}

const regexCache = new Map<string, RegExp>();

/** A cached anchored regular expression for an expanded wildcard pattern. */
export function anchored(source: string, ignoreCase: boolean): RegExp {
  const key = ignoreCase ? `i${source}` : `s${source}`;
  let re = regexCache.get(key);
  if (!re) {
    if (regexCache.size > 20_000) regexCache.clear();
    re = new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
    regexCache.set(key, re);
  }
  return re;
}

/**
 * A wildcard pattern compiled once. Patterns without policy variables are matched with a regular
 * expression built at compile time (or plain equality when they hold no wildcard).
 */
export class Glob {
  private readonly exact: string | undefined;
  private readonly re: RegExp | undefined;
  readonly dynamic: boolean;
  constructor(
    readonly pattern: string,
    private readonly ignoreCase: boolean,
  ) {
    this.dynamic = hasVariables(pattern);
    if (!this.dynamic) {
      if (!pattern.includes("*") && !pattern.includes("?"))
        this.exact = ignoreCase ? pattern.toLowerCase() : pattern;
      else this.re = anchored(expandPattern(pattern, null, true) as string, ignoreCase);
    }
  }

  /** true / false, or UNRESOLVED when a policy variable has no value. */
  test(value: string, lookup: VariableLookup): boolean | typeof UNRESOLVED {
    if (this.exact !== undefined) return (this.ignoreCase ? value.toLowerCase() : value) === this.exact;
    if (this.re) return this.re.test(value);
    const src = expandPattern(this.pattern, lookup, true);
    if (src === UNRESOLVED) return UNRESOLVED;
    return anchored(src, this.ignoreCase).test(value);
  }
}
