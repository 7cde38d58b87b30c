/**
 * The command registry of the `ordo` binary.
 *
 * To add a command (e.g. `ordo run`):
 * 1. Create `commands/run.ts` exporting `export const runCommand = defineCommand({ name: "run",
 *    summary, usage, description?, options, positionals, async run({ values, positionals }, { io })
 *    { ...; return EXIT.OK } })`. Options declared there are parsed with `node:util` `parseArgs`
 *    (strict: unknown flags exit 2) and listed by `ordo run --help`; `--help` is added for you.
 * 2. Import it here and add it to {@link COMMANDS} (this order is the order of `ordo --help`).
 *
 * Inside `run`: write only to `io.stdout` / `io.stderr`, resolve paths against `io.cwd`, return
 * `EXIT.OK` / `EXIT.INVALID`, and throw `usageError(...)` (exit 2) for bad arguments; any
 * `OrdoError` thrown is printed with its code by `main`. Commands that need Redis or a store
 * should open and close their connections inside `run` (tests run commands in-process).
 */
import type { Command } from "../command.js";
import { admissionCommand } from "./admission.js";
import { cancelCommand } from "./cancel.js";
import { checkCommand } from "./check.js";
import { compileCommand } from "./compile.js";
import { demoCommand } from "./demo.js";
import { graphCommand } from "./graph.js";
import { importCommand } from "./import.js";
import { inputCommand } from "./input.js";
import { instancesCommand } from "./instances.js";
import { ledgerCommand } from "./ledger.js";
import { metricsCommand } from "./metrics.js";
import { pauseCommand } from "./pause.js";
import { queueCommand } from "./queue.js";
import { replayCommand } from "./replay.js";
import { rerunCommand } from "./rerun.js";
import { resumeCommand } from "./resume.js";
import { runCommand } from "./run.js";
import { serveCommand } from "./serve.js";
import { statusCommand } from "./status.js";
import { timelineCommand } from "./timeline.js";
import { validateCommand } from "./validate.js";
import { workerCommand } from "./worker.js";

/**
 * Every command of the `ordo` binary, in `--help` order.
 *
 * @example
 * ```ts
 * import { COMMANDS, main, memoryIO } from "@ordo/cli";
 * console.log(COMMANDS.map((command) => command.name)); // ["compile", "check", ...]
 * await main(["hello", "x"], memoryIO(), [...COMMANDS, helloCommand]); // with an extra command
 * ```
 */
export const COMMANDS: readonly Command[] = [
  compileCommand,
  checkCommand,
  validateCommand,
  graphCommand,
  importCommand,
  runCommand,
  workerCommand,
  statusCommand,
  pauseCommand,
  resumeCommand,
  cancelCommand,
  inputCommand,
  ledgerCommand,
  timelineCommand,
  replayCommand,
  rerunCommand,
  metricsCommand,
  demoCommand,
  queueCommand,
  instancesCommand,
  admissionCommand,
  serveCommand,
] as readonly Command[];
