/**
 * Per-pipeline retention as users declare it, on real Redis and on the embedded engine, with an
 * SQLite durable store: the IR's `policies.retention` is applied by the workers' automatic pass
 * (no RetentionConfig anywhere) after archiving, with the IR's reason in the ledger; a
 * deployment override beats the IR; the IR's `durableTtlMs` sets the expiry of the ledger,
 * snapshot and payloads; retention turns keep two runners from doing a partition twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RetentionPolicy as IrRetentionPolicy, PipelineIR } from "@ordo/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { openHotStore } from "../../packages/runtime/src/hot/connection.js";
import { Keyspace } from "../../packages/runtime/src/hot/keys.js";
import {
  type Connection,
  createClient,
  createEmbeddedRuntime,
  createWorker,
  type DurableStore,
  isExternalPayload,
  openSqliteStore,
  type RetentionConfig,
} from "../../packages/runtime/src/index.js";
import { createRetentionRunner } from "../../packages/runtime/src/retention/runner.js";
import { testIr } from "../runtime/helpers/ir.js";
import { echo } from "../runtime/helpers/plugins.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "../runtime/helpers/redis.js";

const PARTITIONS = 2;

/** Polls `check` until it returns a value other than undefined (every 25 ms, up to 10 s). */
async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ir = (name: string, retention?: IrRetentionPolicy): PipelineIR =>
  testIr(
    [
      { id: "a", inputs: { value: { $ref: "input.text" } } },
      { id: "b", deps: ["a"], inputs: { value: { $ref: "steps.a.output.value" } } },
    ],
    { name, ...(retention ? { policies: { retention } } : {}) },
  );

let dir: string;
let counter = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ordo-retention-auto-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A worker (automatic pass every 100 ms by default) and clients, on a fresh prefix and database. */
async function deployment(
  connection: Connection,
  options: { retention?: RetentionConfig; retentionIntervalMs?: number } = {},
) {
  const { retention, retentionIntervalMs = 100 } = options;
  const prefix = uniquePrefix("ret");
  const store: DurableStore = await openSqliteStore({ path: join(dir, `${counter++}.db`) });
  const shared = { connection, prefix, partitions: PARTITIONS };
  const worker = createWorker({
    ...shared,
    plugins: [echo],
    concurrency: 4,
    idleWaitMs: 20,
    durable: {
      store,
      inlineMaxBytes: 200,
      retentionIntervalMs,
      ...(retention ? { retention } : {}),
    },
  });
  const client = createClient({ ...shared, durable: { store, inlineMaxBytes: 200 } });
  const raw = createClient(shared);
  async function run(pipeline: PipelineIR, text = "small") {
    const handle = await client.start(pipeline, { text });
    await handle.result({ timeoutMs: 10_000 });
    return handle.executionId;
  }
  const gone = (id: string) =>
    raw.status(id).then(
      () => undefined,
      (error: { code?: string }) => error.code,
    );
  const event = (id: string, type: string) =>
    until(
      async () => (await store.readEvents(id)).find((e) => e.type === type),
      `${type} of ${id}`,
    );
  return {
    connection,
    prefix,
    store,
    worker,
    client,
    raw,
    run,
    gone,
    event,
    async close() {
      await worker.close();
      await client.close();
      await raw.close();
      await store.close();
    },
  };
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis?.stop());

const backends: [string, () => Connection][] = [
  ["redis", () => redis.connection],
  ["embedded", () => ({ embedded: new EmbeddedRedis() })],
];

