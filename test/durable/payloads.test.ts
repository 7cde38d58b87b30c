/**
 * Payload externalization end to end, on real Redis and on the embedded engine, each with an
 * SQLite durable store in a temp dir: large outputs go to the store and hot state keeps a
 * `{ $payload, size }` reference; downstream steps and store-aware clients see the value; an
 * output above maxPayloadBytes fails the step once, never retried; the fingerprint does not depend
 * on externalization; the worker's shipper snapshots the existing ref.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonValue } from "@ordo/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { isExternalPayload } from "../../packages/runtime/src/engine/payloads.js";
import {
  auditExecution,
  type Connection,
  createClient,
  createEmbeddedRuntime,
  createWorker,
  type DurableStore,
  openSqliteStore,
} from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { blob, blobRuns, measure } from "../runtime/helpers/plugins.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "../runtime/helpers/redis.js";

const ir = testIr(
  [
    { id: "big", type: "test.blob", inputs: { size: { $ref: "input.size" } } },
    {
      id: "len",
      deps: ["big"],
      type: "test.measure",
      inputs: { text: { $ref: "steps.big.output.text" } },
    },
  ],
  {
    name: "payloads",
    output: {
      text: { $ref: "steps.big.output.text" },
      length: { $ref: "steps.len.output.length" },
    },
  },
);

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), "ordo-payloads-"));
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backends: [string, () => Connection][] = [
  ["redis", () => redis.connection],
  ["embedded", () => ({ embedded: new EmbeddedRedis() })],
];

describe.each(backends)("payload externalization (%s)", (name, connectionOf) => {
  const prefix = uniquePrefix(`pay-${name}`);
  const partitions = 4;
  let connection: Connection;
  let store: DurableStore;
  let worker: ReturnType<typeof createWorker>;
  beforeAll(async () => {
    connection = connectionOf();
    store = await openSqliteStore({ path: join(dir, `${name}.db`) });
    worker = createWorker({
      connection,
      prefix,
      partitions,
      idleWaitMs: 20,
      plugins: [blob, measure],
      durable: { store, inlineMaxBytes: 1024 },
    });
  });
  afterAll(async () => {
    await worker.close();
    await store.close();
  });

  async function hotOutput(executionId: string, stepId: string): Promise<JsonValue> {
    const client = createClient({ connection, prefix, partitions });
    const raw = await client.handle(executionId).status();
    await client.close();
    return raw.steps[stepId]!.output!;
  }

  it("stores a large output durably, references it from hot state, rehydrates it", async () => {
    const client = createClient({ connection, prefix, partitions, durable: { store } });
    const run = await client.start(ir, { size: 5000 });
    const result = (await run.result({ timeoutMs: 10_000 })) as { text: string; length: number };
    expect(result.length).toBe(5000);
    expect(result.text).toBe("x".repeat(5000));
    // A client without the store sees the reference, exactly as hot state keeps it.
    const ref = await hotOutput(run.executionId, "big");
    expect(isExternalPayload(ref)).toBe(true);
    const { $payload, size } = ref as { $payload: string; size: number };
    expect(size).toBe(JSON.stringify({ text: "x".repeat(5000) }).length);
    const stored = await store.getPayload($payload);
    expect(JSON.parse(Buffer.from(stored!.bytes).toString("utf8"))).toEqual({
      text: "x".repeat(5000),
    });
    // The small output stays inline.
    expect(await hotOutput(run.executionId, "len")).toEqual({ length: 5000 });
    await client.close();
  });

  it("fails an output above maxPayloadBytes once, without retrying", async () => {
    const client = createClient({ connection, prefix, partitions, durable: { store } });
    const tooBig = testIr(
      [
        {
          id: "big",
          type: "test.blob",
          inputs: { size: 3000 },
          policies: {
            retention: { maxPayloadBytes: 2000 },
            retry: { maxAttempts: 5, strategy: "fixed", baseDelayMs: 1 },
          },
        },
      ],
      { name: "too-big" },
    );
    const before = blobRuns.count;
    const run = await client.start(tooBig, {});
    await expect(run.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: "STEP_FAILED" });
    const state = await run.status();
    expect(state.steps.big).toMatchObject({ status: "failed", attempt: 1 });
    expect(state.steps.big!.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", retryable: false });
    expect(blobRuns.count - before).toBe(1);
    await client.close();
  });
});

describe("externalization and durability", () => {
  it("gives the same execution fingerprint inline and externalized", async () => {
    const fingerprints: string[] = [];
    for (const inlineMaxBytes of [1_000_000, 100]) {
      const store = await openSqliteStore({ path: ":memory:" });
      const connection = { embedded: new EmbeddedRedis() };
      const worker = createWorker({
        connection,
        idleWaitMs: 20,
        plugins: [blob, measure],
        durable: { store, inlineMaxBytes, ship: false },
      });
      const client = createClient({ connection, durable: { store } });
      const run = await client.start(ir, { size: 700 }, { executionId: "same-id" });
      await run.result({ timeoutMs: 10_000 });
      let state = await run.status();
      for (let i = 0; i < 100 && state.fingerprint === undefined; i++) {
        await new Promise((r) => setTimeout(r, 10));
        state = await run.status();
      }
      fingerprints.push(state.fingerprint!);
      await worker.close();
      await client.close();
      await store.close();
    }
    expect(fingerprints[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprints[1]).toBe(fingerprints[0]);
  });

  it("createEmbeddedRuntime passes the store to its worker and client", async () => {
    const store = await openSqliteStore({ path: join(dir, "embedded-runtime.db") });
    const ordo = createEmbeddedRuntime({
      plugins: [blob, measure],
      idleWaitMs: 20,
      durable: { store, inlineMaxBytes: 100 },
    });
    const run = await ordo.client.start(ir, { size: 300 });
    expect(await run.result({ timeoutMs: 10_000 })).toEqual({ text: "x".repeat(300), length: 300 });
    const plain = createClient({ connection: { embedded: ordo.engine } });
    const raw = (await plain.handle(run.executionId).status()).steps.big!.output;
    expect(isExternalPayload(raw)).toBe(true);
    await plain.close();
    await ordo.close();
    // The worker's shipper made its final pass on close.
    expect((await store.getSnapshot(run.executionId))?.status).toBe("completed");
    await store.close();
  });

  it("ships the ledger from the worker and snapshots the existing payload ref", async () => {
    const store = await openSqliteStore({ path: join(dir, "ship.db") });
    const connection = { embedded: new EmbeddedRedis() };
    const worker = createWorker({
      connection,
      idleWaitMs: 20,
      plugins: [blob, measure],
      durable: { store, inlineMaxBytes: 100 },
    });
    const plain = createClient({ connection });
    const run = await plain.start(ir, { size: 400 });
    const result = (await run.result({ timeoutMs: 10_000 })) as { text: unknown };
    // No store on this client: `steps.big.output.text` reads a field of the reference object.
    expect(result.text).toBeNull();
    const ref = (await run.status()).steps.big!.output as { $payload: string };
    expect(isExternalPayload(ref)).toBe(true);
    await worker.close(); // final shipping pass
    const snapshot = await store.getSnapshot(run.executionId);
    expect(snapshot?.status).toBe("completed");
    expect(snapshot?.steps.big?.outputRef).toBe(ref.$payload);
    expect(snapshot?.steps.big?.extra).toEqual({
      outputHash: ref.$payload.slice(7),
      outputStorage: "external",
    });
    const types = (await store.readEvents(run.executionId)).map((e) => e.type);
    expect(types).toContain("execution.completed");
    // The audit resolves the ref and recomputes the same fingerprint from the stored payload.
    const report = await auditExecution(store, run.executionId);
    expect(report.issues).toEqual([]);
    expect(report.recomputedFingerprint).toBe(report.recordedFingerprint);
    await plain.close();
    await store.close();
  });
});
