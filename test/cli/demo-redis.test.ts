/**
 * `ordo demo --redis URL --workers 3` as a real child process: three worker *processes* share
 * the work on a real redis-server (each test its own key prefix), the openai limit holds, the
 * execution converges, and (chaos-100) SIGKILLed worker processes are recovered from.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { isOrdoError } from "@ordo/core";
import { createClient } from "@ordo/runtime";
import { type RedisHandle, startRedis, uniquePrefix } from "@ordo/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ROOT, scratchDir } from "./helpers.js";

const execFileAsync = promisify(execFile);
const NODE_ARGS = ["--conditions=@ordo/source", "--import", "tsx", "packages/cli/src/bin.ts"];

let redis: RedisHandle;
let url: string;
beforeAll(async () => {
  redis = await startRedis();
  url = redis.url ?? redis.path!;
});
afterAll(() => redis?.stop());

/** Runs the demo; resolves with exit code and output (stdin is not a terminal: no keys). */
async function demo(scenario: string, prefix: string, extra: readonly string[] = []) {
  const argv = [...NODE_ARGS, "demo", scenario, "--redis", url, "--prefix", prefix, ...extra];
  try {
    const { stdout } = await execFileAsync(process.execPath, [...argv, "--workers", "3"], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ""}\n${e.stderr ?? ""}` };
  }
}

/** Worker processes the demo started (`[WORKER] demo-N ready: process <pid>, id <id>`). */
function workerProcesses(out: string): { pid: number; id: string }[] {
  return [...out.matchAll(/^\[WORKER\] +demo-\d ready: process (\d+), id (\S+)$/gm)].map((m) => ({
    pid: Number(m[1]),
    id: m[2]!,
  }));
}

/** `workers  <id>: <n>, ...` of the report, by worker id. */
function completedBy(out: string): Map<string, number> {
  const line = /^workers +(.*) \(steps completed\)$/m.exec(out)?.[1] ?? "";
  return new Map([...line.matchAll(/(\S+): (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

async function assertConverged(prefix: string, out: string, steps: number) {
  const executionId = /^execution +(\S+)/m.exec(out)?.[1];
  expect(executionId).toBeDefined();
  const client = createClient({ connection: url, prefix });
  try {
    const state = await client.status(executionId!);
    expect(state.status).toBe("completed");
    const statuses = Object.values(state.steps).map((s) => s.status);
    expect(statuses).toHaveLength(steps);
    expect(statuses.every((s) => s === "completed")).toBe(true);
  } finally {
    await client.close();
  }
}

describe("ordo demo on Redis with worker processes", () => {
  test("throttling-100: 3 processes, [THROTTLED] lines, openai never above 3, converges", async () => {
    const prefix = uniquePrefix("demo-thr");
    const { code, out } = await demo("throttling-100", prefix);
    expect(code, out).toBe(0);
    expect(out).toMatch(/^workers +3 worker processes/m);
    const procs = workerProcesses(out);
    expect(new Set(procs.map((p) => p.pid)).size).toBe(3);
    // Every completion came from one of the worker processes, and more than one did work.
    const byWorker = completedBy(out);
    expect([...byWorker.keys()].every((id) => procs.some((p) => p.id === id))).toBe(true);
    expect([...byWorker.values()].reduce((a, b) => a + b, 0)).toBe(100);
    expect(byWorker.size).toBeGreaterThan(1);

    expect(out).toMatch(/^\[THROTTLED\] +call-\d{3} .*provider:openai/m);
    const limit =
      /^throttling +provider:openai: limit (\d+), at most (\d+) at once, (\d+) throttled/m.exec(
        out,
      );
    expect(limit).not.toBeNull();
    expect(Number(limit![1])).toBe(3);
    expect(Number(limit![2])).toBeLessThanOrEqual(3);
    expect(Number(limit![3])).toBeGreaterThan(0);
    // Measured on the worker processes' own provider calls, not the ledger's upper bound.
    expect(out).toMatch(
      /^throttling +provider:openai: .* limit respected \(measured on provider calls\)$/m,
    );
    expect(out).toMatch(/^status +completed +\(100\/100 steps completed/m);
    await assertConverged(prefix, out, 100);
  }, 90_000);

  test("chaos-100: worker processes SIGKILLed mid-run, steps recovered, replay matches", async () => {
    const prefix = uniquePrefix("demo-chaos");
    const { code, out } = await demo("chaos-100", prefix);
    expect(code, out).toBe(0);
    const procs = workerProcesses(out);
    expect(new Set(procs.map((p) => p.pid)).size).toBe(3);
    const killed = [...out.matchAll(/^\[KILL\] +\S+ process (\d+) SIGKILLed/gm)].map((m) =>
      Number(m[1]),
    );
    expect(killed.length).toBe(2);
    expect(killed.every((pid) => procs.some((p) => p.pid === pid))).toBe(true);
    expect(out).toMatch(/^status +completed +\(100\/100 steps completed, 11 retries\)/m);
    expect(out).toMatch(/^replay +.*restored yes, fingerprint match yes$/m);
    expect(completedBy(out).size).toBeGreaterThan(1);
    await assertConverged(prefix, out, 100);
  }, 90_000);

  test("json: worker processes externalize to one SQLite store; evicted from Redis", async () => {
    const prefix = uniquePrefix("demo-json");
    const scratch = await scratchDir("demo-redis-json");
    try {
      const store = join(scratch.dir, "ordo.db");
      const { code, out } = await demo("json", prefix, ["--store", store, "--json"]);
      expect(code, out).toBe(0);
      const report = JSON.parse(out);
      expect(report.status).toBe("completed");
      expect(Object.keys(report.workers).every((id) => /:demo-\d$/.test(id))).toBe(true);
      expect(report.archive).toMatchObject({
        evicted: true,
        auditValid: true,
        fingerprintMatch: true,
      });
      expect(report.archive.payloads).toHaveLength(2);
      // Nothing of the execution is left in Redis: no key field mentions it.
      const client = createClient({ connection: url, prefix });
      const error = await client.status(report.executionId).catch((e: unknown) => e);
      await client.close();
      expect(isOrdoError(error) && error.code).toBe("EXECUTION_NOT_FOUND");
      const raw = new Redis(url);
      try {
        const keys = await raw.keys(`{${prefix}:*`);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) {
          if ((await raw.type(key)) !== "hash") continue;
          const fields = await raw.hkeys(key);
          expect(fields.filter((f) => f.startsWith(report.executionId))).toEqual([]);
        }
      } finally {
        raw.disconnect();
      }
      const replay = await execFileAsync(
        process.execPath,
        [...NODE_ARGS, "replay", report.executionId, "--store", store],
        { cwd: ROOT },
      );
      expect(replay.stdout).toMatch(/: valid \(enterprise-runtime-demo, completed\)/);
    } finally {
      await scratch.remove();
    }
  }, 90_000);
});
