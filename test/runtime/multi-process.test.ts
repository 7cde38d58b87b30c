/**
 * Four worker processes share one 500-step DAG: every step runs, none twice.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../packages/runtime/src/index.js";
import { layeredIr } from "./helpers/ir.js";
import { spawnWorker, stopWorker, type WorkerProcess } from "./helpers/processes.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";

let redis: TestRedis;
let reader: Redis;
const prefix = uniquePrefix("multi");
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  reader = redis.connect();
  workers = await Promise.all(
    [0, 1, 2, 3].map((i) => spawnWorker(redis.arg, prefix, `mp${i}`, 8, 5_000)),
  );
});
afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis.stop();
});

describe("multi-process workers", () => {
  it("run a 500-step DAG: every step once, on several processes", async () => {
    const ir = layeredIr(500, 25, 3, "test.work", () => ({ ms: 1 }));
    const client = createClient({ connection: redis.connection, prefix });
    const run = await client.start(ir, {});
    await run.result({ timeoutMs: 60_000 });
    const state = await run.status();
    expect(Object.values(state.steps).every((s) => s.status === "completed")).toBe(true);
    const runs = await reader.lrange(`${prefix}:runs`, 0, -1);
    const steps = runs.map((r) => r.split(":")[1]);
    expect(steps).toHaveLength(500);
    expect(new Set(steps).size).toBe(500);
    const byWorker = new Set(runs.map((r) => r.split(":")[3]));
    expect(byWorker.size).toBeGreaterThanOrEqual(2);
    await client.close();
  }, 90_000);
});
