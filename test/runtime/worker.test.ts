/**
 * Worker + client end to end on a real redis-server: bindings, output mapping, retries,
 * non-retryable errors, timeouts, cancellation, invalid input, graceful shutdown.
 */
import { isOrdoError } from "@ordo/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createClient,
  createWorker,
  executionFingerprint,
  partitionOf,
  type Worker,
} from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";
import { echo, fatal, flaky, sleep } from "./helpers/plugins.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";

let redis: TestRedis;
const prefix = uniquePrefix("worker");
let worker: Worker;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await startTestRedis();
  worker = createWorker({
    connection: redis.connection,
    prefix,
    plugins: [echo, flaky, sleep, fatal],
    concurrency: 8,
    leaseMs: 2_000,
  });
  client = createClient({ connection: redis.connection, prefix });
});
afterAll(async () => {
  await worker.close();
  await client.close();
  await redis.stop();
});

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isOrdoError(error)) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("worker and client", () => {
  it("runs a DAG with bindings and resolves the output mapping", async () => {
    const ir = testIr(
      [
        { id: "a", inputs: { value: { $ref: "input.text" } } },
        { id: "b", deps: ["a"], inputs: { value: { $template: "b({{steps.a.output.value}})" } } },
        { id: "c", deps: ["a"], inputs: { value: 3 } },
        {
          id: "d",
          deps: ["b", "c"],
          inputs: { value: [{ $ref: "steps.b.output.value" }, { $ref: "steps.c.output.value" }] },
        },
      ],
      { output: { final: { $ref: "steps.d.output.value" } } },
    );
    const run = await client.start(ir, { text: "hi" });
    expect(await run.result({ timeoutMs: 5_000 })).toEqual({ final: ["b(hi)", 3] });
    const state = await run.status();
    expect(state.status).toBe("completed");
    expect(state.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const types: string[] = [];
    for await (const e of run.events()) types.push(e.type);
    expect(types[0]).toBe("execution.created");
    expect(types.at(-1)).toBe("execution.completed");
    expect(types.filter((t) => t === "step.completed")).toHaveLength(4);
  });

  it("retries per policy and reports the attempt", async () => {
    const ir = testIr([
      {
        id: "f",
        type: "test.flaky",
        inputs: { failTimes: 2 },
        policies: { retry: { maxAttempts: 3, strategy: "fixed", baseDelayMs: 20 } },
      },
    ]);
    const run = await client.start(ir, {});
    await run.result({ timeoutMs: 5_000 });
    expect((await run.status()).steps.f).toMatchObject({
      status: "completed",
      attempt: 3,
      output: { attempt: 3 },
    });
  });

  it("fails when retries run out and skips dependents", async () => {
    const ir = testIr([
      {
        id: "f",
        type: "test.flaky",
        inputs: { failTimes: 5 },
        policies: { retry: { maxAttempts: 2, strategy: "fixed", baseDelayMs: 10 } },
      },
      { id: "after", deps: ["f"] },
    ]);
    const run = await client.start(ir, {});
    const error = await rejection(run.result({ timeoutMs: 5_000 }));
    expect(error.code).toBe("STEP_FAILED");
    const state = await run.status();
    expect(state.steps.f).toMatchObject({ status: "failed", attempt: 2 });
    expect(state.steps.after!.status).toBe("skipped");
  });

  it("fails a NonRetryableError at once and honours RetryAfterError's delay", async () => {
    const fatalRun = await client.start(testIr([{ id: "x", type: "test.fatal" }]), {});
    await rejection(fatalRun.result({ timeoutMs: 5_000 }));
    expect((await fatalRun.status()).steps.x).toMatchObject({ status: "failed", attempt: 1 });
    const started = Date.now();
    const ra = await client.start(
      testIr([
        {
          id: "r",
          type: "test.flaky",
          inputs: { failTimes: 1, retryAfterMs: 300 },
          policies: { retry: { maxAttempts: 3, strategy: "fixed", baseDelayMs: 1 } },
        },
      ]),
      {},
    );
    await ra.result({ timeoutMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("times out an attempt with STEP_TIMEOUT", async () => {
    const ir = testIr([
      {
        id: "slow",
        type: "test.sleep",
        inputs: { ms: 2_000 },
        policies: {
          timeout: { attemptMs: 50 },
          retry: { maxAttempts: 1, strategy: "fixed", baseDelayMs: 0 },
        },
      },
    ]);
    const run = await client.start(ir, {});
    await rejection(run.result({ timeoutMs: 5_000 }));
    expect((await run.status()).steps.slow!.error).toMatchObject({ code: "STEP_TIMEOUT" });
  });

  it("cancels a running execution: running step aborted, the rest cancelled", async () => {
    const ir = testIr([
      {
        id: "long",
        type: "test.sleep",
        inputs: { ms: 5_000 },
        policies: { timeout: { leaseMs: 300 } },
      },
      { id: "next", deps: ["long"] },
    ]);
    const run = await client.start(ir, {});
    for (let i = 0; i < 100 && (await run.status()).steps.long!.status !== "running"; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await run.cancel();
    const error = await rejection(run.result({ timeoutMs: 5_000 }));
    expect(error.code).toBe("CANCELLED");
    const state = await run.status();
    expect(state.steps.next!.status).toBe("cancelled");
    expect(state.steps.long!.status).toBe("cancelled");
  });

  it("rejects invalid input and unknown executions with stable codes", async () => {
    const ir = {
      ...testIr([{ id: "a" }]),
      input: { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
    };
    expect((await rejection(client.start(ir, { n: "x" }))).code).toBe("INPUT_INVALID");
    expect((await rejection(client.status("nope"))).code).toBe("EXECUTION_NOT_FOUND");
    expect((await rejection(client.cancel("nope"))).code).toBe("EXECUTION_NOT_FOUND");
    const run = await client.start(ir, { n: 1 }, { executionId: "fixed-id-1" });
    await run.result({ timeoutMs: 5_000 });
    expect((await rejection(client.start(ir, { n: 1 }, { executionId: "fixed-id-1" }))).code).toBe(
      "EXECUTION_EXISTS",
    );
    expect((await rejection(client.cancel("fixed-id-1"))).code).toBe("WRONG_STATE");
  });

  it("fails a step whose definition is gone from hot state instead of looping on it", async () => {
    const raw = redis.connect();
    const paused = createClient({ connection: redis.connection, prefix: `${prefix}-nodef` });
    const ir = testIr([{ id: "a" }], { name: "no-definition" });
    const run = await paused.start(ir, {}, { executionId: "nodef-1" });
    const defKey = `{${prefix}-nodef:${partitionOf("nodef-1", 16)}}:def`;
    const fields = (await raw.hkeys(defKey)).filter((f) => f.endsWith(":ir"));
    expect(fields).toHaveLength(1);
    await raw.hdel(defKey, fields[0]!);
    const w = createWorker({
      connection: redis.connection,
      prefix: `${prefix}-nodef`,
      plugins: [echo],
    });
    const error = await rejection(run.result({ timeoutMs: 5_000 }));
    expect(error.code).toBe("STEP_FAILED");
    expect((await run.status()).steps.a!.error).toMatchObject({ code: "EXECUTION_NOT_FOUND" });
    await w.close();
    await paused.close();
  });

  it("accepts a builder-like object with compile()", async () => {
    const ir = testIr([{ id: "a", inputs: { value: 1 } }], {
      output: { v: { $ref: "steps.a.output.value" } },
    });
    const run = await client.start({ compile: () => ir }, {});
    expect(await run.result({ timeoutMs: 5_000 })).toEqual({ v: 1 });
    // Single-step: completeStep stored the fingerprint the worker precomputed; it must equal
    // the fingerprint recomputed from the final state.
    const state = await run.status();
    const expected = executionFingerprint(
      state.definitionFingerprint,
      state.input,
      new Map([["a", { status: "completed" as const, output: state.steps.a!.output! }]]),
    );
    expect(state.fingerprint).toBe(expected);
  });
});
