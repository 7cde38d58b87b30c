/**
 * Starting an execution and following it to the end with live progress: shared by `ordo run`
 * and `ordo demo`.
 */
import type { JsonValue, PipelineIR } from "@ordo/core";
import type { Client } from "@ordo/runtime";
import type { TextSink } from "../io.js";
import { type ProgressOptions, ProgressPrinter } from "./progress.js";
import { buildReport, type RunReport } from "./report.js";

/** Options of {@link executeWithProgress}. */
export interface ExecuteOptions extends ProgressOptions {
  readonly client: Client;
  readonly ir: PipelineIR;
  readonly input: JsonValue;
  /** Where progress lines go; `undefined` = silent. */
  readonly progress: TextSink | undefined;
  readonly executionId?: string;
}

/** What {@link executeWithProgress} returns. */
export interface ExecuteResult {
  readonly report: RunReport;
  readonly printer: ProgressPrinter;
}

/** How long to let the ledger follower print the last events once the execution is terminal, ms. */
const FOLLOW_GRACE_MS = 1_000;

/**
 * Starts `ir` with `input`, prints its ledger events as they happen, waits until it is terminal
 * (completed, failed or cancelled) and returns its report. Waits as long as the execution runs:
 * with no worker able to run a step, that is forever (callers check plugins first).
 */
export async function executeWithProgress(options: ExecuteOptions): Promise<ExecuteResult> {
  const { client, ir, progress } = options;
  const handle = await client.start(ir, options.input, {
    ...(options.executionId === undefined ? {} : { executionId: options.executionId }),
  });
  progress?.write(
    `execution ${handle.executionId} started: ${ir.name}@${ir.version}, ` +
      `${ir.steps.length} step${ir.steps.length === 1 ? "" : "s"}\n`,
  );
  const printer = new ProgressPrinter(
    progress,
    ir.steps.map((step) => step.id),
    options,
  );
  const followed = (async () => {
    for await (const event of handle.events()) printer.onEvent(event);
  })();
  // The follower normally ends at the terminal event; result() is the safety net (it reads the
  // execution status itself), so a lost ledger entry can delay the progress, never the outcome.
  const settled = handle.result().then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([followed, settled]);
  await settled;
  await Promise.race([followed, new Promise((r) => setTimeout(r, FOLLOW_GRACE_MS).unref())]);
  followed.catch(() => {}); // abandoned followers end when the session closes its connection
  const state = await handle.status();
  const output = state.status === "completed" ? ((await handle.result()) as JsonValue) : undefined;
  return { report: buildReport(state, output), printer };
}
