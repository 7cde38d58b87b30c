/**
 * Typed policy helpers. Each returns a plain object matching the `@ordo/core` policy schemas
 * (checked when called: a bad value throws `OrdoError` `IR_INVALID_POLICY` at build time).
 */
import {
  type ConcurrencyLimit,
  concurrencyLimitSchema,
  type LimitScope,
  OrdoError,
  type RateLimit,
  type RetentionPolicy,
  type RetryPolicy,
  rateLimitSchema,
  retentionPolicySchema,
  retryPolicySchema,
  type TimeoutPolicy,
  timeoutPolicySchema,
} from "@ordo/core";
import type { z } from "zod";

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return Object.freeze(parsed.data) as T;
  const issue = parsed.error.issues[0];
  throw new OrdoError(
    issue?.code === "unrecognized_keys" ? "IR_UNKNOWN_POLICY_FIELD" : "IR_INVALID_POLICY",
    `${what}: ${issue ? `${issue.message}${issue.path.length > 0 ? ` at '${issue.path.join(".")}'` : ""}` : "invalid"}`,
    {
      details: {
        policy: what,
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      },
    },
  );
}

/**
 * Options shared by the retry helpers (everything but the strategy).
 *
 * @example
 * ```ts
 * const options: RetryOptions = { maxAttempts: 5, baseDelayMs: 250, doNotRetryOn: ["INPUT_INVALID"] };
 * ```
 */
export type RetryOptions = Omit<RetryPolicy, "strategy">;

/**
 * Retry policies. `maxAttempts` counts the first attempt; delays are milliseconds.
 *
 * @example
 * ```ts
 * retry.exponential({ maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000, jitter: "full" });
 * // => { maxAttempts: 4, strategy: "exponential", baseDelayMs: 200, maxDelayMs: 5000, jitter: "full" }
 * retry.none(); // => { maxAttempts: 1, strategy: "fixed", baseDelayMs: 0 }
 * ```
 */
export const retry = Object.freeze({
  /** Same delay before every retry. */
  fixed: (options: RetryOptions): RetryPolicy =>
    checked(retryPolicySchema, { ...options, strategy: "fixed" }, "retry.fixed"),
  /** Delay `baseDelayMs * n` before retry n. */
  linear: (options: RetryOptions): RetryPolicy =>
    checked(retryPolicySchema, { ...options, strategy: "linear" }, "retry.linear"),
  /** Delay `baseDelayMs * multiplier^(n-1)` (multiplier default 2), capped at `maxDelayMs`. */
  exponential: (options: RetryOptions): RetryPolicy =>
    checked(retryPolicySchema, { ...options, strategy: "exponential" }, "retry.exponential"),
  /** Never retry: one attempt. */
  none: (): RetryPolicy =>
    checked(retryPolicySchema, { maxAttempts: 1, strategy: "fixed", baseDelayMs: 0 }, "retry.none"),
});

/**
 * Attempt timeout and lease (milliseconds).
 *
 * @example
 * ```ts
 * timeout({ attemptMs: 60_000, leaseMs: 30_000 }); // => { attemptMs: 60000, leaseMs: 30000 }
 * ```
 */
export function timeout(options: TimeoutPolicy): TimeoutPolicy {
  return checked(timeoutPolicySchema, options, "timeout");
}

/**
 * Extra options of a concurrency limit.
 *
 * @example
 * ```ts
 * throttle.provider("openai", 8, { retryAfterMs: 100 }); // { scope: "provider", key: "openai", limit: 8, retryAfterMs: 100 }
 * ```
 */
export interface ThrottleOptions {
  /** Milliseconds a throttled step waits before it is offered again; default 250. */
  readonly retryAfterMs?: number;
}

function limit(
  scope: LimitScope,
  key: string | undefined,
  max: number,
  options?: ThrottleOptions,
): ConcurrencyLimit {
  return checked(
    concurrencyLimitSchema,
    { scope, ...(key === undefined ? {} : { key }), limit: max, ...options },
    `throttle.${scope}`,
  );
}

