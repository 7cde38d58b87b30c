/**
 * Eight worker processes share one provider limit of N = 3: sampled every few ms (the lease set's
 * size) and counted exactly (an in-flight counter the plugin INCRs), the limit is never exceeded,
 * throughput stays near N / step duration, and throttled attempts wait in `delayed` (recorded as
 * `concurrency.denied`) instead of spinning.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PipelineIR } from "@ordo/core";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { stopWorker, type WorkerProcess } from "../runtime/helpers/processes.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "../runtime/helpers/redis.js";

const entry = fileURLToPath(new URL("./throttle-helpers/worker-entry.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

const N = 3;
const STEP_MS = 100;
const STEPS = 60;

let redis: TestRedis;
let reader: Redis;
const prefix = uniquePrefix("thr");
let workers: WorkerProcess[] = [];

function spawnThrottleWorker(id: string): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ["--conditions=@ordo/source", "--import", "tsx", entry, redis.arg, prefix, id],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker ${id} exited early (${code})`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        child.removeAllListeners("exit");
        resolve({ id, child });
      }
    });
  });
}

beforeAll(async () => {
  redis = await startTestRedis();
  reader = redis.connect();
  workers = await Promise.all(Array.from({ length: 8 }, (_, i) => spawnThrottleWorker(`tw${i}`)));
}, 60_000);
afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  reader.disconnect();
  await redis.stop();
});

function limitedIr(): PipelineIR {
  const ir = testIr(
    Array.from({ length: STEPS }, (_, i) => ({
      id: `call${i}`,
      type: "test.limited",
      inputs: { ms: STEP_MS },
    })),
    {
      policies: { concurrency: [{ scope: "provider", key: "openai", limit: N, retryAfterMs: 20 }] },
    },
  );
  return { ...ir, steps: ir.steps.map((s) => ({ ...s, metadata: { provider: "openai" } })) };
}

describe("throttling across 8 worker processes", () => {
  it(`never runs more than ${N} at once and keeps throughput near N / duration`, async () => {
    const client = createClient({ connection: redis.connection, prefix });
    const leaseKey = `{${prefix}:limits}:c:provider:openai`;
    let sampledMax = 0;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const n = await reader.zcard(leaseKey);
        sampledMax = Math.max(sampledMax, n);
        samples++;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const t0 = Date.now();
    const run = await client.start(limitedIr(), {});
    await run.result({ timeoutMs: 40_000 });
    const elapsed = Date.now() - t0;
    sampling = false;
    await sampler;

    const seen = (await reader.lrange(`${prefix}:seen`, 0, -1)).map(Number);
    expect(seen).toHaveLength(STEPS);
    expect(Math.max(...seen)).toBeLessThanOrEqual(N);
    expect(Math.max(...seen)).toBe(N); // the limit is used, not just respected
    expect(samples).toBeGreaterThan(100);
    expect(sampledMax).toBeLessThanOrEqual(N);
    // Ideal: STEPS / N * STEP_MS = 2 s. Allow 2.5x for process scheduling on a small machine.
    const ideal = (STEPS / N) * STEP_MS;
    expect(elapsed).toBeLessThan(ideal * 2.5);

    const state = await run.status();
    const workersUsed = new Set(
      Object.values(state.steps).map((s) => (s.output as { worker: string }).worker),
    );
    expect(workersUsed.size).toBeGreaterThanOrEqual(2);
    let denied = 0;
    for await (const e of run.events()) if (e.type === "concurrency.denied") denied++;
    expect(denied).toBeGreaterThan(0);
    // No busy spin: each denied attempt waits >= retryAfterMs, so denials stay well below
    // (elapsed / retryAfterMs) * steps waiting.
    expect(denied).toBeLessThan((elapsed / 20) * STEPS);
    expect(await reader.zcard(leaseKey)).toBe(0); // every lease released
    await client.close();
  }, 60_000);
});
