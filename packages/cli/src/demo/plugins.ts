/**
 * Step plugins of the enterprise demo scenarios (`ordo demo json|chaos-100|chaos-500|
 * throttling-100|hitl`). Deterministic where it matters: the flaky steps fail their first
 * `failAttempts` attempts, so retries (and fingerprints) are the same on every run.
 */
import { defineStep } from "@ordo/step";
import { z } from "zod";

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
  async run(input, ctx) {
    if (input.ms > 0) await sleep(input.ms, ctx.signal);
    if (ctx.metadata.provider !== undefined) {
      ctx.emit("llm.usage", { inputTokens: 100, outputTokens: 20 });
    }
    return { step: ctx.stepId, ms: input.ms };
  },
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
  async run(input, ctx) {
    if (input.ms > 0) await sleep(input.ms, ctx.signal);
    if (ctx.attempt <= input.failAttempts) {
      throw new Error(`transient provider error (attempt ${ctx.attempt})`);
    }
    return { step: ctx.stepId, attempts: ctx.attempt };
  },
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
