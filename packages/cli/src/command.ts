/**
 * The command contract of the `ordo` binary.
 *
 * A command is a plain object made with {@link defineCommand}: its name, help text, options
 * (declared once, used both for `node:util` `parseArgs` and for `--help`), positional arguments and
 * a `run` function that returns the exit code. Commands never call `process.exit` and never touch
 * `process.stdout`: they write to `ctx.io` so tests can run them in-process.
 *
 * Exit codes: {@link EXIT.OK} (0), {@link EXIT.INVALID} (1, validation errors found),
 * {@link EXIT.USAGE} (2, wrong arguments or unreadable input; throw {@link usageError}, which
 * `main` prints with its code and maps to 2), {@link EXIT.CANCELLED} (3, a reported run was
 * cancelled).
 */
import { OrdoError } from "@ordo/core";
import type { CliIO } from "./io.js";

/**
 * Process exit codes of every command.
 *
 * @example
 * ```ts
 * import { EXIT, main, processIO } from "@ordo/cli";
 * if ((await main(["check"], processIO())) === EXIT.INVALID) console.error("fix the errors above");
 * ```
 */
export const EXIT = { OK: 0, INVALID: 1, USAGE: 2, CANCELLED: 3 } as const;

/** One `--flag` of a command. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** Repeatable (`--condition a --condition b`): the value is a string array. */
  readonly multiple?: boolean;
  /** One line for `--help`. */
  readonly description: string;
  /** Placeholder shown in `--help` for string options, e.g. `file`. */
  readonly valueName?: string;
}

/** The options of a command, by long name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed values of {@link OptionSpecs}: absent flags are `undefined`. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]?: O[K]["type"] extends "string"
    ? O[K]["multiple"] extends true
      ? string[]
      : string
    : boolean;
};

/** What `run` receives besides the parsed arguments. */
export interface CommandContext {
  readonly io: CliIO;
}

/** A command of the `ordo` binary; see the module doc and `commands/index.ts`. */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** The word after `ordo`, e.g. `compile`. */
  readonly name: string;
  /** One line shown by `ordo --help`. */
  readonly summary: string;
  /** Synopsis shown by `ordo <name> --help`, e.g. `ordo compile <module.ts> [--out file]`. */
  readonly usage: string;
  /** Longer text shown by `ordo <name> --help` after the synopsis. */
  readonly description?: string;
  readonly options: O;
  /** Allowed number of positional arguments; `max` absent = unlimited. */
  readonly positionals: { readonly min: number; readonly max?: number };
  run(
    args: { readonly values: OptionValues<O>; readonly positionals: readonly string[] },
    ctx: CommandContext,
  ): Promise<number>;
}

/**
 * Declares a command with typed option values. Identity at runtime; exists for inference.
 *
 * @example
 * ```ts
 * import { defineCommand, EXIT } from "@ordo/cli";
 *
 * export const helloCommand = defineCommand({
 *   name: "hello",
 *   summary: "Print a greeting.",
 *   usage: "ordo hello <name> [--shout]",
 *   options: { shout: { type: "boolean", description: "Upper-case the greeting." } },
 *   positionals: { min: 1, max: 1 },
 *   async run({ values, positionals }, { io }) {
 *     const text = `hello ${positionals[0]}`;
 *     io.stdout.write(`${values.shout ? text.toUpperCase() : text}\n`);
 *     return EXIT.OK;
 *   },
 * });
 * ```
 */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

/**
 * An `OrdoError` with code `USAGE` (exit code 2): wrong arguments, unreadable file.
 *
 * @example
 * ```ts
 * import { usageError } from "@ordo/cli";
 * throw usageError("missing argument <module.ts>");
 * ```
 */
export function usageError(message: string, details?: Record<string, unknown>): OrdoError {
  return new OrdoError("USAGE", message, details === undefined ? {} : { details });
}
