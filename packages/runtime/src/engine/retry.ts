/**
 * Retry decisions, made in TypeScript and applied atomically by `failStep.lua`. Pure functions:
 * the same policy, attempt, error and seed always give the same decision and delay, so replays
 * and multi-worker runs are reproducible (jitter is seeded by `executionId:stepId:attempt`).
 */
import { isOrdoError, type JsonValue, type RetryPolicy, sha256Hex } from "@ordo/core";

/** The persisted form of a step error. */
export interface StepErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  /** From `RetryAfterError`: milliseconds to wait instead of the backoff delay. */
  readonly retryAfterMs?: number;
  readonly details?: Readonly<Record<string, JsonValue>>;
}

/** Codes that retrying the same attempt cannot fix, whatever the error object says. */
const NEVER_RETRY = new Set([
  "NON_RETRYABLE",
  "INPUT_INVALID",
  "OUTPUT_INVALID",
  "PLUGIN_NOT_FOUND",
  "PAYLOAD_TOO_LARGE",
  // An output that is not plain JSON (lone surrogate, class instance) fails the same way again.
  "NOT_JSON",
]);

/** A uniform number in [0, 1) derived from `seed` (first 52 bits of its SHA-256). */
export function seededUnit(seed: string): number {
  const hex = sha256Hex(seed).slice(0, 13);
  return Number.parseInt(hex, 16) / 2 ** 52;
}

/**
 * Delay before retry number `retry` (1-based: the delay after attempt `retry` failed), in ms.
 * fixed = base; linear = base * retry; exponential = base * multiplier^(retry - 1) (multiplier
 * default 2); then capped at `maxDelayMs`; then jitter: `full` = [0, d), `equal` = [d/2, d).
 *
 * @example
 * ```ts
 * backoffDelayMs({ maxAttempts: 5, strategy: "exponential", baseDelayMs: 100 }, 3, "e:s:3"); // 400
 * ```
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, seed: string): number {
  const base = policy.baseDelayMs;
  let delay: number;
  if (policy.strategy === "fixed") delay = base;
  else if (policy.strategy === "linear") delay = base * retry;
  else delay = base * (policy.multiplier ?? 2) ** (retry - 1);
  if (policy.maxDelayMs !== undefined) delay = Math.min(delay, policy.maxDelayMs);
  delay = Math.max(0, Math.floor(delay));
  const jitter = policy.jitter ?? "none";
  if (jitter === "full") return Math.floor(seededUnit(seed) * delay);
  if (jitter === "equal") return Math.floor(delay / 2 + (seededUnit(seed) * delay) / 2);
  return delay;
}

/** Turns anything a plugin threw into a persisted error. Plain errors are retryable. */
export function toStepError(error: unknown): StepErrorInfo {
  if (isOrdoError(error)) {
    const retryAfter = (error as { retryAfterMs?: unknown }).retryAfterMs;
    return {
      code: error.code,
      message: error.message,
      retryable: error.retryable && !NEVER_RETRY.has(error.code),
      ...(typeof retryAfter === "number" ? { retryAfterMs: retryAfter } : {}),
      ...(error.details === undefined
        ? {}
        : { details: JSON.parse(JSON.stringify(error.details)) as Record<string, JsonValue> }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "STEP_FAILED", message, retryable: true };
}

/** What to do after attempt `attempt` (1-based) failed. */
export type RetryDecision =
  | { readonly decision: "retry"; readonly delayMs: number }
  | { readonly decision: "fail" };

/**
 * Retry or fail: fail when the error is not retryable, its code is excluded (`doNotRetryOn`) or
 * not included (`retryOn`), or the attempts are used up; otherwise retry after the error's
 * `retryAfterMs` or the policy's backoff.
 *
 * @example
 * ```ts
 * decideRetry(policy, 1, { code: "STEP_FAILED", message: "boom", retryable: true }, "e:s:1");
 * ```
 */
export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  error: StepErrorInfo,
  seed: string,
): RetryDecision {
  if (!error.retryable) return { decision: "fail" };
  if (policy.doNotRetryOn?.includes(error.code)) return { decision: "fail" };
  if (policy.retryOn !== undefined && !policy.retryOn.includes(error.code)) {
    return { decision: "fail" };
  }
  if (attempt >= policy.maxAttempts) return { decision: "fail" };
  if (error.retryAfterMs !== undefined) {
    return { decision: "retry", delayMs: Math.max(0, Math.floor(error.retryAfterMs)) };
  }
  return { decision: "retry", delayMs: backoffDelayMs(policy, attempt, seed) };
}
