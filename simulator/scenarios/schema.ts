/**
 * The scenario file format. One schema validates the files and generates `scenarios/schema.json`
 * for editors. Contexts are checked in two steps: here only that they are objects; after personas are
 * merged, against the provider's strict context schema (see load.ts).
 */
import { z } from "zod";
import { OUTCOMES } from "../decision";
import { PROVIDERS } from "../providers";

const name = z.string().min(1, { message: "must not be empty" });

/** The persona tiers of the baseline spec, for grouping results. */
export const TIERS = ["break-glass", "administrators", "employees", "contractors", "guests", "ci"] as const;
export type Tier = (typeof TIERS)[number];
const contextFragment = z.record(z.string(), z.unknown());

const REQUIREMENT = /^(phishing-resistant|passwordless-mfa|mfa|fresh-mfa|password-change|custom:.+)$/;

export const expectationSchema = z.strictObject({
  outcome: z.enum(OUTCOMES),
  /** Every requirement of an `mfa` outcome, in any order. */
  requires: z
    .array(
      z.string().regex(REQUIREMENT, {
        message:
          "must be phishing-resistant, passwordless-mfa, mfa, fresh-mfa, password-change or custom:<name>",
      }),
    )
    .optional(),
  /** Addresses that must be among those that decided (policy, `rule address`, or `policy address#sid`). */
  decidedBy: z.array(name).optional(),
  /** Entra report-only results that must hold, by policy address. */
  reportOnly: z
    .record(name, z.enum(["Success", "Failure", "User action required", "Not applied"]))
    .optional(),
  /** Session settings that must hold (a subset of what the decision reports). */
  session: z.record(name, z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const caseSchema = z.strictObject({
  name,
  provider: z.enum(PROVIDERS),
  /** The stack to evaluate against; defaults to the provider's baseline stack. */
  stack: name.optional(),
  /** Persona(s) whose context fragments are merged, in order, under this case's own context. */
  persona: z.union([name, z.array(name).min(1)]).optional(),
  context: contextFragment.default({}),
  expect: expectationSchema,
  /** The tier this case is about; defaults to its first persona's tier. */
  tier: z.enum(TIERS).optional(),
  /** Free text for the reader (why this case matters). */
  note: z.string().optional(),
});

export const personaSchema = z.strictObject({
  description: z.string().optional(),
  tier: z.enum(TIERS).optional(),
  aws: contextFragment.optional(),
  entra: contextFragment.optional(),
  okta: contextFragment.optional(),
});

export const personasFileSchema = z.strictObject({
  $schema: z.string().optional(),
  personas: z.record(name, personaSchema),
});

export const scenarioFileSchema = z.strictObject({
  $schema: z.string().optional(),
  /** The one concern this file documents. */
  concern: name,
  description: z.string().optional(),
  personas: z.record(name, personaSchema).optional(),
  cases: z.array(caseSchema).min(1, { message: "a scenario file needs at least one case" }),
});

export type Expectation = z.output<typeof expectationSchema>;
export type ScenarioCase = z.output<typeof caseSchema>;
export type Persona = z.output<typeof personaSchema>;
export type ScenarioFile = z.output<typeof scenarioFileSchema>;
