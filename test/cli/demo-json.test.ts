/**
 * `ordo demo json` (embedded) with a durable SQLite store: large outputs are externalized, the
 * ledger and terminal snapshot are archived, retention compacts then evicts the execution from
 * hot state, and the durable record passes `ordo replay` afterwards, in another command.
 */
import { join } from "node:path";
import { openSqliteStore } from "@ordo/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ordo, scratchDir } from "./helpers.js";

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir("demo-json");
});
afterAll(() => scratch?.remove());

describe("ordo demo json", () => {
  test("externalizes the large outputs, archives, compacts, evicts; the record replays", async () => {
    const path = join(scratch.dir, "store", "ordo.db");
    const result = await ordo(["demo", "json", "--store", path, "--json"]);
    expect(result.code, result.err).toBe(0);
    const report = JSON.parse(result.out);
    expect(report.status).toBe("completed");
    expect(report.steps["transient-provider-call"].attempt).toBe(2);
    expect(report.throttling[0]).toMatchObject({ limit: 2, respected: true });

    const archive = report.archive;
    // Only the two large outputs left hot state; each is a ~100-byte reference there.
    expect(archive.payloads.map((p: { stepId: string }) => p.stepId)).toEqual([
      "generate-large-context",
      "persist-summary",
    ]);
    for (const p of archive.payloads) {
      expect(p.bytes).toBeGreaterThan(64 * 1024);
      expect(p.hotBytes).toBeLessThan(128);
      expect(p.ref).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(archive).toMatchObject({
      snapshotWritten: true,
      compacted: true,
      evicted: true,
      hotReadAfterEvict: "EXECUTION_NOT_FOUND",
      ledgerVerified: true,
      auditValid: true,
      fingerprintMatch: true,
      fingerprint: report.fingerprint,
    });
    expect(archive.hotBytes.compacted).toBeLessThan(archive.hotBytes.terminal);

    // The durable record outlives the process's hot state: payload bytes, snapshot, ledger.
    const store = await openSqliteStore({ path });
    try {
      const big = await store.getPayload(archive.payloads[0].ref);
      expect(big?.size).toBe(archive.payloads[0].bytes);
      const snapshot = await store.getSnapshot(report.executionId);
      expect(snapshot?.status).toBe("completed");
      const events = await store.readEvents(report.executionId);
      const types = events.map((e) => e.type);
      expect(types).toContain("retention.compacted");
      expect(types.at(-1)).toBe("retention.evicted");
    } finally {
      await store.close();
    }
    const replay = await ordo(["replay", report.executionId, "--store", path]);
    expect(replay.code, replay.err).toBe(0);
    expect(replay.out).toMatch(/: valid \(enterprise-runtime-demo, completed\)/);
  }, 60_000);

  test("the text report shows each stage with sizes and how to verify it", async () => {
    const path = join(scratch.dir, "text", "ordo.db");
    const result = await ordo(["demo", "json", "--store", path]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(
      /^payload +generate-large-context output 128\.\d KB -> durable ref sha256:[0-9a-f]{12}… \(hot state keeps \d+ B\)$/m,
    );
    expect(result.out).toMatch(/^archive +ledger shipped \(\d+ events, hash chain verified\)/m);
    expect(result.out).toMatch(
      /^retention +evict: done, hot read now fails with EXECUTION_NOT_FOUND$/m,
    );
    expect(result.out).toMatch(/^verify +ordo replay [0-9a-f-]{36} --store /m);
  }, 60_000);
});
