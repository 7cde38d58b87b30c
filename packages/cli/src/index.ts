/**
 * @packageDocumentation
 * `@ordo/cli` — the `ordo` command-line tool, and the same commands as a library.
 *
 * Commands: `compile`, `check`, `validate`, `graph`, `import` (see `ordo --help`). Exit codes:
 * 0 ok, 1 validation errors, 2 usage errors (unknown command or flag, missing argument,
 * unreadable file); every error is printed with its `OrdoError` code.
 *
 * {@link main} runs a command line in-process and returns the exit code; {@link COMMANDS} is the
 * command registry and {@link defineCommand} the way to declare a new command (see
 * `src/commands/index.ts` for the recipe).
 *
 * @example
 * ```ts
 * import { main, memoryIO } from "@ordo/cli";
 *
 * const io = memoryIO();
 * const code = await main(["compile", "src/qa.pipeline.ts", "--json"], io);
 * if (code === 0) console.log(JSON.parse(io.out()).fingerprint);
 * ```
 */

export type {
  Command,
  CommandContext,
  OptionSpec,
  OptionSpecs,
  OptionValues,
} from "./command.js";
export { defineCommand, EXIT, usageError } from "./command.js";
export { COMMANDS } from "./commands/index.js";
export type { CliIO, TextSink } from "./io.js";
export { memoryIO, processIO } from "./io.js";
export { cliVersion, main } from "./main.js";
export type { GraphFormat } from "./render-graph.js";
export { renderGraph } from "./render-graph.js";
