/**
 * Errors as HTTP responses: `{ error: { code, message, details? } }` with a status derived from
 * the stable `OrdoError` code. Unknown errors become 500 `INTERNAL` without their message (it
 * may carry internals); OrdoError messages are written for users and are returned as they are.
 */
import { isOrdoError } from "@ordo/core";

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  EXECUTION_NOT_FOUND: 404,
  INSTANCE_NOT_FOUND: 404,
  STEP_NOT_FOUND: 404,
  SNAPSHOT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  RUN_EXISTS: 409,
  EXECUTION_EXISTS: 409,
  WRONG_STATE: 409,
  INPUT_NOT_AWAITED: 409,
  PAYLOAD_TOO_LARGE: 413,
  REPLAY_INVALID: 422,
  QUEUE_FULL: 429,
  ADMISSION_REJECTED: 503,
  CONNECTION: 503,
};

/** HTTP status for an error code (400 for usage, input and IR problems; 500 otherwise). */
export function httpStatusOf(code: string): number {
  const known = STATUS_BY_CODE[code];
  if (known !== undefined) return known;
  if (code === "USAGE" || code === "INPUT_INVALID" || code === "NOT_JSON") return 400;
  if (code.startsWith("IR_")) return 400;
  return 500;
}

/** The response of an error. */
export function errorResponse(error: unknown): { status: number; body: unknown } {
  if (isOrdoError(error)) {
    const details = error.details;
    return {
      status: httpStatusOf(error.code),
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(details === undefined ? {} : { details }),
        },
      },
    };
  }
  return { status: 500, body: { error: { code: "INTERNAL", message: "Internal error." } } };
}
