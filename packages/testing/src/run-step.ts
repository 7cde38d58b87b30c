/**
 * `runStep()`: runs a step plugin once, outside the runtime, with a real {@link StepContext}. It
 * validates config, input and output against the plugin's schemas like a worker does, so a plugin
 * unit test catches the same contract errors the runtime would.
 */
import { type JsonValue, OrdoError, type StepMetadata } from "@ordo/core";
import type { StepContext, StepLogger, StepPlugin } from "@ordo/step";
import type { z } from "zod";

/** An event the plugin published with `ctx.emit`. */
export interface CapturedEvent {
  readonly type: string;
  readonly data: JsonValue;
}

/** A line the plugin logged through `ctx.logger`. */
export interface CapturedLog {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/** Options of {@link runStep}. */
export interface RunStepOptions {
  /** Plugin config (validated by the plugin's config schema). Default `{}`. */
  readonly config?: unknown;
  /** Step metadata, merged over the plugin's default metadata. */
  readonly metadata?: StepMetadata;
  /** 1-based attempt number. Default 1. */
  readonly attempt?: number;
  /** Default `<executionId>:<stepId>`, like the runtime: stable across attempts. */
  readonly idempotencyKey?: string;
  /** Default `test-execution`. */
  readonly executionId?: string;
  /** Default `step`. */
  readonly stepId?: string;
  /** Aborts the run from outside (cancellation in tests). */
  readonly signal?: AbortSignal;
  /** Aborts the signal after this many ms, like a step timeout. Default: none. */
  readonly timeoutMs?: number;
  /** Called on `ctx.heartbeat()`; throw from it to simulate a lost lease. */
  readonly onHeartbeat?: () => void | Promise<void>;
  /** Receives each event as it is emitted (e.g. to observe streaming). */
  readonly onEvent?: (event: CapturedEvent) => void;
}

/** What a successful {@link runStep} returns. */
export interface RunStepResult<TOutput> {
  /** The validated output, after a JSON round trip (what the runtime would store). */
  readonly output: TOutput;
  readonly events: CapturedEvent[];
  readonly logs: CapturedLog[];
  /** Number of `ctx.heartbeat()` calls. */
  readonly heartbeats: number;
}

/** What {@link tryRunStep} returns: the result, or the error with what was captured before it. */
export type TryRunStepResult<TOutput> =
  | ({ readonly ok: true } & RunStepResult<TOutput>)
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly events: CapturedEvent[];
      readonly logs: CapturedLog[];
      readonly heartbeats: number;
    };

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: ["$", ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

/** Throws NOT_JSON when `value` contains something JSON cannot carry. */
function assertJson(value: unknown, path: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return;
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      assertJson(item, `${path}[${i}]`);
    });
    return;
  } else if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) assertJson(item, `${path}.${key}`);
    }
    return;
  }
  throw new OrdoError("NOT_JSON", `step output at ${path} is not JSON (${String(value)})`, {
    details: { path },
  });
}

/**
 * Runs `plugin` once with `input`. Throws what the plugin throws (e.g. `RetryAfterError`),
 * `OrdoError("INPUT_INVALID" | "IR_INVALID_CONFIG" | "OUTPUT_INVALID" | "NOT_JSON")` on contract
 * violations. Use {@link tryRunStep} to inspect events and logs of a failed run.
 *
 * @example
 * ```ts
 * import { defineStep } from "@ordo/step";
 * import { runStep } from "@ordo/testing";
 * import { z } from "zod";
 *
 * const upper = defineStep({
 *   type: "example.upper",
 *   version: "1.0.0",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ text: z.string() }),
 *   async run({ text }, ctx) {
 *     ctx.emit("progress", { half: true });
 *     return { text: text.toUpperCase() };
 *   },
 * });
 * const { output, events } = await runStep(upper, { text: "hi" });
 * // output: { text: "HI" }, events: [{ type: "progress", data: { half: true } }]
 * ```
 */
