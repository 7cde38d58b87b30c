/**
 * `LedgerShipper.stop()` releases its partition leases: another shipper (here the one inside
 * `applyRetention`) ships at once instead of finding the partitions busy for `leaseMs`, so
 * stop-then-retain archives and removes everything finished, with the retention events stored.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyRetention } from "../../packages/runtime/src/retention/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { setupDeployment } from "./helpers.js";

let d: Awaited<ReturnType<typeof setupDeployment>>;
beforeEach(async () => {
  d = await setupDeployment();
});
afterEach(() => d.close());

const pipeline = testIr([{ id: "a" }, { id: "b", deps: ["a"] }], { name: "stopped" });
const retain = () =>
  applyRetention({
    connection: d.connection,
    store: d.store,
    partitions: d.partitions,
    retention: { default: { hot: "evict", reason: "after-stop" } },
  });

describe("shipper stop()", () => {
  it("releases the leases a shipOnce took", async () => {
    const first = await d.run(pipeline);
    await d.shipper.shipOnce(); // takes every partition's lease (10 s)
    const second = await d.run(pipeline); // its events are not shipped yet
    await d.shipper.stop();
    const result = await retain();
    expect([...result.evicted].sort()).toEqual([first, second].sort());
    expect(result.skipped).toEqual([]);
    // applyRetention shipped the second execution and both retention events itself.
    for (const id of [first, second]) {
      const evicted = (await d.store.readEvents(id)).find((e) => e.type === "retention.evicted");
      expect(evicted?.reason).toBe("after-stop");
    }
  });

  it("releases the leases of a started loop", async () => {
    d.shipper.start();
    const id = await d.run(pipeline);
    await d.shipper.stop();
    const result = await retain();
    expect(result.evicted).toEqual([id]);
    const types = (await d.store.readEvents(id)).map((e) => e.type);
    expect(types).toContain("retention.evicted");
  });
});
