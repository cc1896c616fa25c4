/**
 * YAML parsed with source positions, so that every problem in a scenario file can name its line and
 * column. Duplicate keys and syntax errors are reported with their position too.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/** A problem in user input, located; the CLI prints it without a stack trace. */
export class InputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "InputError";
  }
}

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      throw new InputError(
        doc.errors.map((e) => {
          const at = lines.linePos(e.pos[0]);
          return `${file}:${at.line}:${at.col}: malformed YAML: ${e.message.split("\n")[0]}`;
        }),
      );
    }
    return new YamlSource(file, doc.toJS({ maxAliasCount: 100 }), doc, lines);
  }

  /** The position of the value at `path`, or of the deepest ancestor that exists (a missing key points at its parent). */
  positionOf(path: readonly PropertyKey[], { key = false } = {}): SourcePosition {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        offset =
          (key && segment === path[path.length - 1] ? keyNode?.range?.[0] : undefined) ??
          (pair.value as Node | null)?.range?.[0] ??
          keyNode?.range?.[0] ??
          offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number" && node.items[segment]) {
        node = node.items[segment];
        offset = (node as Node).range?.[0] ?? offset;
      } else break;
    }
    const at = this.lines.linePos(offset);
    return { file: this.file, line: at.line, column: at.col };
  }

  where(path: readonly PropertyKey[], options?: { key?: boolean }): string {
    return formatPosition(this.positionOf(path, options));
  }
}
