/**
 * The JSON Schema of scenario files, generated from the same zod schemas the runner validates with:
 * the file structure, and for each provider a case whose context is that provider's context schema
 * with every field optional (personas fill the rest).
 */
import { z } from "zod";
import { PROVIDERS } from "../providers";
import type { Adapters } from "./load";
import { caseSchema, personaSchema, scenarioFileSchema } from "./schema";

type JsonSchema = Record<string, unknown>;

/** Drops `required` everywhere below a context: a case's context is a fragment merged over personas. */
function fragment(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(fragment);
  if (schema && typeof schema === "object") {
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(schema))
      if (k !== "required" && k !== "$schema") out[k] = fragment(v);
    return out;
  }
  return schema;
}

/** A sub-schema without its own `$schema` key. */
function fragmentFree(schema: JsonSchema): JsonSchema {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}

export function scenarioJsonSchema(adapters: Adapters): JsonSchema {
  const contexts = Object.fromEntries(
    PROVIDERS.map((p) => [
      p,
      fragment(z.toJSONSchema(adapters[p].contextSchema, { io: "input", unrepresentable: "any" })),
    ]),
  );
  const base = z.toJSONSchema(scenarioFileSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const caseBase = z.toJSONSchema(caseSchema, { io: "input" }) as JsonSchema & { properties: JsonSchema };
  const persona = z.toJSONSchema(personaSchema, { io: "input" }) as JsonSchema & { properties: JsonSchema };
  const caseFor = (p: (typeof PROVIDERS)[number]) =>
    fragmentFree({
      ...caseBase,
      properties: { ...caseBase.properties, provider: { const: p }, context: contexts[p] },
    });
  const properties = (base.properties ?? {}) as JsonSchema;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "mfa-baseline scenario file",
    ...base,
    properties: {
      ...properties,
      personas: {
        type: "object",
        additionalProperties: fragmentFree({
          ...persona,
          properties: { ...persona.properties, ...contexts },
        }),
      },
      cases: { type: "array", minItems: 1, items: { oneOf: PROVIDERS.map(caseFor) } },
    },
  };
}

/** The schema of `personas.yaml`: named personas, each with context fragments per provider. */
export function personasJsonSchema(adapters: Adapters): JsonSchema {
  const file = scenarioJsonSchema(adapters) as { properties: { personas: JsonSchema } };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "mfa-baseline personas file",
    type: "object",
    properties: { $schema: { type: "string" }, personas: file.properties.personas },
    required: ["personas"],
    additionalProperties: false,
  };
}

export const toJsonText = (schema: JsonSchema): string => `${JSON.stringify(schema, null, 2)}\n`;
