/**
 * Policy schemas of the IR: retry, timeout, concurrency limits, rate limits, retention and
 * references to custom (user-defined) policies. The same {@link PolicySet} shape is used at
 * pipeline level and per step; a step's value wins field by field (limits are concatenated;
 * admission policies of both levels apply, so a step can narrow its pipeline's, never widen it).
 *
 * Every object is strict: an unknown field is a validation error (`IR_UNKNOWN_POLICY_FIELD`),
 * never silently ignored as the reference runtime did (SEED-SPEC 18.17).
 */
import { z } from "zod";
import { jsonValueSchema } from "./json.js";

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** Backoff strategies. `linear` grows by `baseDelayMs` per retry; `exponential` by `multiplier`. */
export const retryStrategySchema = z.enum(["fixed", "linear", "exponential"]);

/** Jitter applied to a computed delay. Seeded by execution id, step id and attempt, so replays match. */
export const jitterSchema = z.enum(["none", "full", "equal"]);

/**
 * Retry policy. Delay before retry `n` (1-based):
 * fixed = base, linear = base * n, exponential = base * multiplier^(n-1); capped at `maxDelayMs`.
 */
export const retryPolicySchema = z
  .object({
    /** Total attempts including the first one. 1 = never retry. */
    maxAttempts: positiveInt,
    strategy: retryStrategySchema,
    /** Milliseconds. */
    baseDelayMs: nonNegativeInt,
    /** Milliseconds; no cap when absent. */
    maxDelayMs: nonNegativeInt.optional(),
    /** Exponential growth factor; default 2. */
    multiplier: z.number().min(1).optional(),
    jitter: jitterSchema.optional(),
    /** Only these error codes are retried (default: every retryable error). */
    retryOn: z.array(z.string().min(1)).optional(),
    /** These error codes are never retried. */
    doNotRetryOn: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** Timeouts and the claim lease of a step attempt. */
export const timeoutPolicySchema = z
  .object({
    /** Abort an attempt after this many milliseconds (AbortSignal, then a retryable STEP_TIMEOUT). */
    attemptMs: positiveInt.optional(),
    /** Lease length in milliseconds; a worker that stops heartbeating loses the step after it. */
    leaseMs: positiveInt.optional(),
    /** Heartbeat interval in milliseconds; default leaseMs / 3. */
    heartbeatMs: positiveInt.optional(),
  })
  .strict();

/** What a concurrency or rate limit counts against. */
export const limitScopeSchema = z.enum([
  "global",
  "pipeline",
  "step",
  "execution",
  "instance",
  "tenant",
  "provider",
  "model",
  "operation",
]);

/**
 * At most `limit` attempts run at once in the scope. `key` narrows the limit to one value of the
 * scope (e.g. provider "openai"); without it the step's own value (its provider, model, ...) is used.
 */
export const concurrencyLimitSchema = z
  .object({
    scope: limitScopeSchema,
    key: z.string().min(1).optional(),
    limit: positiveInt,
    /** Milliseconds a throttled step waits before it is offered again; default 250. */
    retryAfterMs: positiveInt.optional(),
  })
  .strict();

/** At most `limit` units per `windowMs` in the scope; `tokens` reserves an estimate, reconciled later. */
export const rateLimitSchema = z
  .object({
    scope: limitScopeSchema,
    key: z.string().min(1).optional(),
    unit: z.enum(["requests", "tokens"]),
    limit: positiveInt,
    /** Milliseconds. */
    windowMs: positiveInt,
    /** Estimated tokens reserved per attempt when `unit` is `tokens`. */
    estimate: positiveInt.optional(),
  })
  .strict();

/** What happens to a terminal execution's hot state and durable records. */
export const retentionPolicySchema = z
  .object({
    /** keep: leave hot state; compact: drop inline outputs; evict: remove after archiving. */
    hot: z.enum(["keep", "compact", "evict"]).optional(),
    /** Milliseconds a terminal execution stays in hot state before the hot policy applies. */
    hotTtlMs: nonNegativeInt.optional(),
    /** Milliseconds durable records (ledger, snapshot, payloads) are kept; forever when absent. */
    durableTtlMs: positiveInt.optional(),
    /** Outputs larger than this many bytes are stored durably and referenced by content hash. */
    inlineMaxBytes: nonNegativeInt.optional(),
    /** A payload larger than this many bytes fails the step at once (non-retryable). */
    maxPayloadBytes: positiveInt.optional(),
    /** Reason recorded in the ledger when retention applies. */
    reason: z.string().optional(),
  })
  .strict();

/** A reference to a custom policy registered with `definePolicy`, by name, with its config. */
export const customPolicyRefSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(["retry-classifier", "admission", "custom"]),
    config: jsonValueSchema,
  })
  .strict();

