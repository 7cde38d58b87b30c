/**
 * Behavioural contract every `DurableStore` must pass. Each backend's test file calls
 * `describeDurableStoreContract` with a factory that opens a fresh, isolated store (a new temp
 * file, a random database name) per test.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  chainEvents,
  type DurableStore,
  type DurableStoreOptions,
  GENESIS_HASH,
  type LedgerEvent,
  verifyChain,
} from "../../packages/runtime/src/durable/index.js";
import { describePayloadAndRetentionContract } from "./contract-records.js";
import { chain, codeOf, type OpenStore, rawEvents } from "./fixtures.js";

export type { OpenStore } from "./fixtures.js";

/**
 * Register the whole contract suite for one backend.
 *
 * @example
 * ```ts
 * describeDurableStoreContract("sqlite", (o) => openSqliteStore({ ...o, path: tempPath() }));
 * ```
 */
export function describeDurableStoreContract(name: string, open: OpenStore): void {
  describe(`DurableStore contract: ${name}`, () => {
    const opened: DurableStore[] = [];
    const fresh = async (options?: DurableStoreOptions) => {
      const store = await open(options);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    describeLedgerContract(fresh);
    describePayloadAndRetentionContract(fresh);

    it("rejects calls after close with CONNECTION, and close is idempotent", async () => {
      const store = await fresh();
      await store.close();
      await store.close();
      expect(await codeOf(store.readEvents("e"))).toBe("CONNECTION");
      expect(await codeOf(store.putPayload("x", { contentType: "text/plain" }))).toBe("CONNECTION");
    });
  });
}

function describeLedgerContract(fresh: OpenStore): void {
  describe("ledger", () => {
    it("stores a chain and reads it back identical, verified, with its head", async () => {
      const store = await fresh();
      const id = randomUUID();
      const events = chain(id, 7);
      expect(await store.appendEvents(events)).toEqual({ appended: 7, duplicates: 0 });
      const read = await store.readEvents(id);
      expect(read).toEqual(events);
      expect(verifyChain(read)).toMatchObject({ ok: true, count: 7 });
      expect(await store.ledgerHead(id)).toEqual({ seq: 7, hash: events[6]!.hash });
    });

    it("has no events and no head for an unknown execution", async () => {
      const store = await fresh();
      expect(await store.readEvents("nope")).toEqual([]);
      expect(await store.ledgerHead("nope")).toBeNull();
    });

    it("ignores identical re-shipped events and appends only the new tail", async () => {
      const store = await fresh();
      const id = randomUUID();
      const events = chain(id, 6);
      await store.appendEvents(events.slice(0, 4));
      expect(await store.appendEvents(events.slice(0, 4))).toEqual({ appended: 0, duplicates: 4 });
      expect(await store.appendEvents(events.slice(1))).toEqual({ appended: 2, duplicates: 3 });
      expect(await store.readEvents(id)).toEqual(events);
    });

    it("refuses a different event with a stored seq (LEDGER_CONFLICT) and writes nothing", async () => {
      const store = await fresh();
      const id = randomUUID();
      const events = chain(id, 3);
      await store.appendEvents(events);
      const forged = chainEvents(events[1]!.hash, [{ ...rawEvents(id, 3)[2]!, reason: "forged" }]);
      const next = chainEvents(forged[0]!.hash, rawEvents(id, 1, 4));
      expect(await codeOf(store.appendEvents([...forged, ...next]))).toBe("LEDGER_CONFLICT");
      expect(await store.readEvents(id)).toEqual(events);
    });

    it("refuses events that do not continue the stored chain", async () => {
      const store = await fresh();
      const id = randomUUID();
      const events = chain(id, 5);
      await store.appendEvents(events.slice(0, 2));
      expect(await codeOf(store.appendEvents(events.slice(3)))).toBe("LEDGER_GAP");
      const wrongLink = chainEvents(GENESIS_HASH, rawEvents(id, 1, 3));
      expect(await codeOf(store.appendEvents(wrongLink))).toBe("LEDGER_BROKEN_LINK");
      const edited = { ...events[2]!, data: { changed: true } };
      expect(await codeOf(store.appendEvents([edited]))).toBe("LEDGER_HASH_MISMATCH");
      const badFirst = chainEvents("a".repeat(64), rawEvents(randomUUID(), 1));
      expect(await codeOf(store.appendEvents(badFirst))).toBe("LEDGER_BROKEN_LINK");
      expect(await codeOf(store.appendEvents([{ ...events[2]!, extra: 1 } as LedgerEvent]))).toBe(
        "INPUT_INVALID",
      );
      expect(await store.ledgerHead(id)).toEqual({ seq: 2, hash: events[1]!.hash });
    });

    it("accepts shuffled batches with several executions and reads each in seq order", async () => {
      const store = await fresh();
      const [a, b] = [randomUUID(), randomUUID()];
      const ea = chain(a, 9);
      const eb = chain(b, 4);
      const mixed = [ea[2]!, eb[3]!, ea[0]!, ea[1]!, eb[0]!, eb[2]!, eb[1]!];
      expect(await store.appendEvents(mixed)).toEqual({ appended: 7, duplicates: 0 });
      await store.appendEvents([...ea.slice(3)].reverse());
      expect(await store.readEvents(a)).toEqual(ea);
      expect(await store.readEvents(b)).toEqual(eb);
    });

    it("filters by afterSeq, limit, category and stepId, and pages with afterSeq", async () => {
      const store = await fresh();
      const id = randomUUID();
      const events = chain(id, 12);
      await store.appendEvents(events);
      const seqs = (list: LedgerEvent[]) => list.map((e) => e.seq);
      expect(seqs(await store.readEvents(id, { afterSeq: 9 }))).toEqual([10, 11, 12]);
      expect(seqs(await store.readEvents(id, { limit: 2 }))).toEqual([1, 2]);
      expect(seqs(await store.readEvents(id, { category: "claim" }))).toEqual([3, 6, 9, 12]);
      expect(seqs(await store.readEvents(id, { stepId: "s1" }))).toEqual([1, 5, 9]);
      expect(
        seqs(await store.readEvents(id, { category: "claim", stepId: "s1", afterSeq: 3 })),
      ).toEqual([9]);
      expect(seqs(await store.readEvents(id, { limit: 0 }))).toEqual([]);
      const pages: LedgerEvent[][] = [];
      let afterSeq = 0;
      for (;;) {
        const page = await store.readEvents(id, { afterSeq, limit: 5 });
        if (page.length === 0) break;
        const previous = pages.flat().at(-1);
        const check = verifyChain(page, previous ? { after: previous } : {});
        expect(check.ok).toBe(true);
        pages.push(page);
        afterSeq = page.at(-1)!.seq;
      }
      expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    });

    it("round-trips every optional field so hashes still verify", async () => {
      const store = await fresh();
      const id = randomUUID();
      const [event] = chainEvents(GENESIS_HASH, [
        {
          executionId: id,
          seq: 1,
          type: "step.failed",
          category: "step",
          outcome: "failed",
          at: 1_700_000_000_123,
          runId: "r1",
          stepId: "answer",
          attempt: 2,
          workerId: "w1",
          instanceId: "i1",
          claimToken: "tok",
          traceId: "t1",
          pipeline: "rag@1",
          reason: "timeout \u0000 <&> 'quoted' \"dq\"",
          data: { $ref: "steps.a", "a.b": 1, big: 2 ** 53 - 1, tiny: 1e-9, neg: -0.5, u: "😀" },
        },
      ]);
      await store.appendEvents([event!]);
      const [read] = await store.readEvents(id);
      expect(read).toEqual(event);
      expect(verifyChain([read!]).ok).toBe(true);
    });

    it("lets verifyChain pinpoint edits, removals and reorders of stored events", async () => {
      const store = await fresh();
      const id = randomUUID();
      await store.appendEvents(chain(id, 6));
      const read = await store.readEvents(id);
      const edited = read.map((e) => (e.seq === 4 ? { ...e, outcome: "completed" } : e));
      expect(verifyChain(edited)).toMatchObject({
        ok: false,
        code: "LEDGER_HASH_MISMATCH",
        seq: 4,
      });
      const removed = read.filter((e) => e.seq !== 2);
      expect(verifyChain(removed)).toMatchObject({ ok: false, code: "LEDGER_GAP", seq: 2 });
      const reordered = [read[0]!, read[2]!, read[1]!, ...read.slice(3)];
      expect(verifyChain(reordered)).toMatchObject({ ok: false, code: "LEDGER_REORDERED", seq: 3 });
    });

    it("appends a long ledger in one batch", async () => {
      const store = await fresh();
      const id = randomUUID();
      const events = chain(id, 600);
      expect(await store.appendEvents(events)).toEqual({ appended: 600, duplicates: 0 });
      expect(verifyChain(await store.readEvents(id))).toMatchObject({ ok: true, count: 600 });
    });
  });
}
