/**
 * Chaos: SIGKILL random worker processes again and again during a 500-step run and restart them.
 * The run completes, no step is lost, no step has two accepted completions, and every step a
 * killed worker held is recovered within lease + 1 s of the kill.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type HotLedgerEvent } from "../../packages/runtime/src/index.js";
import { layeredIr } from "./helpers/ir.js";
import { killWorker, spawnWorker, stopWorker, type WorkerProcess } from "./helpers/processes.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";

const LEASE_MS = 1_000;
let redis: TestRedis;
let reader: Redis;
const prefix = uniquePrefix("chaos");
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  reader = redis.connect();
  workers.push(
    ...(await Promise.all(
      [0, 1, 2, 3].map((i) => spawnWorker(redis.arg, prefix, `c${i}g0`, 6, LEASE_MS)),
    )),
  );
});
afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis.stop();
});

describe("chaos", () => {
  it("survives repeated SIGKILLs with no lost or duplicated completions", async () => {
    const ir = layeredIr(500, 16, 2, "test.work", () => ({ ms: 60 }));
    const client = createClient({ connection: redis.connection, prefix });
    const run = await client.start(ir, {});
    const kills: { workerId: string; at: number }[] = [];
    let finished = false;
    const done = run.result({ timeoutMs: 90_000 }).finally(() => {
      finished = true;
    });
    let generation = 0;
    const restarts: Promise<void>[] = [];
    while (!finished) {
      await new Promise((r) => setTimeout(r, 300));
      if (finished) break;
      const alive = (w: WorkerProcess) => w.child.exitCode === null && w.child.signalCode === null;
      // Keep at least two workers alive: replacements boot slowly on a loaded CI machine, and the
      // recovery bound is about live workers noticing an expired lease.
      if (workers.filter(alive).length < 3) continue;
      const slot = Math.floor(Math.random() * workers.length);
      const victim = workers[slot]!;
      if (!alive(victim)) continue;
      await killWorker(victim);
      kills.push({ workerId: victim.id, at: Date.now() });
      generation++;
      const id = `c${slot}g${generation}`;
      // Restart in the background so kills keep coming while the new process boots.
      restarts.push(
        spawnWorker(redis.arg, prefix, id, 6, LEASE_MS).then((w) => {
          workers[slot] = w;
        }),
      );
    }
    await done;
    await Promise.all(restarts);
    expect(kills.length).toBeGreaterThanOrEqual(3);

    const state = await run.status();
    expect(Object.values(state.steps).every((s) => s.status === "completed")).toBe(true);
    const events: HotLedgerEvent[] = [];
    for await (const e of run.events()) events.push(e);

    // 0 duplicate accepted completions, 0 lost steps.
    const completions = events.filter((e) => e.type === "step.completed").map((e) => e.stepId);
    expect(completions).toHaveLength(500);
    expect(new Set(completions).size).toBe(500);
    const runs = await reader.lrange(`${prefix}:runs`, 0, -1);
    expect(new Set(runs.map((r) => r.split(":")[1])).size).toBe(500);

    // Every claim a killed worker never reported was recovered within lease + 1 s of the kill.
    const reported = new Set(
      events
        .filter((e) => e.type === "step.completed" || e.type === "step.retry_scheduled")
        .map((e) => `${e.stepId}#${e.claimToken}`),
    );
    const recoveredAt = new Map(
      events
        .filter((e) => e.type === "step.recovered")
        .map((e) => [`${e.stepId}#${e.claimToken}`, e.at]),
    );
    let orphans = 0;
    for (const kill of kills) {
      const claims = events.filter(
        (e) => e.type === "step.claimed" && e.workerId === kill.workerId,
      );
      for (const claim of claims) {
        const key = `${claim.stepId}#${claim.claimToken}`;
        if (reported.has(key)) continue;
        orphans++;
        const at = recoveredAt.get(key);
        expect(at, `orphan ${key} of ${kill.workerId} recovered`).toBeDefined();
        expect(at! - kill.at).toBeLessThanOrEqual(LEASE_MS + 1_000);
      }
    }
    expect(orphans).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === "step.recovered")).toHaveLength(orphans);
    await client.close();
  }, 120_000);
});
