/**
 * Retention on the embedded engine: archived terminal executions are evicted or compacted per
 * pipeline policy, never before their snapshot and ledger are in the durable store; the
 * retention event is shipped; durable records expire by TTL; an evicted execution can be restored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreExecution } from "../../packages/runtime/src/replay/index.js";
import { applyRetention } from "../../packages/runtime/src/retention/index.js";
import { setupDeployment } from "../ledger/helpers.js";
import { testIr } from "../runtime/helpers/ir.js";

let d: Awaited<ReturnType<typeof setupDeployment>>;
beforeAll(async () => {
  d = await setupDeployment();
});
afterAll(() => d.close());

const pipeline = (name: string) =>
  testIr(
    [
      { id: "a", inputs: { value: "x" } },
      { id: "b", deps: ["a"] },
    ],
    { name },
  );

describe("retention", () => {
  it("evicts and compacts archived executions per pipeline", async () => {
    const evictMe = await d.run(pipeline("short"), {});
    const compactMe = await d.run(pipeline("medium"), {});
    const keepMe = await d.run(pipeline("audit"), {});
    const retention = {
      default: { hot: "evict" as const },
      pipelines: { medium: { hot: "compact" as const }, audit: { hot: "keep" as const } },
    };
    const ops = { connection: d.connection, store: d.store, partitions: d.partitions, retention };
    const result = await applyRetention(ops);
    expect(result.evicted).toEqual([evictMe]);
    expect(result.compacted).toEqual([compactMe]);
    expect(result.skipped).toEqual([]);
    await expect(d.client.status(evictMe)).rejects.toMatchObject({ code: "EXECUTION_NOT_FOUND" });
    const compacted = await d.client.status(compactMe);
    expect(compacted.status).toBe("completed");
    expect(compacted.steps.a).toMatchObject({ status: "completed" });
    expect(compacted.steps.a?.output).toBeUndefined();
    expect((await d.client.status(keepMe)).steps.b?.output).toBeDefined();
    // The retention decisions are in the durable ledger, chained after the terminal events.
    // (`execution.fingerprinted` is written by the finalizing worker right after the result and
    // may land before or after them, so look for the event rather than at the last position.)
    // applyRetention ships what it wrote unless another shipper holds the partition lease (the
    // deployment's own does): ship through that one so the durable ledger is complete.
    await d.shipper.shipOnce();
    const typesOf = async (id: string) => (await d.store.readEvents(id)).map((e) => e.type);
    expect(await typesOf(evictMe)).toContain("retention.evicted");
    expect(await typesOf(compactMe)).toContain("retention.compacted");
    for (const id of [evictMe, compactMe]) {
      const types = await typesOf(id);
      expect(types.indexOf("execution.completed")).toBeLessThan(
        types.findIndex((t) => t.startsWith("retention.")),
      );
    }
    // A second pass changes nothing.
    const again = await applyRetention(ops);
    expect([again.evicted, again.compacted]).toEqual([[], []]);
    // An evicted execution comes back from its snapshot.
    await restoreExecution(ops, evictMe);
    expect((await d.client.status(evictMe)).steps.b?.status).toBe("completed");
  });

  it("never removes what is not archived, and expires durable records by TTL", async () => {
    const id = await d.run(pipeline("ttl"), {});
    // Archived, then the archive is lost: retention must keep the hot copy.
    await d.shipper.shipOnce();
    const snapshot = (await d.store.getSnapshot(id))!;
    await d.store.deleteExecution(id);
    const retention = { default: { hot: "evict" as const } };
    const ops = { connection: d.connection, store: d.store, partitions: d.partitions, retention };
    const skipped = await applyRetention(ops);
    expect(skipped.skipped).toContainEqual({ executionId: id, reason: "not_archived" });
    expect((await d.client.status(id)).status).toBe("completed");
    expect(snapshot.status).toBe("completed");

    const ttl = await d.run(pipeline("ttl2"), {});
    const shortLived = { pipelines: { ttl2: { durableTtlMs: 1_000 } } };
    const { createLedgerShipper } = await import("../../packages/runtime/src/ledger/index.js");
    // Same owner as the deployment's shipper, which still holds the partition leases.
    const shipper = createLedgerShipper({
      connection: d.connection,
      store: d.store,
      partitions: d.partitions,
      retention: shortLived,
      owner: d.shipper.owner,
    });
    await shipper.shipOnce();
    await shipper.close();
    expect(await d.store.getSnapshot(ttl)).not.toBeNull();
    const later = await applyRetention({ ...ops, retention: shortLived, now: Date.now() + 5_000 });
    expect(later.purged.events).toBeGreaterThan(0);
    expect(await d.store.getSnapshot(ttl)).toBeNull();
    expect(await d.store.readEvents(ttl)).toEqual([]);
  });
});
