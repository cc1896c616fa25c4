import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ADAPTERS } from "../simulator/adapters";
import { personasJsonSchema, scenarioJsonSchema, toJsonText } from "../simulator/scenarios/json-schema";

export function schemaCommand(out: string): number {
  writeFileSync(join(out, "schema.json"), toJsonText(scenarioJsonSchema(ADAPTERS)));
  writeFileSync(join(out, "personas.schema.json"), toJsonText(personasJsonSchema(ADAPTERS)));
  process.stdout.write(`wrote ${join(out, "schema.json")} and ${join(out, "personas.schema.json")}\n`);
  return 0;
}
