/**
 * `client.startMany` on a real redis-server and on the embedded engine: results per input, script
 * calls per partition and chunk, validation before any write, ledger and hot-state conformance
 * with `start`, and the `details.created` report of a partly failed batch.
 */
import { isOrdoError, type JsonValue, type OrdoError } from "@ordo/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { START_MANY_CHUNK } from "../../packages/runtime/src/engine/start-many.js";
import type { HotStore } from "../../packages/runtime/src/hot/hot-store.js";
import { Keyspace } from "../../packages/runtime/src/hot/keys.js";
import {
  type Client,
  createClient,
  createWorker,
  type ExecutionState,
  partitionOf,
  type Worker,
} from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";
import { echo } from "./helpers/plugins.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";

let redis: TestRedis;
const prefix = uniquePrefix("many");
let worker: Worker;
let client: Client;

const ir = testIr([{ id: "a", inputs: { value: { $ref: "input.n" } } }], {
  name: "many",
  output: { n: { $ref: "steps.a.output.value" } },
});
const strictIr = {
  ...testIr([{ id: "a", inputs: { value: { $ref: "input.n" } } }], { name: "strict" }),
  input: { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
};

beforeAll(async () => {
  redis = await startTestRedis();
  worker = createWorker({ connection: redis.connection, prefix, plugins: [echo], concurrency: 32 });
  client = createClient({ connection: redis.connection, prefix });
});
afterAll(async () => {
  await worker.close();
  await client.close();
  await redis.stop();
});

async function rejection(promise: Promise<unknown>): Promise<OrdoError> {
  try {
    await promise;
  } catch (error) {
    if (isOrdoError(error)) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

/** Records the script names a client runs (its own store only, not the worker's). */
function countScripts(c: Client): string[] {
  const store = (c as unknown as { store: HotStore }).store;
  const run = store.runScript.bind(store);
  const calls: string[] = [];
  store.runScript = (name, keys, args) => {
    calls.push(name);
    return run(name, keys, args);
  };
  return calls;
}

/** `status()` without what differs between any two executions (id, start time). */
function comparable(state: ExecutionState): Record<string, unknown> {
  const { executionId: _id, startedAt: _s, finishedAt: _f, ...rest } = state;
  return rest;
}

describe("client.startMany", () => {
  it("runs 1 000 executions across partitions, one script call per partition", async () => {
    const counting = createClient({ connection: redis.connection, prefix });
    const calls = countScripts(counting);
    const inputs = Array.from({ length: 1000 }, (_, n) => ({ n }));
    const runs = await counting.startMany<{ n: number }>(ir, inputs);
    expect(runs).toHaveLength(1000);
    const partitions = new Set(runs.map((r) => partitionOf(r.executionId, 16)));
    expect(partitions.size).toBe(16);
    // ≤ 500 per partition here, so one chunk each.
    expect(calls).toEqual(Array.from({ length: partitions.size }, () => "createExecutions"));
    const results = await Promise.all(runs.map((r) => r.result({ timeoutMs: 30_000 })));
    expect(results).toEqual(inputs);
    await counting.close();
  }, 60_000);

  it("splits a partition's executions into chunks of 500", async () => {
    const onePartition = uniquePrefix("many1");
    const c = createClient({ connection: redis.connection, prefix: onePartition, partitions: 1 });
    const calls = countScripts(c);
    const runs = await c.startMany(
      ir,
      Array.from({ length: 1001 }, (_, n) => ({ n })),
    );
    expect(calls).toEqual(["createExecutions", "createExecutions", "createExecutions"]);
    const states = await Promise.all([runs[0]!, runs[500]!, runs[1000]!].map((r) => r.status()));
    expect(states.map((s) => s.input)).toEqual([{ n: 0 }, { n: 500 }, { n: 1000 }]);
    expect(states.map((s) => s.steps.a?.status)).toEqual(["ready", "ready", "ready"]);
    await c.close();
  });

  it("refuses a batch with a bad input at index 7 before writing anything", async () => {
    const empty = uniquePrefix("many-bad");
    const c = createClient({ connection: redis.connection, prefix: empty });
    const inputs: JsonValue[] = Array.from({ length: 12 }, (_, n) => ({ n }));
    inputs[7] = { n: "seven" };
    const executionIds = inputs.map((_, i) => `bad-${i}`);
    const error = await rejection(c.startMany(strictIr, inputs, { executionIds }));
    expect(error.code).toBe("INPUT_INVALID");
    expect(error.details).toMatchObject({ index: 7 });
    expect(error.message).toContain("inputs[7]");
    const keys = await redis.connect().keys(`{${empty}:*`);
    expect(keys).toEqual([]);
    const lone = await rejection(c.startMany(strictIr, [{ n: 1 }, { n: 2, s: "\ud800" }]));
    expect(lone.code).toBe("INPUT_INVALID");
    expect(lone.details).toMatchObject({ index: 1 });
    await c.close();
  });

  it("refuses duplicate or malformed ids and a wrong id count (USAGE), writing nothing", async () => {
    const empty = uniquePrefix("many-ids");
    const c = createClient({ connection: redis.connection, prefix: empty });
    const dup = await rejection(c.startMany(ir, [{}, {}], { executionIds: ["x1", "x1"] }));
    expect(dup.code).toBe("USAGE");
    expect(dup.details).toMatchObject({ index: 1, executionId: "x1" });
    const bad = await rejection(c.startMany(ir, [{}], { executionIds: ["a|b"] }));
    expect(bad.code).toBe("USAGE");
    const count = await rejection(c.startMany(ir, [{}, {}], { executionIds: ["x1"] }));
    expect(count.code).toBe("USAGE");
    expect(await redis.connect().keys(`{${empty}:*`)).toEqual([]);
    await c.close();
  });

  it("EXECUTION_EXISTS leaves that partition's batch out and lists what was created", async () => {
    const p = uniquePrefix("many-exists");
    const c = createClient({ connection: redis.connection, prefix: p });
    await c.start(ir, { n: -1 }, { executionId: "taken" });
    const executionIds = Array.from({ length: 40 }, (_, i) => `e-${i}`);
    executionIds[5] = "taken";
    const inputs = executionIds.map((_, n) => ({ n }));
    const error = await rejection(c.startMany(ir, inputs, { executionIds }));
    expect(error.code).toBe("EXECUTION_EXISTS");
    expect(error.details).toMatchObject({ executionId: "taken" });
    const created = new Set(error.details?.created as string[]);
    const ks = new Keyspace(p, 16);
    const takenPartition = ks.of("taken").partition;
    for (const id of executionIds.filter((id) => id !== "taken")) {
      const samePartition = ks.of(id).partition === takenPartition;
      // The refused partition call wrote nothing; every other call created its executions.
      expect(created.has(id), id).toBe(!samePartition);
      const exists = await c.status(id).then(
        () => true,
        () => false,
      );
      expect(exists, id).toBe(!samePartition);
    }
    expect((await c.status("taken")).input).toEqual({ n: -1 });
    await c.close();
  });

  it("creates the same hot state and execution.created event as start()", async () => {
    const idle = uniquePrefix("many-conf");
    const c = createClient({ connection: redis.connection, prefix: idle });
    const single = await c.start(ir, { n: 42 }, { executionId: "single" });
    const [batch] = await c.startMany(ir, [{ n: 42 }], { executionIds: ["batched"] });
    expect(comparable(await batch!.status())).toEqual(comparable(await single.status()));
    const created = async (id: string) => {
      const log = `{${idle}:${partitionOf(id, 16)}}:log`;
      const entries = await redis.connect().xrange(log, "-", "+");
      const [, fields] = entries.find(([, f]) => f[1] === id && f.includes("execution.created"))!;
      const event: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) event[fields[i]!] = fields[i + 1]!;
      return event;
    };
    const a = await created("single");
    const b = await created("batched");
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect({ ...b, e: "", at: "" }).toEqual({ ...a, e: "", at: "" });
    await c.close();
  });

  it("finishes with the same state as start() (worker)", async () => {
    const single = await client.start(ir, { n: 7 });
    const [batch] = await client.startMany(ir, [{ n: 7 }]);
    await Promise.all([single.result(), batch!.result()]);
    expect(comparable(await batch!.status())).toEqual(comparable(await single.status()));
  });
});

describe("client.startMany on the embedded engine", () => {
  it("runs a batch to completion", async () => {
    const connection = { embedded: new EmbeddedRedis() };
    const w = createWorker({ connection, plugins: [echo], concurrency: 8 });
    const c = createClient({ connection });
    const inputs = Array.from({ length: 200 }, (_, n) => ({ n }));
    const runs = await c.startMany<{ n: number }>(ir, inputs);
    const results = await Promise.all(runs.map((r) => r.result({ timeoutMs: 20_000 })));
    expect(results).toEqual(inputs);
    await w.close();
    await c.close();
  }, 30_000);

  it("creates 3 000 executions of one partition in calls of 500, each one created", async () => {
    // One partition: 3 000 executions in calls of START_MANY_CHUNK (calls this large once made the
    // WASM Lua VM fault when their arguments were pushed onto the Lua stack directly).
    const c = createClient({ connection: { embedded: new EmbeddedRedis() }, partitions: 1 });
    const calls = countScripts(c);
    const runs = await c.startMany(
      ir,
      Array.from({ length: 3000 }, (_, n) => ({ n })),
    );
    expect(calls).toHaveLength(3000 / START_MANY_CHUNK);
    const last = await runs[2999]!.status();
    expect(last.input).toEqual({ n: 2999 });
    expect(last.steps.a?.status).toBe("ready");
    await c.close();
  }, 30_000);
});
