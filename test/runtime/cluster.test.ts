/**
 * Every script on a real 3-master Redis Cluster: no CROSSSLOT, executions spread over the
 * masters, and bad requests still get stable codes.
 */
import { isOrdoError } from "@ordo/core";
import { type RedisClusterHandle, startRedisCluster } from "@ordo/testing";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createClient,
  createWorker,
  partitionOf,
  type Worker,
} from "../../packages/runtime/src/index.js";
import { layeredIr, testIr } from "./helpers/ir.js";
import { echo, fatal, flaky } from "./helpers/plugins.js";
import { uniquePrefix } from "./helpers/redis.js";

let cluster: RedisClusterHandle;
let connection: Cluster;
let worker: Worker;
const prefix = uniquePrefix("cluster");

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  connection = cluster.connect();
  worker = createWorker({
    connection: cluster.connect(),
    prefix,
    plugins: [echo, fatal, flaky],
    concurrency: 16,
    idleWaitMs: 100,
  });
}, 60_000);
afterAll(async () => {
  await worker?.close();
  connection?.disconnect();
  await cluster?.stop();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isOrdoError(error)) return error.code;
    throw error;
  }
  return "none";
}

describe("Redis Cluster", () => {
  it("runs executions spread over every master without CROSSSLOT", async () => {
    const client = createClient({ connection, prefix });
    const ir = layeredIr(40, 8, 2, "test.echo", (id) => ({ value: id }));
    const runs = await Promise.all(Array.from({ length: 24 }, () => client.start(ir, {})));
    await Promise.all(runs.map((r) => r.result({ timeoutMs: 30_000 })));
    for (const r of runs) expect((await r.status()).status).toBe("completed");
    // partitions used by these executions live on more than one master
    const masters = new Set<string>();
    for (const r of runs) {
      const slotKey = `{${prefix}:${partitionOf(r.executionId, 16)}}:x`;
      const node = connection.slots[clusterKeySlot(slotKey)]?.[0];
      if (node) masters.add(node);
    }
    expect(masters.size).toBeGreaterThan(1);
  }, 60_000);

  it("retries, failures, cancel and stable error codes work on the cluster", async () => {
    const client = createClient({ connection, prefix });
    const retry = await client.start(
      testIr([
        {
          id: "f",
          type: "test.flaky",
          inputs: { failTimes: 1 },
          policies: { retry: { maxAttempts: 2, strategy: "fixed", baseDelayMs: 10 } },
        },
      ]),
      {},
    );
    await retry.result({ timeoutMs: 10_000 });
    expect((await retry.status()).steps.f!.attempt).toBe(2);
    const failing = await client.start(testIr([{ id: "x", type: "test.fatal" }]), {});
    expect(await codeOf(failing.result({ timeoutMs: 10_000 }))).toBe("STEP_FAILED");
    expect(await codeOf(client.status("missing"))).toBe("EXECUTION_NOT_FOUND");
    expect(await codeOf(client.cancel("missing"))).toBe("EXECUTION_NOT_FOUND");
    expect(await codeOf(client.cancel(failing.executionId))).toBe("WRONG_STATE");
    const bad = { ...testIr([{ id: "a" }]), input: { type: "object", required: ["q"] } };
    expect(await codeOf(client.start(bad, {}))).toBe("INPUT_INVALID");
  }, 60_000);
});

/** CRC16/XMODEM key slot, honouring hash tags (as Redis Cluster computes it). */
function clusterKeySlot(key: string): number {
  const open = key.indexOf("{");
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(key)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
