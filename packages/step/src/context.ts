/**
 * What a step plugin's `run` receives besides its input.
 */
import type { JsonValue, StepMetadata } from "@ordo/core";

/** Structured logger handed to plugins; lines are correlated with the execution and step. */
export interface StepLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/**
 * Context of one step attempt.
 *
 * @example
 * ```ts
 * import { defineStep } from "@ordo/step";
 * import { z } from "zod";
 *
 * export const slow = defineStep({
 *   type: "example.slow",
 *   version: "1.0.0",
 *   input: z.object({ ms: z.number() }),
 *   output: z.object({ waited: z.number() }),
 *   async run({ ms }, ctx) {
 *     await ctx.heartbeat(); // long steps renew their lease
 *     ctx.signal.throwIfAborted(); // timeouts and cancellation abort the signal
 *     return { waited: ms };
 *   },
 * });
 * ```
 */
export interface StepContext<TConfig = Record<string, unknown>> {
  /** Aborted on timeout, cancellation, lost lease or worker shutdown. */
  readonly signal: AbortSignal;
  /** 1-based attempt number; recoveries after a crashed worker do not count as attempts. */
  readonly attempt: number;
  /** Stable across attempts and recoveries of this step in this execution: use it for dedupe. */
  readonly idempotencyKey: string;
  readonly executionId: string;
  readonly stepId: string;
  /** Plugin type and version that runs. */
  readonly stepType: string;
  /** The step's validated plugin configuration. */
  readonly config: TConfig;
  /** Provider / model / operation / tenant of the step. */
  readonly metadata: StepMetadata;
  readonly logger: StepLogger;
  /** W3C trace context of the step attempt's span (`traceparent` header value), when tracing. */
  readonly traceparent?: string;
  /** Renews the lease; rejects with `STALE_TOKEN` if the step was taken away from this worker. */
  heartbeat(): Promise<void>;
  /** Publishes an execution event (e.g. a streamed LLM delta). Best effort, never throws. */
  emit(type: string, data: JsonValue): void;
}
