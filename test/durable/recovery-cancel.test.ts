/**
 * Ledger gap fix: a step of a cancelled execution whose worker died (lease expired) is marked
 * cancelled by lease recovery, and the ledger records `step.cancelled` for it like every other
 * path that cancels a step, so the replay audit of the shipped execution passes (a snapshot
 * status `cancelled` with no `step.cancelled` event is a LEDGER_ORDER issue).
 */
import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { prepareDefinition } from "../../packages/runtime/src/engine/definition.js";
import { decodeLedgerEntry } from "../../packages/runtime/src/engine/ledger.js";
import { openHotStore } from "../../packages/runtime/src/hot/connection.js";
import { Keyspace } from "../../packages/runtime/src/hot/keys.js";
import {
  cancelExecution,
  claimSteps,
  createExecution,
  recoverLeases,
} from "../../packages/runtime/src/hot/scripts.js";
import {
  auditExecution,
  createLedgerShipper,
  openSqliteStore,
} from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";

describe("lease recovery of a cancelled execution", () => {
  it("records step.cancelled, finalizes as cancelled, and the audit passes", async () => {
    const engine = new EmbeddedRedis();
    const hot = openHotStore({ embedded: engine });
    const keyspace = new Keyspace("gap", 1);
    const keys = keyspace.part(0);
    const def = prepareDefinition(testIr([{ id: "a" }, { id: "b", deps: ["a"] }], { name: "gap" }));
    await createExecution(hot, keys, {
      executionId: "e1",
      fingerprint: def.fingerprint,
      inputJson: "{}",
      pipelineName: "gap",
      definition: { irJson: def.irJson, rows: def.rows },
    });
    // A worker claims `a` with a short lease and dies; then the execution is cancelled.
    const [claimed] = await claimSteps(hot, keys, { workerId: "dead", max: 1, defaultLeaseMs: 50 });
    expect(claimed?.stepId).toBe("a");
    await cancelExecution(hot, keys, { executionId: "e1", reason: "stop" });
    await new Promise((r) => setTimeout(r, 120));
    expect(await recoverLeases(hot, keys, { limit: 10 })).toMatchObject({ recovered: 1 });

    const entries = await hot.xrange(keys.byName.log, "-", "+", 1000);
    const events = entries.map(([id, fields]) => decodeLedgerEntry(id, fields));
    const forA = events.filter((e) => e.stepId === "a").map((e) => e.type);
    expect(forA).toEqual(["step.claimed", "step.recovered", "step.cancelled"]);
    const cancelledA = events.find((e) => e.stepId === "a" && e.type === "step.cancelled");
    expect(cancelledA?.reason).toBe("lease expired while cancelling");
    expect(events.at(-1)?.type).toBe("execution.cancelled");

    const store = await openSqliteStore({ path: ":memory:" });
    const shipper = createLedgerShipper({ hot, store, prefix: "gap", partitions: 1, keepMs: 0 });
    expect((await shipper.shipOnce()).snapshots).toBe(1);
    const report = await auditExecution(store, "e1");
    expect(report.issues).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.status).toBe("cancelled");
    await shipper.close();
    await store.close();
    await hot.close();
  });
});
