/**
 * Determinism: the same pipeline and input, with deterministic failure injection, give the same
 * final state and execution fingerprint on 1 worker x 1 slot and on 4 workers x 16 slots.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createClient,
  createWorker,
  type ExecutionState,
  type Worker,
} from "../../packages/runtime/src/index.js";
import { layeredIr } from "./helpers/ir.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";
import { detPlugin, injectedFailure } from "./helpers/work-plugins.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});

const ir = layeredIr(
  150,
  15,
  2,
  "test.det",
  (_id, deps) => ({ deps: deps.map((d) => ({ $ref: `steps.${d}.output.h` })) }),
  { retry: { maxAttempts: 3, strategy: "exponential", baseDelayMs: 1, jitter: "full" } },
);

async function runWith(workerCount: number, concurrency: number): Promise<ExecutionState> {
  const prefix = uniquePrefix("det");
  const workers: Worker[] = Array.from({ length: workerCount }, () =>
    createWorker({ connection: redis.connection, prefix, plugins: [detPlugin], concurrency }),
  );
  const client = createClient({ connection: redis.connection, prefix });
  const run = await client.start(ir, { seed: 42 });
  await run.result({ timeoutMs: 60_000 }).catch(() => undefined);
  const state = await run.status();
  await Promise.all(workers.map((w) => w.close()));
  await client.close();
  return state;
}

function outcome(state: ExecutionState) {
  return Object.fromEntries(
    Object.entries(state.steps).map(([id, s]) => [
      id,
      { status: s.status, output: s.output ?? null },
    ]),
  );
}

describe("determinism", () => {
  it("gives the same final state and fingerprint on 1x1 and 4x16", async () => {
    const single = await runWith(1, 1);
    const many = await runWith(4, 16);
    // The injection really bites: some steps fail for good, their descendants are skipped.
    const statuses = Object.values(single.steps).map((s) => s.status);
    expect(statuses).toContain("failed");
    expect(statuses).toContain("skipped");
    expect(statuses.filter((s) => s === "completed").length).toBeGreaterThan(50);
    expect(single.status).toBe("failed");
    // Attempts follow the injection exactly.
    for (const [id, s] of Object.entries(single.steps)) {
      if (s.status === "completed") expect(injectedFailure(id, s.attempt)).toBe(false);
      if (s.status === "failed") expect(s.attempt).toBe(3);
    }
    expect(outcome(many)).toEqual(outcome(single));
    expect(many.status).toBe(single.status);
    expect(single.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(many.fingerprint).toBe(single.fingerprint);
  }, 90_000);
});
