/**
 * A worker "killed" mid-step (`close({ abandon: true })`: no report, no release, no heartbeat)
 * loses its step and its limit lease only when the lease expires; another worker then recovers
 * and finishes it (embedded engine, same scripts as Redis).
 */
import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { createClient, createWorker } from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { sleep } from "../runtime/helpers/plugins.js";
import { waitFor } from "./helpers.js";

describe("abandoned steps (simulated worker kill)", () => {
  it("are recovered after their lease, and their limit lease expires with it", async () => {
    const connection = { embedded: new EmbeddedRedis() };
    const client = createClient({ connection });
    const base = { connection, plugins: [sleep], idleWaitMs: 20, leaseMs: 1_000 };
    const doomed = createWorker({ ...base, workerId: "doomed" });
    const ir = testIr([{ id: "slow", type: "test.sleep", inputs: { ms: 1_500 } }], {
      policies: { concurrency: [{ scope: "global", limit: 1, retryAfterMs: 50 }] },
    });
    const run = await client.start(ir, {});
    await waitFor(
      () => run.status(),
      (s) => s.steps.slow?.status === "running",
    );
    await doomed.close({ abandon: true });
    const survivor = createWorker({ ...base, workerId: "survivor" });
    await run.result({ timeoutMs: 10_000 });
    const s = await run.status();
    expect(s.status).toBe("completed");
    expect(s.steps.slow).toMatchObject({ status: "completed", recoveries: 1, attempt: 1 });
    const events: { type: string; workerId?: string }[] = [];
    for await (const e of run.events()) events.push(e);
    expect(events.some((e) => e.type === "step.recovered")).toBe(true);
    expect(events.find((e) => e.type === "step.completed")?.workerId).toBe("survivor");
    // Nothing from the abandoned attempt reached the ledger after the kill.
    expect(events.filter((e) => e.workerId === "doomed").map((e) => e.type)).toEqual([
      "step.claimed",
    ]);
    await survivor.close();
    await client.close();
  });
});
