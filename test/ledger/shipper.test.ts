/**
 * The ledger shipper on the embedded engine with a SQLite store: every event of a real run is
 * stored exactly once, in seq order, chained; re-shipping adds nothing; a terminal snapshot with
 * the engine's execution fingerprint is written; a second shipper is kept out by the lease.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Keyspace, partitionOf } from "../../packages/runtime/src/hot/keys.js";
import { verifyChain } from "../../packages/runtime/src/index.js";
import { shipKeys } from "../../packages/runtime/src/ledger/index.js";
import { createLedgerShipper } from "../../packages/runtime/src/ledger/shipper.js";
import { testIr } from "../runtime/helpers/ir.js";
import { setupDeployment } from "./helpers.js";

let deployment: Awaited<ReturnType<typeof setupDeployment>> | undefined;
afterEach(async () => {
  await deployment?.close();
  deployment = undefined;
});

const diamond = testIr(
  [
    { id: "a", inputs: { value: { $ref: "input.q" } } },
    { id: "b", deps: ["a"], inputs: { value: { $ref: "steps.a.output.value" } } },
    {
      id: "c",
      deps: ["a"],
      type: "test.flaky",
      inputs: { failTimes: 1 },
      policies: { retry: { maxAttempts: 3, strategy: "fixed", baseDelayMs: 1 } },
    },
    { id: "d", deps: ["b", "c"] },
  ],
  { name: "diamond" },
);

describe("ledger shipper", () => {
  it("ships every event exactly once, in order, chained, with a terminal snapshot", async () => {
    deployment = await setupDeployment();
    const d = deployment;
    const ids = [await d.run(diamond, { q: "x" }), await d.run(diamond, { q: "y" })];
    const first = await d.shipper.shipOnce();
    expect(first.shipped).toBeGreaterThan(10);
    expect(first.snapshots).toBe(2);
    for (const id of ids) {
      const events = await d.store.readEvents(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(verifyChain(events).ok).toBe(true);
      const types = events.map((e) => e.type);
      expect(types[0]).toBe("execution.created");
      expect(types).toContain("step.retry_scheduled");
      expect(types.filter((t) => t === "execution.completed")).toHaveLength(1);
      const claimed = events.find((e) => e.type === "step.claimed" && e.stepId === "c");
      expect(claimed).toMatchObject({ attempt: 1, pipeline: "diamond" });
      expect(claimed?.workerId).toBe(d.worker.id);
      expect(claimed?.claimToken).toBeDefined();
      const snapshot = await d.store.getSnapshot(id);
      const status = await d.client.status(id);
      expect(snapshot).toMatchObject({
        status: "completed",
        executionFingerprint: status.fingerprint,
        definitionFingerprint: status.definitionFingerprint,
      });
      expect(snapshot?.steps.c).toMatchObject({ status: "completed", attempt: 2, retryCount: 1 });
      const payload = await d.store.getPayload(snapshot!.steps.b!.outputRef!);
      expect(JSON.parse(new TextDecoder().decode(payload!.bytes))).toEqual(status.steps.b!.output);
    }
    // Nothing new: a second pass ships nothing and stores nothing twice.
    const again = await d.shipper.shipOnce();
    expect(again.shipped).toBe(0);
    // Shipped entries were trimmed (keepMs 0) from every partition stream.
    const keyspace = new Keyspace("ordo", d.partitions);
    for (let p = 0; p < d.partitions; p++) {
      expect(await d.engine.call("XLEN", shipKeys(keyspace, p).log)).toBe(0);
    }
  });

  it("re-ships idempotently after a lost ack and respects another shipper's lease", async () => {
    deployment = await setupDeployment({ partitions: 1 });
    const d = deployment;
    const id = await d.run(diamond, { q: "z" });
    const keys = shipKeys(new Keyspace("ordo", 1), 0);
    // A shipper that crashed after the append but before the ack: ship with trimming off, then
    // rewind the cursor so the same entries are read again.
    const keeping = createLedgerShipper({
      connection: d.connection,
      store: d.store,
      partitions: 1,
      keepMs: 3_600_000,
    });
    const first = await keeping.shipOnce();
    const stored = (await d.store.readEvents(id)).length;
    expect(first.shipped).toBe(stored);
    await d.engine.call("DEL", keys.cursor);
    const again = await keeping.shipOnce();
    expect(again).toMatchObject({ shipped: 0, duplicates: stored });
    expect(await d.store.readEvents(id)).toHaveLength(stored);
    // Another owner holds the lease: this shipper skips the partition.
    const other = createLedgerShipper({ connection: d.connection, store: d.store, partitions: 1 });
    expect((await other.shipOnce()).busy).toBe(1);
    await keeping.close();
    await other.close();
    expect(partitionOf(id, 1)).toBe(0);
  });
});
