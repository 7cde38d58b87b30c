/**
 * One error class for all of Ordo, told apart by a stable string `code`.
 *
 * Errors are persisted (ledger, step state), so they serialise with `toJSON()` and are recognised
 * across two copies of this package through a `Symbol.for` brand rather than `instanceof`.
 */

const BRAND = Symbol.for("ordo.error");

/**
 * Every stable error code Ordo emits, with the sentence that explains it. Codes never change
 * meaning once released; new codes are appended.
 */
export const ERROR_CODES = {
  // IR shape and graph (validation of a compiled or loaded pipeline)
  IR_VERSION_MISMATCH: "The IR declares an `ordo` version this build does not understand.",
  IR_INVALID: "The IR does not match its schema (wrong type or missing field).",
  IR_UNKNOWN_FIELD: "The IR has a field Ordo does not know; it would be silently ignored.",
  IR_UNKNOWN_POLICY_FIELD: "A policy has a field Ordo does not know; it would be silently ignored.",
  IR_DUPLICATE_STEP_ID: "Two steps share one id.",
  IR_UNKNOWN_DEPENDENCY: "A step depends on a step id that does not exist.",
  IR_SELF_DEPENDENCY: "A step depends on itself.",
  IR_CYCLE: "The dependencies form a cycle.",
  IR_BINDING_INVALID:
    "A binding is not a valid `input.<path>` or `steps.<id>.output.<path>` reference.",
  IR_BINDING_UNKNOWN_STEP: "A binding references a step id that does not exist.",
  IR_BINDING_NOT_ANCESTOR:
    "A binding references a step that is not an ancestor (it may not have run).",
  IR_BINDING_UNKNOWN_FIELD: "A binding references a field the source's schema does not have.",
  IR_BINDING_TYPE_MISMATCH:
    "A binding's source type is not compatible with the target input's type.",
  IR_MISSING_REQUIRED_INPUT: "A step input required by the step's input schema is not provided.",
  IR_UNKNOWN_INPUT: "A step input is not declared by the step's input schema.",
  IR_INVALID_POLICY: "A policy's configuration is invalid.",
  IR_UNKNOWN_OUTPUT_STEP: "The pipeline output mapping references an unknown step.",
  IR_INVALID_CONFIG:
    "A step's config does not match its config schema (missing, unknown or mistyped key).",
  IR_ADMISSION_DENIED:
    "A step's provider, model or operation is refused by its pipeline's or its own admission policy.",
  NOT_JSON:
    "A value is not plain JSON (NaN, Infinity, a function, a bigint, a cycle, a Date or other class instance, a lone surrogate).",
  // Authoring and CLI
  USAGE: "The command was called with wrong arguments.",
  MODULE_LOAD_FAILED: "A pipeline or plugin module could not be loaded.",
  NO_PIPELINE_FOUND: "The module exports no pipeline.",
  IMPORT_UNMAPPED: "Part of a reference-format pipeline could not be mapped to Ordo IR.",
  // Runtime requests
  EXECUTION_NOT_FOUND: "No execution has this id.",
  EXECUTION_EXISTS: "An execution with this id already exists.",
  STEP_NOT_FOUND: "The execution has no step with this id.",
  STALE_TOKEN: "The claim token is not the step's current token (the lease was lost or recovered).",
  WRONG_STATE: "The execution or step is not in a state that allows this request.",
  INPUT_INVALID: "The input does not match its schema.",
  OUTPUT_INVALID: "A step returned output that does not match its output schema.",
  PLUGIN_NOT_FOUND: "No registered plugin has this step type and version.",
  STEP_TIMEOUT: "A step attempt exceeded its timeout.",
  STEP_FAILED: "A step failed.",
  CANCELLED: "The execution was cancelled.",
  NON_RETRYABLE: "The step failed with an error that must not be retried.",
  RETRY_AFTER: "The step asked to be retried after a delay (e.g. HTTP 429).",
  PAYLOAD_TOO_LARGE: "A payload exceeds the configured maximum size.",
  PAYLOAD_NOT_FOUND: "A payload reference does not resolve in the durable store.",
  SCRIPT_ERROR: "A Redis script failed unexpectedly.",
  CONNECTION: "The hot-state or durable store could not be reached.",
  // Ledger and replay
  LEDGER_CONFLICT: "A ledger event with this sequence already exists with different content.",
  LEDGER_HASH_MISMATCH: "A ledger event's hash does not match its content (edited).",
  LEDGER_GAP: "A ledger sequence number is missing (an event was removed).",
  LEDGER_REORDERED: "Ledger events are out of order.",
  LEDGER_BROKEN_LINK: "A ledger event does not link to the previous event's hash.",
  SNAPSHOT_NOT_FOUND: "No snapshot exists for this execution.",
  REPLAY_INVALID: "Replay validation failed.",
  // Control
  THROTTLED: "A concurrency or rate limit is reached; the step waits and retries later.",
  INPUT_NOT_AWAITED: "The step is not waiting for human input.",
  UNAUTHORIZED: "The request carries no valid credentials.",
  RUN_NOT_FOUND: "No queued or running run has this id.",
  RUN_EXISTS: "A run with this id already exists.",
  QUEUE_FULL: "The run queue is at its configured maximum.",
  INSTANCE_NOT_FOUND: "No runtime instance has this id.",
  ADMISSION_REJECTED: "Admission refused the run (see the decision's reason).",
  NOT_FOUND: "The HTTP route does not exist.",
  METHOD_NOT_ALLOWED: "The HTTP route does not accept this method.",
  INTERNAL: "An unexpected internal error.",
} as const;

/** A stable Ordo error code (see {@link ERROR_CODES}). */
export type OrdoErrorCode = keyof typeof ERROR_CODES;

/** Options of {@link OrdoError}. */
export interface OrdoErrorOptions {
  /** Whether retrying the same operation may succeed. Default: false. */
  readonly retryable?: boolean;
  /** Structured context: where the problem is (a JSON path, step id, ...). Must be JSON-safe. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/** The JSON form of an {@link OrdoError}, as persisted in step state and the ledger. */
export interface OrdoErrorJSON {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The error every Ordo API throws. Tell errors apart by `code`, never by message text.
 *
 * @example
 * ```ts
 * import { OrdoError, isOrdoError } from "@ordo/core";
 *
 * try {
 *   throw new OrdoError("STEP_NOT_FOUND", "step 'answer' does not exist in execution e1", {
 *     details: { executionId: "e1", stepId: "answer" },
 *   });
 * } catch (error) {
 *   if (isOrdoError(error) && error.code === "STEP_NOT_FOUND") console.log(error.details);
 * }
 * ```
 */
export class OrdoError extends Error {
  readonly code: OrdoErrorCode | (string & {});
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: OrdoErrorCode | (string & {}),
    message: string,
    options: OrdoErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OrdoError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** JSON form for persistence; `cause` is dropped because it may not be serialisable. */
  toJSON(): OrdoErrorJSON {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/**
 * True when `value` is an {@link OrdoError}, also one created by another copy of `@ordo/core`.
 *
 * @example
 * ```ts
 * import { isOrdoError } from "@ordo/core";
 * isOrdoError(new Error("x")); // false
 * ```
 */
export function isOrdoError(value: unknown): value is OrdoError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}
