/**
 * Errors a step plugin throws to steer retries. Both are {@link OrdoError}s, so they persist
 * with a stable code and are recognised across package copies.
 */
import { OrdoError, type OrdoErrorOptions } from "@ordo/core";

/**
 * The step failed and retrying cannot help (bad request, invalid data, policy refusal).
 * The runtime fails the step at once, whatever its retry budget.
 *
 * @example
 * ```ts
 * import { NonRetryableError } from "@ordo/step";
 * throw new NonRetryableError("document 42 is empty", { details: { documentId: 42 } });
 * ```
 */
export class NonRetryableError extends OrdoError {
  constructor(message: string, options: Omit<OrdoErrorOptions, "retryable"> = {}) {
    super("NON_RETRYABLE", message, { ...options, retryable: false });
    this.name = "NonRetryableError";
  }
}

/**
 * The step should be retried no earlier than `retryAfterMs` from now (e.g. an HTTP 429 with a
 * `Retry-After` header). Counts against the retry budget; the delay replaces the backoff delay.
 *
 * @example
 * ```ts
 * import { RetryAfterError } from "@ordo/step";
 * throw new RetryAfterError("provider rate limit", 2_000);
 * ```
 */
export class RetryAfterError extends OrdoError {
  /** Milliseconds to wait before the next attempt. */
  readonly retryAfterMs: number;

  constructor(
    message: string,
    retryAfterMs: number,
    options: Omit<OrdoErrorOptions, "retryable"> = {},
  ) {
    super("RETRY_AFTER", message, {
      ...options,
      retryable: true,
      details: { ...options.details, retryAfterMs },
    });
    this.name = "RetryAfterError";
    this.retryAfterMs = Math.max(0, Math.floor(retryAfterMs));
  }
}
