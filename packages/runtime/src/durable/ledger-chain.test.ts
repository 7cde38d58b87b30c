import { canonicalJson, isOrdoError, sha256Hex } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { groupBatch, planAppend } from "./ledger-append.js";
import { chainEvents, hashLedgerEvent, verifyChain } from "./ledger-chain.js";
import { GENESIS_HASH, type LedgerEvent, type UnchainedLedgerEvent } from "./types.js";

function raw(executionId: string, count: number, from = 1): UnchainedLedgerEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    executionId,
    seq: from + i,
    type: i % 2 === 0 ? "step.claimed" : "step.completed",
    category: "step",
    at: 1_700_000_000_000 + i,
    stepId: `s${i}`,
    data: { i, nested: { z: 1, a: [true, null] } },
  }));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOrdoError(error) ? error.code : "not-ordo";
  }
  return undefined;
}

describe("chainEvents", () => {
  it("links each event to the previous hash, starting at genesis", () => {
    const events = chainEvents(GENESIS_HASH, raw("e1", 3));
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(events[2]!.prevHash).toBe(events[1]!.hash);
    expect(new Set(events.map((e) => e.hash)).size).toBe(3);
  });

  it("hashes the canonical JSON of the event without its hash", () => {
    const [event] = chainEvents(GENESIS_HASH, raw("e1", 1));
    const { hash, ...rest } = event!;
    expect(hash).toBe(sha256Hex(canonicalJson(rest)));
    expect(hashLedgerEvent(event!)).toBe(hash);
  });

  it("continues an existing chain from a given prevHash", () => {
    const all = chainEvents(GENESIS_HASH, raw("e1", 4));
    const tail = chainEvents(all[1]!.hash, raw("e1", 4).slice(2));
    expect(tail).toEqual(all.slice(2));
  });

  it("refuses non-contiguous or mixed-execution input", () => {
    const events = raw("e1", 3);
    expect(codeOf(() => chainEvents(GENESIS_HASH, [events[0]!, events[2]!]))).toBe("INPUT_INVALID");
    expect(
      codeOf(() => chainEvents(GENESIS_HASH, [events[0]!, { ...events[1]!, executionId: "x" }])),
    ).toBe("INPUT_INVALID");
  });
});

describe("verifyChain", () => {
  const chain = chainEvents(GENESIS_HASH, raw("e1", 6));

  it("accepts an intact chain and reports its head", () => {
    expect(verifyChain(chain)).toEqual({
      ok: true,
      count: 6,
      head: { seq: 6, hash: chain[5]!.hash },
    });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: null });
  });

  it("verifies a slice after a known head", () => {
    expect(verifyChain(chain.slice(3), { after: { seq: 3, hash: chain[2]!.hash } }).ok).toBe(true);
    const wrong = verifyChain(chain.slice(3), { after: { seq: 3, hash: GENESIS_HASH } });
    expect(wrong).toMatchObject({ ok: false, code: "LEDGER_BROKEN_LINK", seq: 4 });
  });

  it("detects an edited event as a hash mismatch at its seq", () => {
    const edited = chain.map((e) => (e.seq === 3 ? { ...e, data: { i: 99 } } : e));
    expect(verifyChain(edited)).toMatchObject({ ok: false, code: "LEDGER_HASH_MISMATCH", seq: 3 });
  });

  it("detects an edited and re-hashed event as a broken link on its successor", () => {
    const edited = chain.map((e) => {
      if (e.seq !== 3) return e;
      const changed = { ...e, reason: "forged" };
      return { ...changed, hash: hashLedgerEvent(changed) };
    });
    expect(verifyChain(edited)).toMatchObject({ ok: false, code: "LEDGER_BROKEN_LINK", seq: 4 });
  });

  it("detects a removed event as a gap naming the missing seq", () => {
    const removed = chain.filter((e) => e.seq !== 4);
    expect(verifyChain(removed)).toMatchObject({ ok: false, code: "LEDGER_GAP", seq: 4 });
    const lostFirst = chain.slice(1);
    expect(verifyChain(lostFirst)).toMatchObject({ ok: false, code: "LEDGER_GAP", seq: 1 });
  });

  it("detects swapped events as reordered", () => {
    const swapped = [...chain];
    [swapped[2], swapped[4]] = [swapped[4]!, swapped[2]!];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, code: "LEDGER_REORDERED", seq: 5 });
    const duplicated = [...chain.slice(0, 3), chain[1]!, ...chain.slice(3)];
    expect(verifyChain(duplicated)).toMatchObject({ ok: false, code: "LEDGER_REORDERED", seq: 2 });
  });

  it("detects a renumbered event that keeps the sequence contiguous", () => {
    // Remove seq 3 and renumber the rest: seqs look fine, but hashes no longer match.
    const renumbered = chain
      .filter((e) => e.seq !== 3)
      .map((e) => (e.seq > 3 ? { ...e, seq: e.seq - 1 } : e));
    expect(verifyChain(renumbered)).toMatchObject({
      ok: false,
      code: "LEDGER_HASH_MISMATCH",
      seq: 3,
    });
  });

  it("rejects events of another execution in the list", () => {
    const other = chainEvents(GENESIS_HASH, raw("e2", 2));
    expect(verifyChain([chain[0]!, other[1]!])).toMatchObject({
      ok: false,
      code: "LEDGER_BROKEN_LINK",
    });
  });
});