/**
 * Concurrency limits: at most `limit` attempts run at once in a scope, across all workers.
 * Without a key, the limit applies to each value of the step's own scope (its provider, ...).
 *
 * @example
 * ```ts
 * throttle.provider("openai", 8); // => { scope: "provider", key: "openai", limit: 8 }
 * throttle.model("openai", "gpt-4.1", 2); // => { scope: "model", key: "openai:gpt-4.1", limit: 2 }
 * throttle.global(100); // => { scope: "global", limit: 100 }
 * ```
 */
export const throttle = Object.freeze({
  provider: (provider: string, max: number, options?: ThrottleOptions) =>
    limit("provider", provider, max, options),
  /** Model keys are `provider:model`, the form the runtime derives from step metadata. */
  model: (provider: string, model: string, max: number, options?: ThrottleOptions) =>
    limit("model", `${provider}:${model}`, max, options),
  operation: (operation: string, max: number, options?: ThrottleOptions) =>
    limit("operation", operation, max, options),
  /** Per tenant; without `tenant`, each tenant gets its own `max`. */
  tenant: (max: number, tenant?: string, options?: ThrottleOptions) =>
    limit("tenant", tenant, max, options),
  global: (max: number, options?: ThrottleOptions) => limit("global", undefined, max, options),
  /** Per pipeline (all executions of it). */
  pipeline: (max: number, options?: ThrottleOptions) => limit("pipeline", undefined, max, options),
  /** Per step id across executions of the pipeline. */
  step: (max: number, options?: ThrottleOptions) => limit("step", undefined, max, options),
  /** Per execution. */
  execution: (max: number, options?: ThrottleOptions) =>
    limit("execution", undefined, max, options),
});

/**
 * Options of a rate limit: `limit` units per `windowMs` milliseconds in `scope` (default global).
 *
 * @example
 * ```ts
 * rateLimit.requests({ limit: 60, windowMs: 60_000 }); // { scope: "global", unit: "requests", limit: 60, windowMs: 60000 }
 * ```
 */
export interface RateLimitOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly scope?: LimitScope;
  readonly key?: string;
}

/**
 * Rate limits over a sliding window.
 *
 * @example
 * ```ts
 * rateLimit.requests({ scope: "provider", key: "openai", limit: 500, windowMs: 60_000 });
 * // => { scope: "provider", key: "openai", unit: "requests", limit: 500, windowMs: 60000 }
 * rateLimit.tokens({ scope: "model", key: "openai:gpt-4.1", limit: 30_000, windowMs: 60_000, estimate: 1_500 });
 * ```
 */
export const rateLimit = Object.freeze({
  requests: (options: RateLimitOptions): RateLimit =>
    checked(
      rateLimitSchema,
      { scope: "global", ...options, unit: "requests" },
      "rateLimit.requests",
    ),
  /** `estimate` tokens are reserved per attempt and reconciled with the actual usage. */
  tokens: (options: RateLimitOptions & { readonly estimate: number }): RateLimit =>
    checked(rateLimitSchema, { scope: "global", ...options, unit: "tokens" }, "rateLimit.tokens"),
});

/**
 * Retention options besides the hot-state mode.
 *
 * @example
 * ```ts
 * retention.compact({ hotTtlMs: 600_000, inlineMaxBytes: 16_384 });
 * ```
 */
export type RetentionOptions = Omit<RetentionPolicy, "hot">;

/**
 * Retention of terminal executions: keep hot state, compact it (drop inline outputs), or evict it
 * after archiving. Durations are milliseconds, sizes bytes.
 *
 * @example
 * ```ts
 * retention.evict({ hotTtlMs: 3_600_000, durableTtlMs: 30 * 86_400_000 });
 * // => { hot: "evict", hotTtlMs: 3600000, durableTtlMs: 2592000000 }
 * ```
 */
export const retention = Object.freeze({
  keep: (options: RetentionOptions = {}): RetentionPolicy =>
    checked(retentionPolicySchema, { ...options, hot: "keep" }, "retention.keep"),
  compact: (options: RetentionOptions = {}): RetentionPolicy =>
    checked(retentionPolicySchema, { ...options, hot: "compact" }, "retention.compact"),
  evict: (options: RetentionOptions = {}): RetentionPolicy =>
    checked(retentionPolicySchema, { ...options, hot: "evict" }, "retention.evict"),
});
