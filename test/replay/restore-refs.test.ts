/**
 * Restore and rerun keep payload references: an output the worker externalized comes back into
 * hot state as its `{ $payload, size }` reference (not as the value), an inline one as JSON, and
 * store-aware clients and workers rehydrate both. A fork registers itself as an owner of the
 * payloads it reuses, so deleting the source execution does not take them. Older snapshots that do
 * not record the storage form fall back to the step's inline limit. Embedded engine + SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { isExternalPayload } from "../../packages/runtime/src/engine/payloads.js";
import { Keyspace } from "../../packages/runtime/src/hot/keys.js";
import {
  createClient,
  createWorker,
  type DurableStore,
  openSqliteStore,
} from "../../packages/runtime/src/index.js";
import { rerunExecution, restoreExecution } from "../../packages/runtime/src/replay/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { blob, measure } from "../runtime/helpers/plugins.js";

const SIZE = 5_000;
// The inline limit is a pipeline policy, so the snapshot's IR carries it (the legacy fallback).
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
    name: "refs",
    policies: { retention: { inlineMaxBytes: 100 } },
    output: {
      text: { $ref: "steps.big.output.text" },
      length: { $ref: "steps.len.output.length" },
    },
  },
);
const expected = { text: "x".repeat(SIZE), length: SIZE };

const dir = mkdtempSync(join(tmpdir(), "ordo-restore-refs-"));
let store: DurableStore;
let sourceId: string;
let bigRef: string;

/** A fresh engine (a lost Redis) with a store-aware client and worker over it. */
function freshDeployment() {
  const connection = { embedded: new EmbeddedRedis() };
  const worker = createWorker({
    connection,
    idleWaitMs: 20,
    plugins: [blob, measure],
    durable: { store, ship: false },
  });
  const client = createClient({ connection, durable: { store } });
  return {
    connection,
    client,
    /** The raw hot-state output field of a step. */
    rawOutput: (executionId: string, stepId: string) =>
      connection.embedded.call(
        "HGET",
        new Keyspace().of(executionId).byName.out,
        `${executionId}|${stepId}`,
      ) as Promise<string | null>,
    async close() {
      await worker.close();
      await client.close();
    },
  };
}

beforeAll(async () => {
  store = await openSqliteStore({ path: join(dir, "ordo.db") });
  const connection = { embedded: new EmbeddedRedis() };
  const worker = createWorker({
    connection,
    idleWaitMs: 20,
    plugins: [blob, measure],
    durable: { store },
  });
  const client = createClient({ connection, durable: { store } });
  const run = await client.start(ir, { size: SIZE }, { executionId: "refs-source" });
  expect(await run.result({ timeoutMs: 10_000 })).toEqual(expected);
  for (let i = 0; i < 100 && (await run.status()).fingerprint === undefined; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  sourceId = run.executionId;
  await worker.close(); // final shipping pass: ledger + snapshot
  await client.close();
  const snapshot = await store.getSnapshot(sourceId);
  expect(snapshot?.steps.big?.extra).toMatchObject({ outputStorage: "external" });
  expect(snapshot?.steps.len?.extra).toMatchObject({ outputStorage: "inline" });
  bigRef = snapshot!.steps.big!.outputRef!;
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("restore keeps payload references", () => {
  it("writes the ref of an externalized output and the JSON of an inline one", async () => {
    const d = freshDeployment();
    try {
      await restoreExecution({ connection: d.connection, store }, sourceId);
      const big = JSON.parse((await d.rawOutput(sourceId, "big"))!) as unknown;
      expect(isExternalPayload(big)).toBe(true);
      expect(big).toEqual({ $payload: bigRef, size: SIZE + '{"text":""}'.length });
      expect(JSON.parse((await d.rawOutput(sourceId, "len"))!)).toEqual({ length: SIZE });
      // A store-aware client rehydrates the ref.
      expect(await d.client.handle(sourceId).result({ timeoutMs: 5_000 })).toEqual(expected);
    } finally {
      await d.close();
    }
  });

  it("falls back to the inline limit for a snapshot without outputStorage", async () => {
    const snapshot = (await store.getSnapshot(sourceId))!;
    const legacy = Object.fromEntries(
      Object.entries(snapshot.steps).map(([id, s]) => {
        const { outputStorage: _dropped, ...extra } = (s.extra ?? {}) as Record<string, unknown>;
        return [id, { ...s, extra }];
      }),
    );
    await store.putSnapshot({ ...snapshot, steps: legacy });
    const d = freshDeployment();
    try {
      await restoreExecution({ connection: d.connection, store }, sourceId);
      expect(isExternalPayload(JSON.parse((await d.rawOutput(sourceId, "big"))!))).toBe(true);
      expect(JSON.parse((await d.rawOutput(sourceId, "len"))!)).toEqual({ length: SIZE });
      expect(await d.client.handle(sourceId).result({ timeoutMs: 5_000 })).toEqual(expected);
    } finally {
      await store.putSnapshot(snapshot);
      await d.close();
    }
  });
});

describe("rerun keeps payload references", () => {
  it("forks with the ref, rehydrates it for dependents, and owns the payload", async () => {
    const d = freshDeployment();
    try {
      const fork = await rerunExecution({ connection: d.connection, store }, sourceId, {
        from: "len",
        executionId: "refs-fork",
      });
      expect(fork.reused).toEqual(["big"]);
      const big = JSON.parse((await d.rawOutput("refs-fork", "big"))!) as unknown;
      expect(big).toMatchObject({ $payload: bigRef });
      // `len` ran again on the worker, reading the text through the ref.
      expect(await d.client.handle("refs-fork").result({ timeoutMs: 10_000 })).toEqual(expected);
      // The fork owns the payload: deleting the source leaves it in the store.
      await store.deleteExecution(sourceId);
      expect(await store.hasPayload(bigRef)).toBe(true);
    } finally {
      await d.close();
    }
  });
});
