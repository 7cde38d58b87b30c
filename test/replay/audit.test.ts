/**
 * Replay audit of real runs (embedded engine, SQLite store): a valid execution passes every
 * check; a tampered output hash, a missing payload, a wrong fingerprint, an inconsistent step
 * state and an edited ledger are each reported with their code, step and seq.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionSnapshot } from "../../packages/runtime/src/index.js";
import { auditExecution } from "../../packages/runtime/src/replay/index.js";
import { setupDeployment } from "../ledger/helpers.js";
import { tamper } from "../ledger/sql.js";
import { testIr } from "../runtime/helpers/ir.js";

let d: Awaited<ReturnType<typeof setupDeployment>>;
const ir = testIr(
  [
    { id: "a", inputs: { value: { $ref: "input.q" } } },
    { id: "b", deps: ["a"], inputs: { value: { $ref: "steps.a.output.value" } } },
    { id: "c", deps: ["a"], type: "test.fatal" },
    { id: "d", deps: ["b", "c"], trigger: "any_success" },
  ],
  { name: "audited" },
);

beforeAll(async () => {
  d = await setupDeployment();
});
afterAll(() => d.close());

async function recorded(q: string) {
  const id = await d.run(ir, { q });
  await d.shipper.shipOnce();
  return { id, snapshot: (await d.store.getSnapshot(id))! };
}

function codes(report: Awaited<ReturnType<typeof auditExecution>>) {
  return report.issues.map((i) => `${i.code}${i.stepId ? `:${i.stepId}` : ""}`);
}

describe("replay audit", () => {
  it("passes a recorded execution with a handled failure", async () => {
    const { id, snapshot } = await recorded("ok");
    expect(snapshot.status).toBe("completed");
    expect(snapshot.steps.c?.status).toBe("failed");
    const report = await auditExecution(d.store, id);
    expect(report.issues).toEqual([]);
    expect(report.valid).toBe(true);
    expect(Object.values(report.checks).every(Boolean)).toBe(true);
    expect(report.recomputedFingerprint).toBe(snapshot.executionFingerprint);
    expect(report.steps.find((s) => s.stepId === "b")?.payloadValid).toBe(true);
  });

  it("reports a missing snapshot", async () => {
    const report = await auditExecution(d.store, "nope");
    expect(report).toMatchObject({ valid: false, snapshotFound: false });
    expect(codes(report)).toEqual(["SNAPSHOT_NOT_FOUND"]);
  });

  it("reports a tampered output hash, a missing payload and a wrong fingerprint", async () => {
    const hash = await recorded("hash");
    const steps = { ...hash.snapshot.steps };
    steps.b = { ...steps.b!, extra: { outputHash: "0".repeat(64) } };
    await d.store.putSnapshot({ ...hash.snapshot, steps });
    expect(codes(await auditExecution(d.store, hash.id))).toContain("PAYLOAD_HASH_MISMATCH:b");

    const missing = await recorded("missing");
    const ref = missing.snapshot.steps.a!.outputRef!;
    tamper(d.dbPath, "DELETE FROM ordo_payloads WHERE ref = ?", ref);
    const gone = await auditExecution(d.store, missing.id);
    expect(codes(gone)).toEqual(
      expect.arrayContaining(["PAYLOAD_MISSING:a", "FINGERPRINT_UNVERIFIED:a"]),
    );
    expect(gone.checks).toMatchObject({ payloads: false, fingerprint: false, ledgerChain: true });

    const wrong = await recorded("wrong");
    await d.store.putSnapshot({ ...wrong.snapshot, executionFingerprint: "f".repeat(64) });
    const bad = await auditExecution(d.store, wrong.id);
    expect(codes(bad)).toContain("FINGERPRINT_MISMATCH");
    expect(bad.checks.fingerprint).toBe(false);
    expect(bad.recomputedFingerprint).toBe(wrong.snapshot.executionFingerprint);
  });

  it("reports step states that contradict the graph and the ledger", async () => {
    const { id, snapshot } = await recorded("graph");
    const steps: ExecutionSnapshot["steps"] = {
      ...snapshot.steps,
      a: { ...snapshot.steps.a!, status: "skipped" },
    };
    await d.store.putSnapshot({ ...snapshot, steps });
    const report = await auditExecution(d.store, id);
    expect(codes(report)).toEqual(
      expect.arrayContaining([
        "GRAPH_INCONSISTENT:a",
        "GRAPH_INCONSISTENT:b",
        "LEDGER_ORDER:a",
        "FINGERPRINT_MISMATCH",
      ]),
    );
    expect(report.valid).toBe(false);
  });

  it("passes a cancelled execution whose running step finished after the cancel", async () => {
    const slow = testIr(
      [
        { id: "s", type: "test.sleep", inputs: { ms: 150 } },
        { id: "t", deps: ["s"] },
        { id: "u", deps: ["t"] },
      ],
      { name: "cancelled" },
    );
    const handle = await d.client.start(slow, {});
    for (let i = 0; i < 100 && (await handle.status()).steps.s?.status !== "running"; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await handle.cancel("test");
    await handle.result({ timeoutMs: 5_000 }).catch(() => undefined);
    for (let i = 0; i < 100 && (await handle.status()).fingerprint === undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await d.shipper.shipOnce();
    const snapshot = (await d.store.getSnapshot(handle.executionId))!;
    expect(snapshot.status).toBe("cancelled");
    expect(snapshot.steps.t?.status).toBe("cancelled");
    const report = await auditExecution(d.store, handle.executionId);
    expect(report.issues).toEqual([]);
  });

  it("reports an edited ledger event with its seq", async () => {
    const { id } = await recorded("ledger");
    tamper(
      d.dbPath,
      "UPDATE ordo_ledger SET body = json_set(body, '$.workerId', 'mallory') WHERE execution_id = ? AND seq = 3",
      id,
    );
    const report = await auditExecution(d.store, id);
    expect(report.issues).toContainEqual(
      expect.objectContaining({ code: "LEDGER_BROKEN", seq: 3 }),
    );
    expect(report.checks.ledgerChain).toBe(false);
  });
});
