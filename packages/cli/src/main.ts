/**
 * Entry point of the `ordo` binary as a function: parse argv, dispatch to a command from the
 * registry, map errors to exit codes. `bin.ts` calls it with the process streams; tests call it
 * in-process with {@link memoryIO}.
 */
import { readFileSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { isOrdoError } from "@ordo/core";
import { type Command, EXIT, type OptionSpecs, type OptionValues, usageError } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { formatCommandHelp, formatGlobalHelp } from "./help.js";
import type { CliIO } from "./io.js";

/** Codes that mean "the caller gave us something we cannot use": exit 2 rather than 1. */
const USAGE_CODES = new Set(["USAGE", "MODULE_LOAD_FAILED", "NO_PIPELINE_FOUND"]);

/**
 * Runs the `ordo` command line and returns the exit code (0 ok, 1 validation errors, 2 usage).
 * Never throws and never calls `process.exit`.
 *
 * @param argv - arguments after the binary name, e.g. `["compile", "p.ts", "--json"]`.
 * @param commands - the command table; default {@link COMMANDS}.
 * @example
 * ```ts
 * import { main, memoryIO } from "@ordo/cli";
 * const io = memoryIO();
 * const code = await main(["validate", "broken.dag.json", "--json"], io);
 * // code === 1, JSON.parse(io.out()).valid === false
 * ```
 */
export async function main(
  argv: readonly string[],
  io: CliIO,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  try {
    return await dispatch(argv, io, commands);
  } catch (error) {
    return reportError(error, io);
  }
}

async function dispatch(
  argv: readonly string[],
  io: CliIO,
  commands: readonly Command[],
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(formatGlobalHelp(commands, cliVersion()));
    return EXIT.USAGE;
  }
  if (first === "--help" || first === "-h") {
    io.stdout.write(formatGlobalHelp(commands, cliVersion()));
    return EXIT.OK;
  }
  if (first === "--version" || first === "-v") {
    io.stdout.write(`${cliVersion()}\n`);
    return EXIT.OK;
  }
  if (first === "help") {
    const target = rest[0] === undefined ? undefined : findCommand(commands, rest[0]);
    io.stdout.write(target ? formatCommandHelp(target) : formatGlobalHelp(commands, cliVersion()));
    return EXIT.OK;
  }
  const command = findCommand(commands, first);
  const parsed = parseCommandArgs(command, rest);
  if (parsed.values.help === true) {
    io.stdout.write(formatCommandHelp(command));
    return EXIT.OK;
  }
  // parseArgs was configured from command.options, so the values have the declared shapes.
  const values = parsed.values as OptionValues<OptionSpecs>;
  return command.run({ values, positionals: parsed.positionals }, { io });
}

function findCommand(commands: readonly Command[], name: string): Command {
  const command = commands.find((candidate) => candidate.name === name);
  if (command) return command;
  const hint = name.startsWith("-") ? "unknown option" : "unknown command";
  throw usageError(`${hint} '${name}'; run 'ordo --help' for the list of commands`);
}

function parseCommandArgs(
  command: Command,
  args: readonly string[],
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig["options"]> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, spec] of Object.entries(command.options as OptionSpecs)) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === true ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util reports ERR_PARSE_ARGS_* with a readable message; keep it, add where to look.
    const message = error instanceof Error ? error.message : String(error);
    throw usageError(`${command.name}: ${message} (see 'ordo ${command.name} --help')`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const positionals = parsed.positionals;
  if (values.help !== true) checkPositionals(command, positionals);
  return { values, positionals };
}

function checkPositionals(command: Command, positionals: readonly string[]): void {
  const { min, max } = command.positionals;
  if (positionals.length < min) {
    throw usageError(`${command.name}: missing argument; usage: ${command.usage}`);
  }
  if (max !== undefined && positionals.length > max) {
    const extra = positionals.slice(max).join(" ");
    throw usageError(`${command.name}: unexpected argument '${extra}'; usage: ${command.usage}`);
  }
}

function reportError(error: unknown, io: CliIO): number {
  if (isOrdoError(error)) {
    io.stderr.write(`error ${error.code}: ${error.message}\n`);
    for (const issue of issuesOf(error.details)) {
      io.stderr.write(`  ${issue.path} error ${issue.code} ${issue.message}\n`);
    }
    return USAGE_CODES.has(error.code) ? EXIT.USAGE : EXIT.INVALID;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`error INTERNAL: ${message}\n`);
  return EXIT.INVALID;
}

function issuesOf(
  details: Readonly<Record<string, unknown>> | undefined,
): { code: string; path: string; message: string }[] {
  const issues = details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is { code: string; path: string; message: string } =>
      typeof issue === "object" && issue !== null && "code" in issue && "message" in issue,
  );
}

let version: string | undefined;

/**
 * The version of `@ordo/cli`, read once from its package.json (one level above src/ and dist/).
 *
 * @example
 * ```ts
 * import { cliVersion } from "@ordo/cli";
 * console.log(cliVersion()); // "0.1.0"
 * ```
 */
export function cliVersion(): string {
  if (version === undefined) {
    const url = new URL("../package.json", import.meta.url);
    version = (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  }
  return version;
}
