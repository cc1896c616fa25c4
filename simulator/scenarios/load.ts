/**
 * Reads scenario files: validates their structure, merges personas under each case's context, and
 * validates the merged context against the provider's strict schema. Every problem is collected and
 * reported with file:line:column, the offending value and what is allowed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { z } from "zod";
import { formatIssues } from "../../modules/spec-errors";
import type { Provider, ProviderAdapter } from "../providers";
import { personasFileSchema, scenarioFileSchema, type Expectation, type Persona, type Tier } from "./schema";
import { InputError, YamlSource, type SourcePosition } from "./yaml-source";

export interface LoadedCase {
  readonly file: string;
  readonly concern: string;
  readonly name: string;
  readonly provider: Provider;
  /** Undefined: the provider's default stack. */
  readonly stack?: string;
  /** Persona fragments merged with the case's own context, validated. */
  readonly context: unknown;
  readonly expect: Expectation;
  readonly tier?: Tier;
  readonly position: SourcePosition;
  readonly note?: string;
}

export type Adapters = Readonly<Record<Provider, ProviderAdapter>>;

/** The personas file shared by all scenario files of a folder. */
export const PERSONAS_FILE = "personas.yaml";

/** Scenario files under the given files/folders (recursively, `*.yaml`/`*.yml`, except personas.yaml). */
export function findScenarioFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean): void => {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      throw new InputError([`${p}: no such file or folder`]);
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p).sort()) visit(join(p, entry), false);
    } else if (explicit || (/\.ya?ml$/.test(p) && basename(p) !== PERSONAS_FILE)) {
      out.push(p);
    }
  };
  for (const p of paths) visit(p, true);
  return out;
}

function readSource(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError([`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  return YamlSource.parse(text, file);
}

/** Each issue's lines, prefixed with file:line:column of the offending value (of the key, for unknown keys). */
function schemaProblems(
  source: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
): string[] {
  return issues.flatMap((issue) => {
    const key = issue.code === "unrecognized_keys";
    const at = key ? [...issue.path, issue.keys[0]] : issue.path;
    return formatIssues([issue], source.value, schema).map((line) => `${source.where(at, { key })}: ${line}`);
  });
}

interface PersonaEntry {
  readonly persona: Persona;
  readonly where: string;
}

export function loadPersonas(file: string): Map<string, PersonaEntry> {
  const source = readSource(file);
  const parsed = personasFileSchema.safeParse(source.value);
  if (!parsed.success) throw new InputError(schemaProblems(source, parsed.error.issues, personasFileSchema));
  return new Map(
    Object.entries(parsed.data.personas).map(([name, persona]) => [
      name,
      { persona, where: source.where(["personas", name], { key: true }) },
    ]),
  );
}

/** Deep merge of context fragments: objects merge key by key, anything else (lists too) is replaced. */
export function mergeContexts(base: unknown, over: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeContexts(out[k], v) : v;
    return out;
  }
  return over === undefined ? base : over;
}

function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let cur = value;
  for (const k of path) {
    if (cur === null || typeof cur !== "object" || !(k in (cur as object))) return false;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Loads every case of the given scenario files. Personas come from the file itself and from the
 * personas.yaml beside it; a file may not redefine a shared persona.
 */
export function loadScenarioFiles(files: readonly string[], adapters: Adapters): LoadedCase[] {
  const problems: string[] = [];
  const cases: LoadedCase[] = [];
  const sharedByDir = new Map<string, ReadonlyMap<string, PersonaEntry>>();
  const sharedFor = (file: string): ReadonlyMap<string, PersonaEntry> => {
    const dir = dirname(file);
    let shared = sharedByDir.get(dir);
    if (!shared) {
      const personasFile = join(dir, PERSONAS_FILE);
      try {
        shared = existsSync(personasFile) ? loadPersonas(personasFile) : new Map();
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        problems.push(...e.problems);
        shared = new Map();
      }
      sharedByDir.set(dir, shared);
    }
    return shared;
  };
  for (const file of files) {
    const shared = sharedFor(file);
    let source: YamlSource;
    try {
      source = readSource(file);
    } catch (e) {
      if (e instanceof InputError) {
        problems.push(...e.problems);
        continue;
      }
      throw e;
    }
    const parsed = scenarioFileSchema.safeParse(source.value);
    if (!parsed.success) {
      problems.push(...schemaProblems(source, parsed.error.issues, scenarioFileSchema));
      continue;
    }
    const personas = new Map(shared);
    for (const [name, persona] of Object.entries(parsed.data.personas ?? {})) {
      const existing = shared.get(name);
      if (existing)
        problems.push(
          `${source.where(["personas", name], { key: true })}: persona "${name}" is already defined at ${existing.where}; choose another name`,
        );
      personas.set(name, { persona, where: source.where(["personas", name], { key: true }) });
    }
    const names = new Set<string>();
    parsed.data.cases.forEach((c, i) => {
      const at = ["cases", i];
      if (names.has(c.name))
        problems.push(`${source.where([...at, "name"])}: case name "${c.name}" is used twice in this file`);
      names.add(c.name);
      let context: unknown = {};
      let tier = c.tier;
      const personaNames =
        c.persona === undefined ? [] : typeof c.persona === "string" ? [c.persona] : c.persona;
      let personasOk = true;
      for (const [j, pName] of personaNames.entries()) {
        const entry = personas.get(pName);
        const where = source.where(
          typeof c.persona === "string" ? [...at, "persona"] : [...at, "persona", j],
        );
        if (!entry) {
          const known = [...personas.keys()].sort();
          problems.push(
            `${where}: unknown persona "${pName}"; known personas: ${known.length ? known.join(", ") : "(none)"}`,
          );
          personasOk = false;
          continue;
        }
        const fragment = entry.persona[c.provider];
        if (!fragment) {
          problems.push(
            `${where}: persona "${pName}" has no ${c.provider} context (it defines: ${(["aws", "entra", "okta"] as const).filter((p) => entry.persona[p]).join(", ") || "none"})`,
          );
          personasOk = false;
          continue;
        }
        context = mergeContexts(context, fragment);
        tier ??= entry.persona.tier;
      }
      if (!personasOk) return;
      context = mergeContexts(context, c.context);
      const adapter = adapters[c.provider];
      const checked = adapter.contextSchema.safeParse(context);
      if (!checked.success) {
        for (const issue of checked.error.issues) {
          // Point at the case's own context when the bad value is there, else at the case (it came from a persona).
          const own = [...at, "context", ...issue.path];
          const where = hasPath(c.context, issue.path) ? source.where(own) : source.where(at);
          for (const line of formatIssues([issue], context, adapter.contextSchema)) {
            problems.push(
              `${where}: case "${c.name}": context${line.startsWith("(root)") ? line.slice(6) : line.startsWith("[") ? line : `.${line}`}`,
            );
          }
        }
        return;
      }
      cases.push({
        file,
        concern: parsed.data.concern,
        name: c.name,
        provider: c.provider,
        stack: c.stack,
        context: checked.data,
        expect: c.expect,
        tier,
        position: source.positionOf(at),
        note: c.note,
      });
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return cases;
}
