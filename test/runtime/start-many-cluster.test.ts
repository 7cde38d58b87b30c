/**
 * `client.startMany` on a real 3-master Redis Cluster: one createExecutions call per partition
 * stays inside one hash slot (no CROSSSLOT), and every execution runs to its result.
 */
import { type RedisClusterHandle, startRedisCluster } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, createWorker, type Worker } from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";
import { echo } from "./helpers/plugins.js";
import { uniquePrefix } from "./helpers/redis.js";

let cluster: RedisClusterHandle;
let worker: Worker;
const prefix = uniquePrefix("many-cluster");

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  worker = createWorker({
    connection: cluster.connect(),
    prefix,
    plugins: [echo],
    concurrency: 16,
    idleWaitMs: 100,
  });
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await cluster?.stop();
});

describe("client.startMany on Redis Cluster", () => {
  it("creates executions of every partition and runs them to their results", async () => {
    const connection = cluster.connect();
    const client = createClient({ connection, prefix });
    const ir = testIr([{ id: "a", inputs: { value: { $ref: "input.n" } } }], {
      output: { n: { $ref: "steps.a.output.value" } },
    });
    const inputs = Array.from({ length: 300 }, (_, n) => ({ n }));
    const runs = await client.startMany(ir, inputs);
    const results = await Promise.all(runs.map((r) => r.result({ timeoutMs: 30_000 })));
    expect(results).toEqual(inputs);
    await client.close();
    connection.disconnect();
  }, 60_000);
});