describe.each(backends)("automatic retention (%s)", (name, connect) => {
  it("evicts by the IR's policy alone, recording its reason, and expires what follows", async () => {
    const d = await deployment(connect());
    try {
      const policy = { hot: "evict", hotTtlMs: 0, reason: "gdpr", durableTtlMs: 60_000 } as const;
      const id = await d.run(ir("ir-evict", policy));
      expect(await until(() => d.gone(id), "eviction")).toBe("EXECUTION_NOT_FOUND");
      const evicted = await d.event(id, "retention.evicted");
      expect(evicted.reason).toBe("gdpr");
      // Archived before removal: the snapshot holds the terminal state.
      expect((await d.store.getSnapshot(id))?.status).toBe("completed");
      // The event shipped after eviction (hot state gone) still got the IR's TTL, from the
      // snapshot: nothing of the execution outlives it, nothing goes before it.
      expect((await d.store.purgeExpired(Date.now())).events).toBe(0);
      await d.store.purgeExpired(Date.now() + 61_000);
      expect(await d.store.readEvents(id)).toEqual([]);
      expect(await d.store.getSnapshot(id)).toBeNull();
    } finally {
      await d.close();
    }
  });

  it("compacts by the IR's policy and leaves 'keep' and too-young executions alone", async () => {
    const d = await deployment(connect());
    try {
      const compactId = await d.run(ir("ir-compact", { hot: "compact", reason: "slim" }));
      const keepId = await d.run(ir("ir-none"));
      const youngId = await d.run(ir("ir-young", { hot: "evict", hotTtlMs: 3_600_000 }));
      const compacted = await d.event(compactId, "retention.compacted");
      expect(compacted.reason).toBe("slim");
      const state = await d.raw.status(compactId);
      expect(state.status).toBe("completed");
      expect(state.steps.b).toMatchObject({ status: "completed" });
      expect(state.steps.b?.output).toBeUndefined();
      // Several passes have run by now: the others are untouched.
      await new Promise((r) => setTimeout(r, 300));
      expect((await d.raw.status(keepId)).steps.b?.output).toEqual({ value: "small" });
      expect((await d.raw.status(youngId)).steps.b?.output).toEqual({ value: "small" });
      const types = (await d.store.readEvents(keepId)).map((e) => e.type);
      expect(types.filter((t) => t.startsWith("retention."))).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it("lets a deployment override beat the IR, field by field", async () => {
    const d = await deployment(connect(), {
      retention: {
        default: { hot: "evict" },
        pipelines: { "kept-by-ops": { hot: "keep" }, "compacted-by-ops": { hot: "compact" } },
      },
    });
    try {
      const keptId = await d.run(ir("kept-by-ops", { hot: "evict", hotTtlMs: 0 }));
      const compactId = await d.run(ir("compacted-by-ops", { hot: "evict", reason: "ir-reason" }));
      const defaultId = await d.run(ir("by-default"));
      // The default applies where neither the IR nor an override says anything.
      expect(await until(() => d.gone(defaultId), "default eviction")).toBe("EXECUTION_NOT_FOUND");
      const compacted = await d.event(compactId, "retention.compacted");
      // The override sets only `hot`: the IR's reason still applies.
      expect(compacted.reason).toBe("ir-reason");
      expect((await d.raw.status(compactId)).status).toBe("completed");
      await new Promise((r) => setTimeout(r, 300));
      expect((await d.raw.status(keptId)).steps.b?.output).toEqual({ value: "small" });
    } finally {
      await d.close();
    }
  });

  it("expires ledger, snapshot, output and input payloads by the IR's durableTtlMs", async () => {
    const d = await deployment(connect());
    try {
      const text = `${name}-${"t".repeat(400)}`;
      const ttlId = await d.run(ir("ir-ttl", { durableTtlMs: 5_000 }), text);
      const foreverId = await d.run(ir("ir-forever"), `${text}-forever`);
      const outputRef = async (id: string) => {
        const output = (await d.raw.status(id)).steps.a?.output;
        return isExternalPayload(output) ? output.$payload : undefined;
      };
      const ttlRef = (await outputRef(ttlId))!;
      const foreverRef = (await outputRef(foreverId))!;
      expect([ttlRef, foreverRef].every((r) => r?.startsWith("sha256:"))).toBe(true);
      const snapshot = await until(
        () => d.store.getSnapshot(ttlId).then((s) => s ?? undefined),
        "snapshot",
      );
      await until(() => d.store.getSnapshot(foreverId).then((s) => s ?? undefined), "snapshot");
      // The input was externalized by the client, under the same policy (the snapshot keeps the ref).
      expect(isExternalPayload(snapshot.input)).toBe(true);
      const inputRef = isExternalPayload(snapshot.input) ? snapshot.input.$payload : "";
      expect(await d.store.hasPayload(inputRef)).toBe(true);
      await d.store.purgeExpired(Date.now());
      expect(await d.store.getSnapshot(ttlId)).not.toBeNull();
      const purged = await d.store.purgeExpired(Date.now() + 6_000);
      expect(purged.events).toBeGreaterThan(0);
      expect(await d.store.getSnapshot(ttlId)).toBeNull();
      expect(await d.store.readEvents(ttlId)).toEqual([]);
      expect(await d.store.hasPayload(ttlRef)).toBe(false);
      expect(await d.store.hasPayload(inputRef)).toBe(false);
      // A pipeline without a TTL keeps everything.
      expect(await d.store.getSnapshot(foreverId)).not.toBeNull();
      expect((await d.store.readEvents(foreverId)).length).toBeGreaterThan(0);
      expect(await d.store.hasPayload(foreverRef)).toBe(true);
    } finally {
      await d.close();
    }
  });

  it("gives each partition's turn to one runner per interval", async () => {
    // No automatic pass in the worker: only the two runners below take turns.
    const d = await deployment(connect(), { retentionIntervalMs: 0 });
    const hot = openHotStore(d.connection);
    try {
      const keyspace = new Keyspace(d.prefix, PARTITIONS);
      const common = { hot, keyspace, store: d.store, intervalMs: 60_000 };
      const a = createRetentionRunner({ ...common, owner: "runner-a" });
      const b = createRetentionRunner({ ...common, owner: "runner-b" });
      const idle = await a.runOnce();
      expect(idle.evicted).toEqual([]);
      const id = await d.run(ir("turns", { hot: "evict" }));
      await until(async () => ((await d.store.getSnapshot(id)) ? true : undefined), "snapshot");
      // b finds both partitions taken by a for the interval; a (renewing its own turn) works.
      expect((await b.runOnce()).evicted).toEqual([]);
      expect((await a.runOnce()).evicted).toEqual([id]);
    } finally {
      await hot.close();
      await d.close();
    }
  });
});

describe("automatic retention in createEmbeddedRuntime", () => {
  it("evicts by the IR's policy once archived (the runtime's worker ships and retains)", async () => {
    const store = await openSqliteStore({ path: join(dir, "embedded-runtime.db") });
    const ordo = createEmbeddedRuntime({
      plugins: [echo],
      partitions: PARTITIONS,
      durable: { store, retentionIntervalMs: 100 },
    });
    try {
      const handle = await ordo.client.start(
        ir("embedded-evict", { hot: "evict", reason: "tidy" }),
        {
          text: "small",
        },
      );
      await handle.result({ timeoutMs: 10_000 });
      const code = await until(
        () =>
          handle.status().then(
            () => undefined,
            (error: { code?: string }) => error.code,
          ),
        "eviction",
      );
      expect(code).toBe("EXECUTION_NOT_FOUND");
      const evicted = await until(
        async () =>
          (await store.readEvents(handle.executionId)).find((e) => e.type === "retention.evicted"),
        "retention event",
      );
      expect(evicted.reason).toBe("tidy");
    } finally {
      await ordo.close();
      await store.close();
    }
  });
});
