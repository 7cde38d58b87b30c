/**
 * Queue wait (`ordo.step.queue_wait_ms`) on a real redis-server and on the embedded engine: the
 * time from a step becoming claimable to its claim, both read from the Redis clock by the claim
 * script. A step left unclaimed because no worker runs yet waits that long; a dependent claimed
 * by the completeStep call of its dependency waits ~0; a retry's wait starts at its due time, so
 * the retry delay itself is not queue wait.
 */
import type { MetricPoint } from "@ordo/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { type Connection, createClient, createWorker } from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { echo, flaky } from "../runtime/helpers/plugins.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "../runtime/helpers/redis.js";

const LATE_MS = 250;
const RETRY_DELAY_MS = 300;

const ir = testIr(
  [
    { id: "first", type: "test.echo", inputs: { value: 1 } },
    {
      id: "second",
      deps: ["first"],
      type: "test.flaky",
      inputs: { failTimes: 1 },
      policies: {
        retry: { maxAttempts: 2, strategy: "fixed", baseDelayMs: RETRY_DELAY_MS, jitter: "none" },
      },
    },
  ],
  { name: "queued" },
);

/** Starts an execution, starts the worker LATE_MS later, returns the queue-wait points by type. */
async function observe(connection: Connection, prefix: string) {
  const client = createClient({ connection, prefix });
  const run = await client.start(ir, {});
  await new Promise((resolve) => setTimeout(resolve, LATE_MS));
  const worker = createWorker({
    connection,
    prefix,
    idleWaitMs: 20,
    plugins: [echo, flaky],
    observability: { mode: "memory" },
  });
  try {
    await run.result({ timeoutMs: 10_000 });
    const waits = worker.telemetry.sink
      .metrics()
      .filter(
        (p: MetricPoint) =>
          p.name === "ordo.step.queue_wait_ms" && p.executionId === run.executionId,
      );
    const byType = (type: string) =>
      waits.filter((p) => p.labels?.step_type === `${type}@1.0.0`).map((p) => p.value);
    return { echo: byType("test.echo"), flaky: byType("test.flaky"), all: waits };
  } finally {
    await worker.close();
    await client.close();
  }
}

function expectWaits(seen: Awaited<ReturnType<typeof observe>>) {
  // One point per attempt: first once, second twice (the retry).
  expect(seen.all).toHaveLength(3);
  for (const p of seen.all) expect(p.labels).toMatchObject({ pipeline: "queued" });
  // Ready at start, claimed only once the late worker ran: the whole gap is queue wait.
  expect(seen.echo).toHaveLength(1);
  expect(seen.echo[0]).toBeGreaterThanOrEqual(LATE_MS - 5);
  // Attempt 1 of second: made ready and claimed by the same completeStep call (Redis clock).
  // Attempt 2: counted from the retry's due time, so the 300 ms delay is not in it.
  expect(seen.flaky).toHaveLength(2);
  expect(seen.flaky[0]).toBeLessThan(50);
  expect(seen.flaky[1]).toBeGreaterThanOrEqual(0);
  expect(seen.flaky[1]).toBeLessThan(RETRY_DELAY_MS - 100);
}

describe("queue wait on Redis", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it("measures claimable-to-claimed by the Redis clock", async () => {
    expectWaits(await observe(redis.connection, uniquePrefix("qwait")));
  });
});

describe("queue wait on the embedded engine", () => {
  it("measures claimable-to-claimed by the engine clock", async () => {
    expectWaits(await observe({ embedded: new EmbeddedRedis() }, uniquePrefix("qwait")));
  });
});
