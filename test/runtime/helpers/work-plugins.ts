/**
 * Plugins shared by in-process and child-process runtime tests.
 */
import { sha256Hex } from "@ordo/core";
import { defineStep } from "@ordo/step";
import type { Redis } from "ioredis";
import { z } from "zod";

/** `test.work`: sleeps `ms` and records each run as `<exec>:<step>:<attempt>:<worker>`. */
export function workPlugin(redis: Redis, listKey: string, workerId: string) {
  return defineStep({
    type: "test.work",
    version: "1.0.0",
    input: z.object({ ms: z.number().optional() }).passthrough(),
    output: z.object({ step: z.string() }),
    async run(input, ctx) {
      if (input.ms) await new Promise((r) => setTimeout(r, input.ms));
      await redis.rpush(listKey, `${ctx.executionId}:${ctx.stepId}:${ctx.attempt}:${workerId}`);
      return { step: ctx.stepId };
    },
  });
}

/** Deterministic failure injection: attempt `n` of step `s` fails when sha256(s:n) says so. */
export function injectedFailure(stepId: string, attempt: number): boolean {
  return Number.parseInt(sha256Hex(`${stepId}:${attempt}`).slice(0, 8), 16) % 4 === 0;
}

/**
 * `test.det`: output is a hash of the step id and its inputs (so outputs flow downstream and
 * differ per step); fails by {@link injectedFailure}.
 */
export const detPlugin = defineStep({
  type: "test.det",
  version: "1.0.0",
  input: z.object({ deps: z.array(z.unknown()).optional() }).passthrough(),
  output: z.object({ h: z.string() }),
  async run(input, ctx) {
    if (injectedFailure(ctx.stepId, ctx.attempt)) {
      throw new Error(`injected failure ${ctx.stepId}#${ctx.attempt}`);
    }
    return { h: sha256Hex(`${ctx.stepId}:${JSON.stringify(input)}`).slice(0, 16) };
  },
});
