import { describe, expect, it } from "vitest";
import type { HotLedgerEvent } from "../engine/ledger.js";
import type { ProgressEvent } from "../hot/progress.js";
import { alreadyDelivered, EventMerger, type ExecutionEvent } from "./follow-merge.js";

const ledger = (seq: number): HotLedgerEvent => ({
  id: `100-${seq}`,
  executionId: "e",
  seq,
  type: `step.s${seq}`,
  category: "step",
  at: 100,
});
const progress = (n: number, afterLedgerSeq: number): ProgressEvent => ({
  kind: "progress",
  id: `200-${n}`,
  executionId: "e",
  stepId: "a",
  attempt: 1,
  claimToken: "1",
  type: "llm.delta",
  data: { text: `p${n}` },
  ts: 200,
  afterLedgerSeq,
});
const label = (e: ExecutionEvent) => (e.kind === "ledger" ? `L${e.seq}` : `P${e.id.slice(4)}`);

describe("EventMerger", () => {
  it("puts each progress event after ledger event afterLedgerSeq and before the next", () => {
    const m = new EventMerger();
    m.addLedger([ledger(1), ledger(2), ledger(3), ledger(4)]);
    m.addProgress([progress(1, 2), progress(2, 2), progress(3, 3)], true);
    expect(m.drain().map(label)).toEqual(["L1", "L2", "P1", "P2", "L3", "P3", "L4"]);
  });

  it("holds a progress event whose preceding ledger events were not read yet", () => {
    const m = new EventMerger();
    // round 1: the ledger read saw seq 1-2; the later progress read saw an event after seq 3
    m.addLedger([ledger(1), ledger(2)]);
    m.addProgress([progress(1, 3)], true);
    expect(m.drain().map(label)).toEqual(["L1", "L2"]);
    // round 2: seq 3 arrives; the progress event follows it
    m.addLedger([ledger(3), ledger(4)]);
    m.addProgress([], true);
    expect(m.drain().map(label)).toEqual(["L3", "P1", "L4"]);
  });

  it("holds ledger events while the progress read was cut by its page size", () => {
    const m = new EventMerger();
    m.addLedger([ledger(1), ledger(2)]);
    m.addProgress([progress(1, 1)], false);
    // L2 may follow progress events not read yet: it waits
    expect(m.drain().map(label)).toEqual(["L1", "P1"]);
    m.addLedger([]);
    m.addProgress([progress(2, 1)], true);
    expect(m.drain().map(label)).toEqual(["P2", "L2"]);
  });
});

describe("EventMerger with a trimmed ledger", () => {
  it("releases progress once the seq counter shows the earlier ledger events are gone", () => {
    const m = new EventMerger();
    // a late follower: the shipper trimmed seq 1-3; the step is still streaming
    m.addLedger([]);
    m.addProgress([progress(1, 3), progress(2, 3)], true);
    expect(m.drain()).toEqual([]);
    expect(m.waitingForLedger).toBe(true);
    m.ledgerSeenUpTo(3);
    expect(m.drain().map(label)).toEqual(["P1", "P2"]);
    expect(m.waitingForLedger).toBe(false);
  });
});

describe("alreadyDelivered", () => {
  const resume = { seq: 2, progressId: "200-5" };
  it("skips ledger events up to the resume seq and progress before the resume id", () => {
    expect(alreadyDelivered({ ...ledger(2), kind: "ledger" }, resume)).toBe(true);
    expect(alreadyDelivered({ ...ledger(3), kind: "ledger" }, resume)).toBe(false);
    expect(alreadyDelivered(progress(9, 1), resume)).toBe(true);
    expect(alreadyDelivered(progress(5, 2), resume)).toBe(true);
    expect(alreadyDelivered(progress(6, 2), resume)).toBe(false);
    expect(alreadyDelivered(progress(1, 3), resume)).toBe(false);
    expect(alreadyDelivered(progress(1, 2), { seq: 2, progressId: "" })).toBe(false);
  });
});
