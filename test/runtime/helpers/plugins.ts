/**
 * Test plugins. `test.echo` returns `{ value }` built from its input; `test.flaky` fails its first
 * `failTimes` attempts; `test.sleep` waits `ms` (honouring the AbortSignal); `test.fatal` throws a
 * NonRetryableError; `test.record` appends `<exec>:<step>` to a Redis list (duplicate detection);
 * `test.blob` returns `size` x's and `test.measure` the length of its text (payload tests).
 */
import { defineStep, NonRetryableError, RetryAfterError } from "@ordo/step";
import type { Redis } from "ioredis";
import { z } from "zod";

export const echo = defineStep({
  type: "test.echo",
  version: "1.0.0",
  input: z.object({ value: z.unknown().optional() }).passthrough(),
  output: z.object({ value: z.unknown() }),
  async run(input) {
    return { value: input.value ?? null };
  },
});

export const flaky = defineStep({
  type: "test.flaky",
  version: "1.0.0",
  input: z.object({ failTimes: z.number(), retryAfterMs: z.number().optional() }),
  output: z.object({ attempt: z.number() }),
  async run(input, ctx) {
    if (ctx.attempt <= input.failTimes) {
      if (input.retryAfterMs !== undefined) throw new RetryAfterError("busy", input.retryAfterMs);
      throw new Error(`flaky failure on attempt ${ctx.attempt}`);
    }
    return { attempt: ctx.attempt };
  },
});

export const sleep = defineStep({
  type: "test.sleep",
  version: "1.0.0",
  input: z.object({ ms: z.number() }),
  output: z.object({ slept: z.number() }),
  async run(input, ctx) {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, input.ms);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(t);
        reject(ctx.signal.reason);
      });
    });
    return { slept: input.ms };
  },
});

export const fatal = defineStep({
  type: "test.fatal",
  version: "1.0.0",
  input: z.object({}).passthrough(),
  output: z.object({}),
  async run() {
    throw new NonRetryableError("this can never work");
  },
});

/** A plugin that records each run in a Redis list `<listKey>` as `<exec>:<step>:<attempt>`. */
export function recorder(redis: Redis, listKey: string, type = "test.record") {
  return defineStep({
    type,
    version: "1.0.0",
    input: z.object({}).passthrough(),
    output: z.object({ step: z.string() }),
    async run(_input, ctx) {
      await redis.rpush(listKey, `${ctx.executionId}:${ctx.stepId}:${ctx.attempt}`);
      return { step: ctx.stepId };
    },
  });
}

/** Runs of `test.blob` so far (per test file: each file loads its own copy of this module). */
export const blobRuns = { count: 0 };

/** `test.blob`: `{ text }` of `size` x's, for payload externalization tests. */
export const blob = defineStep({
  type: "test.blob",
  version: "1.0.0",
  input: z.object({ size: z.number() }),
  output: z.object({ text: z.string() }),
  async run(input) {
    blobRuns.count++;
    return { text: "x".repeat(input.size) };
  },
});

/** `test.measure`: the length of its `text` input (reads a dependency's possibly external output). */
export const measure = defineStep({
  type: "test.measure",
  version: "1.0.0",
  input: z.object({ text: z.string() }),
  output: z.object({ length: z.number() }),
  async run(input) {
    return { length: input.text.length };
  },
});
