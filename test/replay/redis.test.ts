/**
 * The durable layer on a real redis-server (unique key prefix, SQLite store in a temp dir),
 * driven through the CLI: `ordo ledger verify --redis` ships first; retention evicts; `ordo
 * replay --restore` brings the execution back; `ordo rerun --from` forks it and the workers finish
 * the fork without re-running the reused step.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, memoryIO } from "@ordo/cli";
import { type RedisHandle, startRedis, uniquePrefix } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyRetention,
  type Client,
  createClient,
  createWorker,
  type DurableStore,
  openSqliteStore,
  type Worker,
} from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { echo } from "../runtime/helpers/plugins.js";

let redis: RedisHandle;
let target: string;
let dir: string;
let store: DurableStore;
let worker: Worker;
let client: Client;
const prefix = uniquePrefix("durable");
const partitions = 4;

beforeAll(async () => {
  redis = await startRedis();
  target = redis.url ?? redis.path!;
  dir = mkdtempSync(join(tmpdir(), "ordo-durable-redis-"));
  store = await openSqliteStore({ path: join(dir, "ordo.db") });
  worker = createWorker({
    connection: target,
    plugins: [echo],
    prefix,
    partitions,
    idleWaitMs: 20,
  });
  client = createClient({ connection: target, prefix, partitions });
});
afterAll(async () => {
  await worker.close();
  await client.close();
  await store.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ordo(argv: readonly string[]) {
  const io = memoryIO(dir);
  const hot = ["--redis", target, "--prefix", prefix, "--partitions", String(partitions)];
  const code = await main([...argv, "--store", "ordo.db", ...hot], io);
  return { code, out: io.out(), err: io.err() };
}

const ir = testIr(
  [
    { id: "a", inputs: { value: { $ref: "input.q" } } },
    { id: "b", deps: ["a"], inputs: { value: { $ref: "steps.a.output.value" } } },
  ],
  { name: "on-redis" },
);

describe("durable layer on Redis", () => {
  it("ships, evicts, restores and reruns through the CLI", async () => {
    const run = await client.start(ir, { q: "redis" }, { executionId: "r1" });
    await run.result({ timeoutMs: 10_000 });
    const verified = await ordo(["ledger", "verify", "r1"]);
    expect(verified.err).toBe("");
    expect(verified.out).toMatch(/^ledger r1: intact, \d+ events/);
    expect((await store.getSnapshot("r1"))?.status).toBe("completed");

    const retention = { default: { hot: "evict" as const } };
    const evicted = await applyRetention({
      connection: target,
      store,
      prefix,
      partitions,
      retention,
    });
    expect(evicted.evicted).toContain("r1");
    await expect(client.status("r1")).rejects.toMatchObject({ code: "EXECUTION_NOT_FOUND" });

    const restored = await ordo(["replay", "r1", "--restore"]);
    expect(restored.code).toBe(0);
    expect(restored.out).toContain("restored r1 into hot state");
    expect((await client.status("r1")).steps.b?.output).toEqual({ value: "redis" });

    const rerun = await ordo(["rerun", "r1", "--from", "b", "--id", "r1-fork"]);
    expect(rerun.code).toBe(0);
    expect(rerun.out).toMatch(/reused {2}a$/m);
    await client.handle("r1-fork").result({ timeoutMs: 10_000 });
    const fork = await client.status("r1-fork");
    expect(fork.status).toBe("completed");
    const replay = await ordo(["replay", "r1-fork"]);
    expect(replay.code).toBe(0);
    const events = await store.readEvents("r1-fork");
    const claimed = events.filter((e) => e.type === "step.claimed").map((e) => e.stepId);
    expect(claimed).toEqual(["b"]);
    expect((await ordo(["ledger", "verify", "r1"])).code).toBe(0);
  });
});
