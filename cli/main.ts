/**
 * The `mfa-baseline` command. Exit codes: 0 everything passed, 1 a scenario or invariant failed,
 * 2 bad usage or bad input (spec, scenario files, Terraform JSON) — printed without a stack trace.
 */
import { Command, CommanderError, Option } from "commander";
import { SpecError } from "../modules/spec";
import { InputError } from "../simulator/scenarios/yaml-source";
import { LoadError } from "../simulator/terraform";
import { explainCommand } from "./explain";
import { schemaCommand } from "./schema";
import { verifyCommand } from "./verify";
import { startCommand } from "./start";
import { testCommand } from "./test-command";

export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

function sourceOptions(cmd: Command): Command {
  return cmd
    .option(
      "--spec <file>",
      "baseline spec (YAML/JSON) to synthesize; default MFA_BASELINE_SPEC, else the example organisation",
    )
    .option("--synth-dir <dir>", "read an existing cdktf synth output folder instead of synthesizing")
    .option(
      "--plan <file...>",
      "read `terraform show -json` plan files instead (`stack=file` names the stack)",
    )
    .option("--outdir <dir>", "where to synthesize (default: a temporary folder)")
    .option("--default-stack <provider=stack...>", "the stack a provider's cases use when they name none");
}

export function buildProgram(): Command {
  const program = new Command("mfa-baseline")
    .description(
      "Prove an MFA baseline offline against its synthesized Terraform: scenarios, explanations, verification.",
    )
    .exitOverride()
    .showHelpAfterError();

  sourceOptions(
    program
      .command("test")
      .description("run scenario files (default: the scenarios folder) and report expected vs actual")
      .argument("[paths...]", "scenario files or folders", ["scenarios"])
      .addOption(new Option("--reporter <name>", "report format").choices(["text", "junit"]).default("text"))
      .option("--output <file>", "write the report to a file instead of standard output")
      .option("--json", "print results as JSON (for machines)"),
  ).action((paths: string[], opts) => {
    process.exitCode = testCommand(paths, opts);
  });

  sourceOptions(
    program
      .command("explain")
      .description("evaluate one context against one stack and print the whole decision trace")
      .addOption(new Option("--provider <provider>", "which evaluator").choices(["aws", "entra", "okta"]))
      .option("--stack <name>", "stack to evaluate against (default: the provider's baseline stack)")
      .option("--context <file>", "a YAML/JSON file holding one context")
      .option("--scenario <file>", "take the context of a case in this scenario file")
      .option("--case <name>", "the case name, with --scenario"),
  ).action((opts) => {
    process.exitCode = explainCommand(opts);
  });

  sourceOptions(
    program
      .command("start")
      .description("the main job: synthesize, run every scenario, verify the invariants, print a summary")
      .option("--scenarios <dir>", "scenario folder", "scenarios"),
  ).action((opts) => {
    process.exitCode = startCommand(opts);
  });

  sourceOptions(
    program
      .command("verify")
      .description(
        "prove every invariant over the whole finite context space, or print minimal counterexamples",
      ),
  ).action((opts) => {
    process.exitCode = verifyCommand(opts);
  });

  program
    .command("schema")
    .description("write the JSON Schemas of scenario and personas files (for editor completion)")
    .option("--out <dir>", "folder to write schema.json and personas.schema.json into", "scenarios")
    .action((opts: { out: string }) => {
      process.exitCode = schemaCommand(opts.out);
    });

  return program;
}

/** Runs the command line; user mistakes become messages and exit code 2, never stack traces. */
export function main(argv: readonly string[]): number {
  try {
    buildProgram().parse(argv as string[], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    if (e instanceof InputError || e instanceof SpecError || e instanceof LoadError) {
      process.stderr.write(`mfa-baseline: ${e.message}\n`);
      return EXIT.badInput;
    }
    throw e;
  }
}

if (require.main === module || process.argv[1]?.endsWith("mfa-baseline.js")) {
  process.exitCode = main(process.argv.slice(2));
}