/** A provider, model or operation name in an admission list (matched trimmed, case-insensitively). */
const admissionName = z.string().trim().min(1);

/**
 * A model in an admission list: `provider:model`, or `provider:*` for every model of a provider.
 * A step's model is keyed the same way (`metadata.provider` + `:` + `metadata.model`, or the
 * model alone when it already contains `:` or the step names no provider).
 */
const admissionModel = z
  .string()
  .trim()
  .regex(/^[^:\s]+:\S.*$/, "models are written provider:model (or provider:* for all models)");

/**
 * Admission policy: which providers, models and operations a step may use, evaluated before a
 * step takes any limit. Blocked lists are checked first, then `require*`, then allowed lists; an
 * allowed list only applies to steps that have that value (a step without a provider passes
 * `allowedProviders`; use `requireProvider` to refuse it). Values come from the step's
 * `metadata` (provider, model, operation).
 *
 * In the IR (pipeline and step level, both apply: a step can narrow, never widen, its pipeline's
 * policy), a violation is a validation error `IR_ADMISSION_DENIED`. The same shape is the
 * deployment-wide policy an operator sets at run time (`control.admissionPolicy.set(...)`): there
 * a denied step waits `retryAfterMs` and is offered again (ledger `policy.denied`).
 */
export const admissionPolicySchema = z
  .object({
    allowedProviders: z.array(admissionName).min(1).optional(),
    blockedProviders: z.array(admissionName).min(1).optional(),
    /** Refuse steps whose metadata names no provider. */
    requireProvider: z.boolean().optional(),
    /** `provider:model` or `provider:*`. */
    allowedModels: z.array(admissionModel).min(1).optional(),
    /** `provider:model` or `provider:*`. */
    blockedModels: z.array(admissionModel).min(1).optional(),
    /** Refuse steps whose metadata names no model. */
    requireModel: z.boolean().optional(),
    allowedOperations: z.array(admissionName).min(1).optional(),
    blockedOperations: z.array(admissionName).min(1).optional(),
    /** Refuse steps whose metadata names no operation. */
    requireOperation: z.boolean().optional(),
    /** Why (an incident, a compliance rule): shown in errors, the ledger and worker logs. */
    reason: z.string().min(1).optional(),
    /** Run time only: milliseconds a denied step waits before it is offered again; default 1 000. */
    retryAfterMs: positiveInt.optional(),
  })
  .strict();

/** Every policy a pipeline or a step can carry. */
export const policySetSchema = z
  .object({
    retry: retryPolicySchema.optional(),
    timeout: timeoutPolicySchema.optional(),
    concurrency: z.array(concurrencyLimitSchema).optional(),
    rateLimits: z.array(rateLimitSchema).optional(),
    retention: retentionPolicySchema.optional(),
    custom: z.array(customPolicyRefSchema).optional(),
    /** Checked against both levels (a step cannot widen its pipeline's admission policy). */
    admission: admissionPolicySchema.optional(),
  })
  .strict();

/** Retry policy (see {@link retryPolicySchema}). */
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
/** Timeout policy (see {@link timeoutPolicySchema}). */
export type TimeoutPolicy = z.infer<typeof timeoutPolicySchema>;
/** Scope of a limit. */
export type LimitScope = z.infer<typeof limitScopeSchema>;
/** Concurrency limit (see {@link concurrencyLimitSchema}). */
export type ConcurrencyLimit = z.infer<typeof concurrencyLimitSchema>;
/** Rate limit (see {@link rateLimitSchema}). */
export type RateLimit = z.infer<typeof rateLimitSchema>;
/** Retention policy (see {@link retentionPolicySchema}). */
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;
/** Custom policy reference (see {@link customPolicyRefSchema}). */
export type CustomPolicyRef = z.infer<typeof customPolicyRefSchema>;
/** Admission policy (see {@link admissionPolicySchema}). */
export type AdmissionPolicy = z.infer<typeof admissionPolicySchema>;
/** Policy set (see {@link policySetSchema}). */
export type PolicySet = z.infer<typeof policySetSchema>;

/** Defaults the runtime applies when neither the step nor the pipeline sets a value. */
export const POLICY_DEFAULTS = {
  retry: { maxAttempts: 3, strategy: "exponential", baseDelayMs: 500, maxDelayMs: 30_000 },
  leaseMs: 30_000,
  concurrencyRetryAfterMs: 250,
  admissionRetryAfterMs: 1_000,
  inlineMaxBytes: 64 * 1024,
  maxPayloadBytes: 64 * 1024 * 1024,
} as const satisfies {
  retry: RetryPolicy;
  leaseMs: number;
  concurrencyRetryAfterMs: number;
  admissionRetryAfterMs: number;
  inlineMaxBytes: number;
  maxPayloadBytes: number;
};
