/**
 * Contract part two: payloads, snapshots, metrics and spans, retention and deleteExecution.
 */
import { randomUUID } from "node:crypto";
import { isOrdoError, sha256Hex } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { binaryWithNuls, chain, codeOf, type OpenStore, snapshotOf } from "./fixtures.js";

const HOUR = 3_600_000;

export function describePayloadAndRetentionContract(fresh: OpenStore): void {
  describePayloads(fresh);
  describeSnapshots(fresh);
  describeTelemetry(fresh);
  describeRetention(fresh);
}

function describePayloads(fresh: OpenStore): void {
  describe("payloads", () => {
    it("round-trips a string by its UTF-8 sha256 ref and byte size", async () => {
      const store = await fresh();
      const text = `{"answer":"héllo ✓ ${randomUUID()}"}`;
      const put = await store.putPayload(text, { contentType: "application/json" });
      const utf8 = Buffer.from(text, "utf8");
      expect(put).toEqual({ ref: `sha256:${sha256Hex(utf8)}`, size: utf8.byteLength });
      const got = await store.getPayload(put.ref);
      expect(got?.contentType).toBe("application/json");
      expect(got?.size).toBe(utf8.byteLength);
      expect(Buffer.from(got!.bytes).toString("utf8")).toBe(text);
      expect(await store.hasPayload(put.ref)).toBe(true);
    });

    it("round-trips binary content with NUL bytes exactly, and empty content", async () => {
      const store = await fresh();
      const bytes = binaryWithNuls(4096);
      const put = await store.putPayload(bytes, { contentType: "application/octet-stream" });
      const got = await store.getPayload(put.ref);
      expect(Buffer.compare(Buffer.from(got!.bytes), bytes)).toBe(0);
      const empty = await store.putPayload(new Uint8Array(0), { contentType: "text/plain" });
      expect(empty.size).toBe(0);
      expect((await store.getPayload(empty.ref))?.bytes.byteLength).toBe(0);
    });

    it("hashes only the view's bytes of a Uint8Array slice", async () => {
      const store = await fresh();
      const whole = Buffer.from("xxABCxx");
      const put = await store.putPayload(whole.subarray(2, 5), { contentType: "text/plain" });
      expect(put.ref).toBe(`sha256:${sha256Hex("ABC")}`);
      expect(Buffer.from((await store.getPayload(put.ref))!.bytes).toString()).toBe("ABC");
    });

    it("stores a payload above 10 MiB (chunked where the backend needs it) intact", async () => {
      const store = await fresh();
      const bytes = binaryWithNuls(10 * 1024 * 1024 + 12_345);
      const put = await store.putPayload(bytes, { contentType: "application/octet-stream" });
      expect(put.size).toBe(bytes.byteLength);
      const got = await store.getPayload(put.ref);
      expect(got!.size).toBe(bytes.byteLength);
      expect(sha256Hex(got!.bytes)).toBe(sha256Hex(bytes));
      expect(Buffer.compare(Buffer.from(got!.bytes), bytes)).toBe(0);
    });

    it("dedupes by content: same ref, first content type kept", async () => {
      const store = await fresh();
      const a = await store.putPayload("same", { contentType: "text/plain" });
      const b = await store.putPayload(Buffer.from("same"), { contentType: "text/markdown" });
      expect(b).toEqual(a);
      expect((await store.getPayload(a.ref))?.contentType).toBe("text/plain");
      const c = await store.putPayload("other", { contentType: "text/plain" });
      expect(c.ref).not.toBe(a.ref);
    });

    it("answers null/false for unknown and malformed refs", async () => {
      const store = await fresh();
      const unknown = `sha256:${sha256Hex(randomUUID())}`;
      expect(await store.getPayload(unknown)).toBeNull();
      expect(await store.hasPayload(unknown)).toBe(false);
      expect(await store.getPayload("sha256:xyz")).toBeNull();
      expect(await store.hasPayload("not-a-ref")).toBe(false);
    });

    it("rejects content above maxPayloadBytes with non-retryable PAYLOAD_TOO_LARGE", async () => {
      const store = await fresh({ maxPayloadBytes: 1024 });
      const big = Buffer.alloc(1025, 1);
      const error = await store.putPayload(big, { contentType: "x/y" }).catch((e: unknown) => e);
      expect(isOrdoError(error) && error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(isOrdoError(error) && error.retryable).toBe(false);
      expect(await store.hasPayload(`sha256:${sha256Hex(big)}`)).toBe(false);
      const fits = await store.putPayload(Buffer.alloc(1024, 1), { contentType: "x/y" });
      expect(fits.size).toBe(1024);
    });
  });
}

function describeSnapshots(fresh: OpenStore): void {
  describe("snapshots", () => {
    it("round-trips a snapshot and upserts by executionId", async () => {
      const store = await fresh();
      const id = randomUUID();
      const first = snapshotOf(id);
      await store.putSnapshot(first);
      expect(await store.getSnapshot(id)).toEqual(first);
      const done = snapshotOf(id, {
        status: "completed",
        completedAt: 1_700_000_009_000,
        executionFingerprint: sha256Hex("final"),
        ledgerHead: { seq: 9, hash: sha256Hex("h") },
      });
      await store.putSnapshot(done);
      expect(await store.getSnapshot(id)).toEqual(done);
      expect((await store.listSnapshots()).filter((s) => s.executionId === id)).toHaveLength(1);
      expect(await store.getSnapshot("missing")).toBeNull();
    });

    it("lists summaries newest first, filtered by pipeline and status, limited", async () => {
      const store = await fresh();
      const base = 1_800_000_000_000;
      const rows = [
        snapshotOf("s1", { pipeline: "p", status: "completed", createdAt: base + 1 }),
        snapshotOf("s2", { pipeline: "p", status: "failed", createdAt: base + 3 }),
        snapshotOf("s3", { pipeline: "q", status: "completed", createdAt: base + 2 }),
        snapshotOf("s4", { pipeline: "p", status: "completed", createdAt: base + 4 }),
      ];
      for (const row of rows) await store.putSnapshot(row);
      const ids = (list: { executionId: string }[]) => list.map((s) => s.executionId);
      expect(ids(await store.listSnapshots())).toEqual(["s4", "s2", "s3", "s1"]);
      expect(ids(await store.listSnapshots({ pipeline: "p" }))).toEqual(["s4", "s2", "s1"]);
      expect(ids(await store.listSnapshots({ pipeline: "p", status: "completed" }))).toEqual([
        "s4",
        "s1",
      ]);
      expect(ids(await store.listSnapshots({ limit: 2 }))).toEqual(["s4", "s2"]);
      const [summary] = await store.listSnapshots({ status: "failed" });
      expect(summary).toEqual({
        executionId: "s2",
        pipeline: "p",
        pipelineVersion: "1.0.0",
        status: "failed",
        createdAt: base + 3,
        completedAt: null,
      });
    });

    it("rejects a snapshot without its required fields", async () => {
      const store = await fresh();
      const broken = { ...snapshotOf("x"), executionId: "" };
      expect(await codeOf(store.putSnapshot(broken))).toBe("INPUT_INVALID");
    });
  });
}

function describeTelemetry(fresh: OpenStore): void {
  describe("metrics and spans", () => {
    it("records metric points and queries them by name, execution and time", async () => {
      const store = await fresh();
      await store.recordMetrics([
        {
          name: "step.duration_ms",
          value: 12.5,
          at: 1000,
          executionId: "e1",
          labels: { step: "a" },
        },
        { name: "step.duration_ms", value: 7, at: 3000, executionId: "e2" },
        { name: "claims", value: 1, at: 2000 },
      ]);
      const names = await store.queryMetrics({ name: "step.duration_ms" });
      expect(names).toEqual([
        {
          name: "step.duration_ms",
          value: 12.5,
          at: 1000,
          executionId: "e1",
          labels: { step: "a" },
        },
        { name: "step.duration_ms", value: 7, at: 3000, executionId: "e2" },
      ]);
      expect((await store.queryMetrics({ executionId: "e2" })).map((p) => p.value)).toEqual([7]);
      expect((await store.queryMetrics({ from: 1500, to: 3000 })).map((p) => p.name)).toEqual([
        "claims",
      ]);
      expect(await store.queryMetrics({ limit: 1 })).toHaveLength(1);
      expect(await codeOf(store.recordMetrics([{ name: "x", value: Number.NaN, at: 1 }]))).toBe(
        "INPUT_INVALID",
      );
    });

    it("records spans idempotently by (traceId, spanId) and queries them", async () => {
      const store = await fresh();
      const span = {
        traceId: "t1",
        spanId: "a",
        name: "step answer",
        startAt: 10,
        endAt: 20,
        status: "ok" as const,
        executionId: "e1",
        attributes: { "ordo.step": "answer", attempt: 1, cached: false },
      };
      await store.recordSpans([span, { ...span, spanId: "b", parentSpanId: "a", startAt: 12 }]);
      await store.recordSpans([span]);
      const byTrace = await store.querySpans({ traceId: "t1" });
      expect(byTrace.map((s) => s.spanId)).toEqual(["a", "b"]);
      expect(byTrace[0]).toEqual(span);
      expect(await store.querySpans({ executionId: "e1" })).toHaveLength(2);
      expect(await store.querySpans({ executionId: "other" })).toEqual([]);
      expect(await codeOf(store.querySpans({}))).toBe("INPUT_INVALID");
    });
  });
}

function describeRetention(fresh: OpenStore): void {
  describe("retention and deletion", () => {
    it("purges exactly the records whose expiresAt has passed", async () => {
      const store = await fresh();
      const now = Date.now();
      const [gone, kept] = [randomUUID(), randomUUID()];
      await store.appendEvents(chain(gone, 3), { expiresAt: now + HOUR });
      await store.appendEvents(chain(kept, 2));
      await store.putSnapshot(snapshotOf(gone), { expiresAt: now + HOUR });
      await store.putSnapshot(snapshotOf(kept), { expiresAt: now + 3 * HOUR });
      const p1 = await store.putPayload("expiring", {
        contentType: "text/plain",
        expiresAt: now + HOUR,
      });
      const p2 = await store.putPayload("forever", { contentType: "text/plain" });
      await store.recordMetrics([{ name: "m", value: 1, at: 1 }], { expiresAt: now + HOUR });
      await store.recordSpans([{ traceId: "t", spanId: "s", name: "n", startAt: 1, endAt: 2 }], {
        expiresAt: now + HOUR,
      });

      expect(await store.purgeExpired(now)).toEqual({
        events: 0,
        snapshots: 0,
        payloads: 0,
        metrics: 0,
        spans: 0,
      });
      const removed = await store.purgeExpired(now + 2 * HOUR);
      expect(removed).toEqual({ events: 3, snapshots: 1, payloads: 1, metrics: 1, spans: 1 });
      expect(await store.readEvents(gone)).toEqual([]);
      expect(await store.readEvents(kept)).toHaveLength(2);
      expect(await store.getSnapshot(gone)).toBeNull();
      expect(await store.getSnapshot(kept)).not.toBeNull();
      expect(await store.hasPayload(p1.ref)).toBe(false);
      expect(await store.hasPayload(p2.ref)).toBe(true);
      expect(await store.queryMetrics({ name: "m" })).toEqual([]);
      expect(await store.querySpans({ traceId: "t" })).toEqual([]);
    });

    it("keeps a shared payload as long as its longest-lived writer needs it", async () => {
      const store = await fresh();
      const now = Date.now();
      const a = await store.putPayload("shared-a", { contentType: "t", expiresAt: now + HOUR });
      await store.putPayload("shared-a", { contentType: "t", expiresAt: now + 5 * HOUR });
      const b = await store.putPayload("shared-b", { contentType: "t", expiresAt: now + HOUR });
      await store.putPayload("shared-b", { contentType: "t" });
      await store.purgeExpired(now + 2 * HOUR);
      expect(await store.hasPayload(a.ref)).toBe(true);
      expect(await store.hasPayload(b.ref)).toBe(true);
      await store.purgeExpired(now + 6 * HOUR);
      expect(await store.hasPayload(a.ref)).toBe(false);
      expect(await store.hasPayload(b.ref)).toBe(true);
    });

    it("deletes one execution's records and only the payloads no one else owns", async () => {
      const store = await fresh();
      const [doomed, other] = [randomUUID(), randomUUID()];
      await store.appendEvents([...chain(doomed, 4), ...chain(other, 2)]);
      await store.putSnapshot(snapshotOf(doomed));
      await store.putSnapshot(snapshotOf(other));
      const own = await store.putPayload("only doomed", { contentType: "t", executionId: doomed });
      const shared = await store.putPayload("both", { contentType: "t", executionId: doomed });
      await store.putPayload("both", { contentType: "t", executionId: other });
      const unowned = await store.putPayload("nobody", { contentType: "t" });
      const pinned = await store.putPayload("pinned", { contentType: "t" });
      await store.putPayload("pinned", { contentType: "t", executionId: doomed });
      await store.recordMetrics([
        { name: "m", value: 1, at: 1, executionId: doomed },
        { name: "m", value: 2, at: 2, executionId: other },
      ]);
      await store.recordSpans([
        { traceId: "t", spanId: "s", name: "n", startAt: 1, endAt: 2, executionId: doomed },
      ]);

      const removed = await store.deleteExecution(doomed);
      expect(removed).toEqual({ events: 4, snapshots: 1, payloads: 1, metrics: 1, spans: 1 });
      expect(await store.readEvents(doomed)).toEqual([]);
      expect(await store.ledgerHead(doomed)).toBeNull();
      expect(await store.getSnapshot(doomed)).toBeNull();
      expect(await store.hasPayload(own.ref)).toBe(false);
      expect(await store.hasPayload(shared.ref)).toBe(true);
      expect(await store.hasPayload(unowned.ref)).toBe(true);
      expect(await store.hasPayload(pinned.ref)).toBe(true);
      expect(await store.readEvents(other)).toHaveLength(2);
      expect(await store.getSnapshot(other)).not.toBeNull();
      expect((await store.queryMetrics({ name: "m" })).map((p) => p.value)).toEqual([2]);
      expect(await store.deleteExecution(doomed)).toEqual({
        events: 0,
        snapshots: 0,
        payloads: 0,
        metrics: 0,
        spans: 0,
      });
      await store.deleteExecution(other);
      expect(await store.hasPayload(shared.ref)).toBe(false);
    });
  });
}
