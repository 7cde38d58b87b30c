/**
 * Hot state stays bounded on long runs: a 10,000-step execution whose steps each return ~2 KB,
 * with outputs externalized to an SQLite durable store, on real Redis. Once it completed and its
 * ledger was shipped (stream trimmed), we sum `MEMORY USAGE` of every key of the deployment's
 * prefix, by key kind.
 *
 * The bound: inline, the outputs alone take 10,000 x ~2.1 KB = ~21 MB. Externalized, an output
 * is a ~95-byte reference (~200 B with hash overhead); with the step's status, token and counter
 * fields the execution costs ~600 B per step, ~6 MB. We assert the execution's state is < 8 MB.
 * The pipeline definition (`def`, ~1.2 KB per step of the IR, stored once per pipeline version and
 * partition and shared by all its executions) does not grow with outputs and is reported apart.
 * A 1,000-step inline run measures what an inline output costs, so the test fails if
 * externalization stops happening.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineStep } from "@ordo/step";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createClient,
  createLedgerShipper,
  createWorker,
  type DurableStore,
  isExternalPayload,
  openSqliteStore,
} from "../../packages/runtime/src/index.js";
import { type TestStep, testIr } from "../runtime/helpers/ir.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "../runtime/helpers/redis.js";

const OUTPUT_CHARS = 2_000;

/** ~2 KB of text unique per step (content addressing would otherwise dedupe it). */
const blob = defineStep({
  type: "test.blob2k",
  version: "1.0.0",
  input: z.object({}).passthrough(),
  output: z.object({ text: z.string() }),
  async run(_input, ctx) {
    const seed = createHash("sha256").update(`${ctx.executionId}:${ctx.stepId}`).digest("hex");
    return { text: seed.repeat(Math.ceil(OUTPUT_CHARS / 64)).slice(0, OUTPUT_CHARS) };
  },
});

/** `n` steps: a root, then chains of 10 hanging off it (wide and deep at once). */
function bigIr(n: number) {
  const steps: TestStep[] = [{ id: "s0", type: "test.blob2k" }];
  for (let i = 1; i < n; i++) {
    const deps = i <= 1_000 ? ["s0"] : [`s${i - 1_000}`];
    steps.push({ id: `s${i}`, deps, type: "test.blob2k" });
  }
  return testIr(steps, { name: `hot-memory-${n}` });
}

/** `MEMORY USAGE` bytes of the prefix's keys, by key kind (`st`, `out`, `def`, `log`...). */
async function prefixBytes(redis: Redis, prefix: string): Promise<Record<string, number>> {
  const by: Record<string, number> = {};
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `{${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const bytes = Number(await redis.memory("USAGE", key, "SAMPLES", 0));
      const kind = key.slice(key.indexOf("}") + 2);
      by[kind] = (by[kind] ?? 0) + bytes;
    }
  } while (cursor !== "0");
  return by;
}

let redis: TestRedis;
let plain: Redis;
let store: DurableStore;
const dir = mkdtempSync(join(tmpdir(), "ordo-hot-memory-"));
beforeAll(async () => {
  redis = await startTestRedis();
  plain = redis.connect();
  store = await openSqliteStore({ path: join(dir, "ordo.db") });
});
afterAll(async () => {
  await store.close();
  plain.disconnect();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(n: number, inlineMaxBytes: number) {
  const prefix = uniquePrefix("hotmem");
  const durable = { store, inlineMaxBytes, ship: false };
  const worker = createWorker({
    connection: redis.connection,
    prefix,
    plugins: [blob],
    concurrency: 64,
    idleWaitMs: 20,
    durable,
  });
  const client = createClient({ connection: redis.connection, prefix });
  const started = Date.now();
  const handle = await client.start(bigIr(n), {});
  await handle.result({ timeoutMs: 50_000 });
  const ms = Date.now() - started;
  const state = await handle.status();
  await worker.close();
  // Ship the ledger and trim the stream at once, as a deployment's shipper does after keepMs.
  const shipper = createLedgerShipper({ connection: redis.connection, store, prefix, keepMs: 0 });
  await shipper.shipOnce();
  await shipper.close();
  const { def = 0, ...execution } = await prefixBytes(plain, prefix);
  const bytes = Object.values(execution).reduce((a, b) => a + b, 0);
  await client.close();
  return { bytes, def, out: execution.out ?? 0, ms, state, kinds: execution };
}

describe("hot memory of a long run", () => {
  it("keeps a 10,000-step execution with ~2 KB outputs under 8 MB of Redis memory", async () => {
    const inline = await run(1_000, 1_000_000);
    expect(inline.state.status).toBe("completed");
    expect(isExternalPayload(inline.state.steps.s5!.output)).toBe(false);

    const big = await run(10_000, 256);
    expect(big.state.status).toBe("completed");
    expect(Object.keys(big.state.steps)).toHaveLength(10_000);
    expect(isExternalPayload(big.state.steps.s9999!.output)).toBe(true);
    console.log(
      `hot memory: inline ${(inline.bytes / 1_000).toFixed(0)} B/step (1,000 steps, ${inline.ms} ms);` +
        ` externalized ${(big.bytes / 10_000).toFixed(0)} B/step, ${(big.bytes / 1e6).toFixed(2)} MB` +
        ` (10,000 steps, ${big.ms} ms; definition ${(big.def / 1e6).toFixed(2)} MB apart)`,
      JSON.stringify(big.kinds),
    );
    expect(big.bytes).toBeLessThan(8 * 1024 * 1024);
    // Per step, an inline output costs at least its size; a reference a tenth of it.
    expect(inline.out / 1_000).toBeGreaterThan(OUTPUT_CHARS);
    expect(big.out / 10_000).toBeLessThan(OUTPUT_CHARS / 8);
  }, 90_000);
});
