/**
 * Step plugins of the enterprise demo scenarios (`ordo demo json|chaos-100|chaos-500|
 * throttling-100|hitl`). Deterministic where it matters: the flaky steps fail their first
 * `failAttempts` attempts, so retries (and fingerprints) are the same on every run.
 */
import { performance } from "node:perf_hooks";
import { defineStep, type StepContext } from "@ordo/step";
import { z } from "zod";

/** One provider call as the plugin ran it: wall-clock ms (fractional), start and end. */
export interface ProviderRun {
  readonly executionId: string;
  readonly stepId: string;
  readonly provider: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Observers of provider calls, by execution id. A plugin runs only while its step holds every
 * concurrency lease, so the most runs of one provider that overlap is a measured lower bound of
 * the leases held at once: above the limit means the limit was broken. (The ledger's claim to
 * report interval also covers the time between claim and lease, so it over-counts.)
 */
const observers = new Map<string, (run: ProviderRun) => void>();

/** Reports every provider call of `executionId` to `observer` until the returned stop is called. */
export function observeProviderRuns(
  executionId: string,
  observer: (run: ProviderRun) => void,
): () => void {
  observers.set(executionId, observer);
  return () => observers.delete(executionId);
}

/** Reports the calls of every execution (worker processes: one observer for all). */
export function observeAllProviderRuns(observer: (run: ProviderRun) => void): void {
  observers.set("*", observer);
}

const now = () => performance.timeOrigin + performance.now();

/** Runs `body`, reporting its interval when the step has a provider and someone observes. */
async function asProviderCall<T>(ctx: StepContext, body: () => Promise<T>): Promise<T> {
  const provider = ctx.metadata.provider;
  const observer = observers.get(ctx.executionId) ?? observers.get("*");
  if (provider === undefined || observer === undefined) return body();
  const start = now();
  try {
    return await body();
  } finally {
    observer({ executionId: ctx.executionId, stepId: ctx.stepId, provider, start, end: now() });
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

/** `demo.work`: sleeps `ms`, then returns `{ step, ms }`; `llm.usage` when it has a provider. */
export const demoWork = defineStep({
  type: "demo.work",
  version: "1.0.0",
  input: z.object({ ms: z.number().int().nonnegative().default(0) }).passthrough(),
  output: z.object({ step: z.string(), ms: z.number() }),
  run: (input, ctx) =>
    asProviderCall(ctx, async () => {
      if (input.ms > 0) await sleep(input.ms, ctx.signal);
      if (ctx.metadata.provider !== undefined) {
        ctx.emit("llm.usage", { inputTokens: 100, outputTokens: 20 });
      }
      return { step: ctx.stepId, ms: input.ms };
    }),
});

/** `demo.flaky`: fails attempts 1..failAttempts (a transient provider error), then works. */
export const demoFlaky = defineStep({
  type: "demo.flaky",
  version: "1.0.0",
  input: z.object({
    ms: z.number().int().nonnegative().default(0),
    failAttempts: z.number().int(),
  }),
  output: z.object({ step: z.string(), attempts: z.number() }),
  run: (input, ctx) =>
    asProviderCall(ctx, async () => {
      if (input.ms > 0) await sleep(input.ms, ctx.signal);
      if (ctx.attempt <= input.failAttempts) {
        throw new Error(`transient provider error (attempt ${ctx.attempt})`);
      }
      return { step: ctx.stepId, attempts: ctx.attempt };
    }),
});

/** `demo.large`: returns a payload of about `bytes` bytes (large-payload handling). */
export const demoLarge = defineStep({
  type: "demo.large",
  version: "1.0.0",
  input: z.object({ bytes: z.number().int().positive() }),
  output: z.object({ step: z.string(), blob: z.string() }),
  async run(input, ctx) {
    const unit = `${ctx.stepId}:`;
    return { step: ctx.stepId, blob: unit.repeat(Math.ceil(input.bytes / unit.length)) };
  },
});

/** Every plugin the enterprise scenarios use. */
export const DEMO_PLUGINS = [demoWork, demoFlaky, demoLarge] as const;
