/**
 * The same engine on the embedded engine (no Redis server): scripts, worker, client.
 */
import { isOrdoError } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { createClient, createWorker } from "../../packages/runtime/src/index.js";
import { layeredIr, testIr } from "./helpers/ir.js";
import { echo, fatal, flaky } from "./helpers/plugins.js";

describe("embedded engine", () => {
  it("runs DAGs with retries, failures and cancellation", async () => {
    const engine = new EmbeddedRedis();
    const connection = { embedded: engine };
    const worker = createWorker({ connection, plugins: [echo, flaky, fatal], concurrency: 8 });
    const client = createClient({ connection });
    const ir = layeredIr(60, 6, 2, "test.echo", (id) => ({ value: id }));
    const runs = await Promise.all(Array.from({ length: 5 }, () => client.start(ir, {})));
    await Promise.all(runs.map((r) => r.result({ timeoutMs: 20_000 })));
    const state = await runs[0]!.status();
    expect(state.status).toBe("completed");
    expect(state.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const retry = await client.start(
      testIr([
        {
          id: "f",
          type: "test.flaky",
          inputs: { failTimes: 1 },
          policies: { retry: { maxAttempts: 2, strategy: "fixed", baseDelayMs: 5 } },
        },
      ]),
      {},
    );
    await retry.result({ timeoutMs: 5_000 });
    expect((await retry.status()).steps.f).toMatchObject({ status: "completed", attempt: 2 });
    const failing = await client.start(testIr([{ id: "x", type: "test.fatal" }]), {});
    const error = await failing.result({ timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(isOrdoError(error) && error.code).toBe("STEP_FAILED");
    await worker.close();
    await client.close();
  }, 30_000);
});
