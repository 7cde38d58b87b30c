/**
 * Graceful shutdown: `close()` finishes in-flight steps; `close({ release: true })` gives them
 * back at once (no attempt or recovery spent) so another worker runs them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, createWorker } from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";
import { sleep } from "./helpers/plugins.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});

async function waitRunning(client: ReturnType<typeof createClient>, id: string, step: string) {
  for (let i = 0; i < 200; i++) {
    if ((await client.status(id)).steps[step]!.status === "running") return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${step} never ran`);
}

describe("worker shutdown", () => {
  it("close() finishes in-flight steps and claims nothing new", async () => {
    const prefix = uniquePrefix("close");
    const worker = createWorker({ connection: redis.connection, prefix, plugins: [sleep] });
    const client = createClient({ connection: redis.connection, prefix });
    const ir = testIr([
      { id: "a", type: "test.sleep", inputs: { ms: 200 } },
      { id: "b", type: "test.sleep", deps: ["a"], inputs: { ms: 1 } },
    ]);
    const run = await client.start(ir, {});
    await waitRunning(client, run.executionId, "a");
    await worker.close();
    const state = await client.status(run.executionId);
    expect(state.steps.a).toMatchObject({ status: "completed", attempt: 1 });
    expect(state.steps.b!.status).toBe("ready"); // made ready, not claimed by a closing worker
    const next = createWorker({ connection: redis.connection, prefix, plugins: [sleep] });
    await run.result({ timeoutMs: 5_000 });
    await next.close();
    await client.close();
  });

  it("close({ release: true }) hands in-flight steps to another worker", async () => {
    const prefix = uniquePrefix("release");
    const worker = createWorker({ connection: redis.connection, prefix, plugins: [sleep] });
    const client = createClient({ connection: redis.connection, prefix });
    const run = await client.start(
      testIr([{ id: "long", type: "test.sleep", inputs: { ms: 2_000 } }]),
      {},
    );
    await waitRunning(client, run.executionId, "long");
    const closed = Date.now();
    await worker.close({ release: true });
    // Well under the step's 2 s: close did not wait for it (a loaded CI machine gets headroom).
    expect(Date.now() - closed).toBeLessThan(1_000);
    expect((await client.status(run.executionId)).steps.long!.status).toBe("ready");
    const next = createWorker({ connection: redis.connection, prefix, plugins: [sleep] });
    await run.result({ timeoutMs: 5_000 });
    const state = await client.status(run.executionId);
    expect(state.steps.long).toMatchObject({ status: "completed", attempt: 1, recoveries: 0 });
    const types: string[] = [];
    for await (const e of run.events()) types.push(e.type);
    expect(types).toContain("step.released");
    await next.close();
    await client.close();
  });
});
