/**
 * The one table from a script's error status word (the first element of its reply, e.g.
 * `{"STALE_TOKEN", "completed"}`) to an `OrdoError` code, shared by every typed wrapper: the
 * transition scripts (`hot/scripts.ts`), the execution-control scripts
 * (`engine/control-scripts.ts`) and the queue and instance scripts (`control/scripts.ts`).
 *
 * A word missing here becomes `SCRIPT_ERROR`. Words a wrapper turns into a result instead of an
 * error (queueStart's and queueFinish's `STALE_TOKEN` -> "stale", queueCancel's `RUNNING`,
 * claimSteps' `NEED_DEF`, ...) are checked by that wrapper before it consults the table.
 */
import type { OrdoErrorCode } from "@ordo/core";

/** Script error status word -> OrdoError code. Each word is also the code it maps to. */
export const SCRIPT_ERROR_CODES: Readonly<Record<string, OrdoErrorCode>> = {
  // transition and execution-control scripts
  EXECUTION_NOT_FOUND: "EXECUTION_NOT_FOUND",
  EXECUTION_EXISTS: "EXECUTION_EXISTS",
  STEP_NOT_FOUND: "STEP_NOT_FOUND",
  STALE_TOKEN: "STALE_TOKEN",
  WRONG_STATE: "WRONG_STATE",
  INPUT_NOT_AWAITED: "INPUT_NOT_AWAITED",
  // queue and instance scripts
  RUN_NOT_FOUND: "RUN_NOT_FOUND",
  RUN_EXISTS: "RUN_EXISTS",
  QUEUE_FULL: "QUEUE_FULL",
  INSTANCE_NOT_FOUND: "INSTANCE_NOT_FOUND",
  USAGE: "USAGE",
};

/**
 * The `OrdoError` code of a script's error reply word; `SCRIPT_ERROR` for a word not in
 * {@link SCRIPT_ERROR_CODES}.
 *
 * @example
 * ```ts
 * scriptErrorCode("STALE_TOKEN"); // "STALE_TOKEN"
 * scriptErrorCode("BUSY"); // "SCRIPT_ERROR"
 * ```
 */
export function scriptErrorCode(word: unknown): OrdoErrorCode {
  return Object.hasOwn(SCRIPT_ERROR_CODES, String(word))
    ? SCRIPT_ERROR_CODES[String(word)]!
    : "SCRIPT_ERROR";
}