export async function runStep<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TConfig extends z.ZodType,
>(
  plugin: StepPlugin<TInput, TOutput, TConfig>,
  input: z.input<TInput>,
  options: RunStepOptions = {},
): Promise<RunStepResult<z.output<TOutput>>> {
  const result = await tryRunStep(plugin, input, options);
  if (!result.ok) throw result.error;
  return result;
}

/**
 * Like {@link runStep} but never throws: returns `{ ok: false, error, events, logs }` on failure.
 *
 * @example
 * ```ts
 * const result = await tryRunStep(plugin, { text: "" });
 * if (!result.ok) console.log(result.error, result.logs);
 * ```
 */
export async function tryRunStep<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TConfig extends z.ZodType,
>(
  plugin: StepPlugin<TInput, TOutput, TConfig>,
  input: z.input<TInput>,
  options: RunStepOptions = {},
): Promise<TryRunStepResult<z.output<TOutput>>> {
  const capture: Capture = { events: [], logs: [], heartbeats: 0 };
  const abort = abortControl(options);
  try {
    const config = parseWith(plugin.config, options.config ?? {}, "IR_INVALID_CONFIG", "config");
    const parsedInput = parseWith(plugin.input, input, "INPUT_INVALID", "input");
    const ctx = contextFor(plugin, config as z.output<TConfig>, abort.signal, options, capture);
    const raw = await plugin.run(parsedInput as z.output<TInput>, ctx);
    const output = parseWith(plugin.output, raw, "OUTPUT_INVALID", "output");
    assertJson(output, "$");
    const stored = JSON.parse(JSON.stringify(output)) as z.output<TOutput>;
    return { ok: true, output: stored, ...capture };
  } catch (error) {
    return { ok: false, error, ...capture };
  } finally {
    abort.dispose();
  }
}

/** What a run captured. */
interface Capture {
  events: CapturedEvent[];
  logs: CapturedLog[];
  heartbeats: number;
}

/** The attempt's signal: aborted by `options.signal` or, like a step timeout, after `timeoutMs`. */
function abortControl(options: RunStepOptions): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const fromOutside = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", fromOutside, { once: true });
  if (options.signal?.aborted) fromOutside();
  const ms = options.timeoutMs;
  const timer =
    ms === undefined
      ? undefined
      : setTimeout(() => {
          const reason = new OrdoError("STEP_TIMEOUT", `step timed out after ${ms} ms`, {
            retryable: true,
          });
          controller.abort(reason);
        }, ms);
  return {
    signal: controller.signal,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", fromOutside);
    },
  };
}

function contextFor<TConfig>(
  plugin: StepPlugin,
  config: TConfig,
  signal: AbortSignal,
  options: RunStepOptions,
  capture: Capture,
): StepContext<TConfig> {
  const executionId = options.executionId ?? "test-execution";
  const stepId = options.stepId ?? "step";
  const log =
    (level: CapturedLog["level"]) => (message: string, data?: Record<string, unknown>) => {
      capture.logs.push(data === undefined ? { level, message } : { level, message, data });
    };
  const logger: StepLogger = {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
  };
  return {
    signal,
    attempt: options.attempt ?? 1,
    idempotencyKey: options.idempotencyKey ?? `${executionId}:${stepId}`,
    executionId,
    stepId,
    stepType: `${plugin.type}@${plugin.version}`,
    config,
    metadata: { ...plugin.metadata, ...options.metadata },
    logger,
    async heartbeat() {
      capture.heartbeats += 1;
      await options.onHeartbeat?.();
    },
    emit(type, data) {
      const event = { type, data: JSON.parse(JSON.stringify(data ?? null)) as JsonValue };
      capture.events.push(event);
      try {
        options.onEvent?.(event);
      } catch {
        // emit is best effort and never throws into the plugin
      }
    },
  };
}

function parseWith(
  schema: z.ZodType | undefined,
  value: unknown,
  code: "INPUT_INVALID" | "OUTPUT_INVALID" | "IR_INVALID_CONFIG",
  what: string,
): unknown {
  if (schema === undefined) return value;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error);
  const first = issues[0];
  throw new OrdoError(code, `step ${what} is invalid at ${first?.path}: ${first?.message}`, {
    details: { issues },
  });
}
