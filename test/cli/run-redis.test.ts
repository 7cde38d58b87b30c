/**
 * `ordo run`, `ordo status` and the worker loop on a real Redis: `--workers 0` with an external
 * worker, cancellation (exit 3), status reads. Each test uses its own key prefix.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { memoryIO } from "@ordo/cli";
import { createClient, createWorker } from "@ordo/runtime";
import { type RedisHandle, startRedis, uniquePrefix } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { plugins } from "../../examples/quickstart/src/plugins.js";
import { serveWorker } from "../../packages/cli/src/run/serve-worker.js";
import { ordo, scratchDir } from "./helpers.js";

const PIPELINE = "examples/quickstart/src/pipeline.ts";
const PLUGINS = "examples/quickstart/src/plugins.ts";
const INPUT = "examples/quickstart/input.json";

let redis: RedisHandle;
let url: string;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

/** Three 300 ms steps in a chain: slow enough to cancel in the middle. */
const SLOW_PIPELINE = `
import { setTimeout as sleep } from "node:timers/promises";
import { defineStep, pipeline, use } from "@ordo/sdk";
import { z } from "zod";
export const nap = defineStep({
  type: "test.nap", version: "1.0.0",
  input: z.object({ n: z.number() }), output: z.object({ n: z.number() }),
  async run({ n }) { await sleep(300); return { n: n + 1 }; },
});
export default pipeline({ name: "slow", version: "1.0.0", input: z.object({}) })
  .step("one", use(nap, () => ({ n: 0 })))
  .step("two", use(nap, ($) => ({ n: $.steps.one.output.n })))
  .step("three", use(nap, ($) => ({ n: $.steps.two.output.n })));
`;

beforeAll(async () => {
  redis = await startRedis();
  url = redis.url ?? redis.path!;
  scratch = await scratchDir("run-redis");
  await writeFile(join(scratch.dir, "slow.pipeline.ts"), SLOW_PIPELINE);
});
afterAll(async () => {
  await scratch?.remove();
  await redis?.stop();
});

describe("ordo run on Redis", () => {
  test("--workers 0 only submits; an external worker runs every step", async () => {
    const prefix = uniquePrefix("cli-run");
    const worker = createWorker({ connection: url, prefix, plugins, workerId: "external-1" });
    try {
      const result = await ordo([
        "run",
        PIPELINE,
        "--input-file",
        INPUT,
        "--redis",
        url,
        "--prefix",
        prefix,
        "--workers",
        "0",
        "--json",
      ]);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.out);
      expect(report.status).toBe("completed");
      expect(report.output).toMatchObject({ citations: ["kb-101"], audited: true });
      // Every claim in the progress names the external worker: nothing ran in-process.
      const claims = [...result.err.matchAll(/^\[CLAIMED\] +\S+ +(\S+)/gm)].map((m) => m[1]);
      expect(claims.length).toBe(9);
      expect(new Set(claims)).toEqual(new Set(["external-1"]));
      expect(worker.stats.completed).toBe(8);

      const status = await ordo([
        "status",
        report.executionId,
        "--redis",
        url,
        "--prefix",
        prefix,
        "--json",
      ]);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.out)).toEqual(report);
      const text = await ordo(["status", report.executionId, "--redis", url, "--prefix", prefix]);
      expect(text.out).toMatch(/^ {2}moderate +completed +attempt 2$/m);
      expect(text.out).toMatch(/^status +completed/m);
    } finally {
      await worker.close();
    }
  });

  test("in-process workers on Redis, and the embedded and Redis fingerprints agree", async () => {
    const prefix = uniquePrefix("cli-run");
    const args = ["run", PIPELINE, "--plugins", PLUGINS, "--input-file", INPUT, "--json", "-q"];
    const onRedis = await ordo([...args, "--redis", url, "--prefix", prefix, "--workers", "3"]);
    const embedded = await ordo(args);
    expect(onRedis.code).toBe(0);
    expect(JSON.parse(onRedis.out).fingerprint).toBe(JSON.parse(embedded.out).fingerprint);
  });

  test("a cancelled execution exits 3", async () => {
    const prefix = uniquePrefix("cli-cancel");
    const executionId = `cancel-${Date.now()}`;
    const client = createClient({ connection: url, prefix });
    try {
      const running = ordo([
        "run",
        join(scratch.dir, "slow.pipeline.ts"),
        "--redis",
        url,
        "--prefix",
        prefix,
        "--execution-id",
        executionId,
        "--workers",
        "1",
      ]);
      await until(async () => {
        const state = await client.status(executionId).catch(() => undefined);
        return state?.steps.one?.status === "running";
      });
      await client.cancel(executionId, "test cancels");
      const result = await running;
      expect(result.code).toBe(3);
      expect(result.out).toMatch(/^\[CANCEL\] +requested: test cancels$/m);
      expect(result.out).toMatch(/^status +cancelled/m);
      expect((await client.status(executionId)).steps.three?.status).not.toBe("completed");

      const status = await ordo(["status", executionId, "--redis", url, "--prefix", prefix]);
      expect(status.code).toBe(3);
    } finally {
      await client.close();
    }
  });

  test("status of an unknown execution: EXECUTION_NOT_FOUND, exit 1; without --redis: exit 2", async () => {
    const missing = await ordo(["status", "nope", "--redis", url, "--prefix", uniquePrefix("cli")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error EXECUTION_NOT_FOUND/);
    expect((await ordo(["status", "nope"])).code).toBe(2);
  });
});

describe("the worker loop of ordo worker", () => {
  test("serves until stopped, then closes gracefully after finishing its steps", async () => {
    const prefix = uniquePrefix("cli-worker");
    const io = memoryIO();
    const stop = new AbortController();
    const serving = serveWorker(
      io,
      { redis: url, prefix, plugins, concurrency: 2, workerId: "w-test" },
      stop.signal,
    );
    const result = await ordo([
      "run",
      PIPELINE,
      "--input-file",
      INPUT,
      "--redis",
      url,
      "--prefix",
      prefix,
      "--workers",
      "0",
      "-q",
    ]);
    expect(result.code).toBe(0);
    stop.abort("SIGTERM");
    const worker = await serving;
    expect(worker.stats).toMatchObject({ completed: 8, failed: 1 });
    expect(io.out()).toMatch(
      /^worker w-test ready on .*: concurrency 2, 8 plugin\(s\): quickstart\.ingest@1\.0\.0/m,
    );
    expect(io.out()).toMatch(/^SIGTERM: closing worker w-test/m);
    expect(io.out()).toMatch(/^worker w-test closed: claimed 9, completed 8, failed 1$/m);
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
