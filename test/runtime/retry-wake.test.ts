/**
 * An idle worker claims a retry when it falls due, not at its next regular sweep. The store's
 * clock decides "due" and the worker's own estimate can be a hair early (same clock embedded,
 * skew across machines): a due-time sweep that finds nothing must look again shortly. With a
 * 10 s sweep interval, any retry that slipped to the regular sweep blows the time budget.
 */
import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { createClient, createWorker } from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";
import { flaky } from "./helpers/plugins.js";
import { uniquePrefix } from "./helpers/redis.js";

const FAILURES = 12;
const DELAY_MS = 60;

describe("retry wake-up", () => {
  it("claims each retry close to its due time (no wait for the 10 s sweep)", async () => {
    const connection = { embedded: new EmbeddedRedis() };
    const prefix = uniquePrefix("wake");
    const worker = createWorker({
      connection,
      prefix,
      plugins: [flaky],
      idleWaitMs: 20,
      sweepIntervalMs: 10_000,
    });
    const client = createClient({ connection, prefix });
    try {
      const ir = testIr([
        {
          id: "s",
          type: "test.flaky",
          inputs: { failTimes: FAILURES },
          policies: {
            retry: {
              maxAttempts: FAILURES + 1,
              strategy: "fixed",
              baseDelayMs: DELAY_MS,
              jitter: "none",
            },
          },
        },
      ]);
      const started = Date.now();
      const run = await client.start(ir, {});
      const result = await run.result({ timeoutMs: 8_000 });
      const elapsed = Date.now() - started;
      expect(result).toBeDefined();
      // 12 retries x 60 ms delay; generous slack for a loaded CI machine, far below one sweep.
      expect(elapsed).toBeLessThan(FAILURES * DELAY_MS + 3_000);
    } finally {
      await worker.close();
      await client.close();
    }
  });
});