describe("append planning", () => {
  const chain = chainEvents(GENESIS_HASH, raw("e1", 5));
  const storedUpTo = (n: number) => new Map(chain.slice(0, n).map((e) => [e.seq, e.hash] as const));

  it("groups per execution, sorts by seq and drops identical repeats", () => {
    const other = chainEvents(GENESIS_HASH, raw("e2", 2));
    const { groups, duplicates } = groupBatch([
      chain[1]!,
      other[1]!,
      chain[0]!,
      other[0]!,
      chain[0]!,
    ]);
    expect(duplicates).toBe(1);
    expect(groups.get("e1")!.map((e) => e.seq)).toEqual([1, 2]);
    expect(groups.get("e2")!.map((e) => e.seq)).toEqual([1, 2]);
  });

  it("refuses invalid batches with precise codes", () => {
    const edited = { ...chain[1]!, reason: "x" };
    const conflicting = chainEvents(chain[0]!.hash, [
      { ...raw("e1", 1, 2)[0]!, reason: "other" },
    ])[0]!;
    expect(codeOf(() => groupBatch([edited]))).toBe("LEDGER_HASH_MISMATCH");
    expect(codeOf(() => groupBatch([chain[1]!, conflicting]))).toBe("LEDGER_CONFLICT");
    expect(codeOf(() => groupBatch([chain[0]!, chain[2]!]))).toBe("LEDGER_GAP");
    const unlinked = chainEvents(GENESIS_HASH, raw("e1", 2)).map((e) =>
      e.seq === 2
        ? { ...e, prevHash: GENESIS_HASH, hash: hashLedgerEvent({ ...e, prevHash: GENESIS_HASH }) }
        : e,
    );
    expect(codeOf(() => groupBatch(unlinked))).toBe("LEDGER_BROKEN_LINK");
    const extra = { ...chain[0]!, bogus: 1 } as LedgerEvent;
    expect(codeOf(() => groupBatch([extra]))).toBe("INPUT_INVALID");
    expect(codeOf(() => groupBatch([{ ...chain[0]!, seq: 0 }]))).toBe("INPUT_INVALID");
  });

  it("inserts only what is new and counts re-shipped events as duplicates", () => {
    const plan = planAppend(chain.slice(1, 4), storedUpTo(3));
    expect(plan.duplicates).toBe(2);
    expect(plan.toInsert.map((e) => e.seq)).toEqual([4]);
  });

  it("needs the predecessor of the first new event, with a matching hash", () => {
    expect(codeOf(() => planAppend(chain.slice(3), storedUpTo(2)))).toBe("LEDGER_GAP");
    expect(codeOf(() => planAppend(chain.slice(3), new Map([[3, GENESIS_HASH]])))).toBe(
      "LEDGER_BROKEN_LINK",
    );
    expect(planAppend(chain.slice(0, 2), new Map()).toInsert).toHaveLength(2);
  });

  it("reports a stored event with another hash as a conflict", () => {
    const stored = storedUpTo(3);
    stored.set(3, "f".repeat(64));
    expect(codeOf(() => planAppend(chain.slice(2, 4), stored))).toBe("LEDGER_CONFLICT");
  });
});
