/**
 * Script-level tests: each Lua transition against a real redis-server, through the typed wrappers.
 */
import { isOrdoError } from "@ordo/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareDefinition } from "../../packages/runtime/src/engine/definition.js";
import { decodeLedgerEntry } from "../../packages/runtime/src/engine/ledger.js";
import {
  fingerprintOf,
  fingerprintOfFacts,
  readExecution,
} from "../../packages/runtime/src/engine/state.js";
import type { HotStore } from "../../packages/runtime/src/hot/hot-store.js";
import { Keyspace } from "../../packages/runtime/src/hot/keys.js";
import { RedisHotStore } from "../../packages/runtime/src/hot/redis-store.js";
import {
  type ClaimedStep,
  cancelExecution,
  claimSteps,
  completeStep,
  createExecution,
  failStep,
  heartbeatStep,
  recoverLeases,
} from "../../packages/runtime/src/hot/scripts.js";
import { type TestStep, testIr } from "./helpers/ir.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";

let redis: TestRedis;
let store: RedisHotStore;
const extra: HotStore[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  store = RedisHotStore.connect(redis.connection);
});
afterAll(async () => {
  await Promise.all(extra.map((s) => s.close()));
  await store.close();
  await redis.stop();
});

let counter = 0;
/** One partition (P = 1) so every claim sees the execution; a fresh prefix per call. */
async function setup(steps: readonly TestStep[], policies?: Parameters<typeof testIr>[1]) {
  const ks = new Keyspace(uniquePrefix("scripts"), 1);
  const keys = ks.part(0);
  const def = prepareDefinition(testIr(steps, policies));
  const executionId = `e${++counter}`;
  await createExecution(store, keys, {
    executionId,
    fingerprint: def.fingerprint,
    inputJson: '{"q":1}',
    pipelineName: "t",
    definition: { irJson: def.irJson, rows: def.rows },
  });
  const claim = (max = 10, leaseMs = 30_000, s: HotStore = store) =>
    claimSteps(s, keys, { workerId: "w", max, defaultLeaseMs: leaseMs });
  const complete = (c: ClaimedStep, output: unknown = { ok: c.stepId }, claimNext = 0) =>
    completeStep(store, keys, {
      executionId: c.executionId,
      stepId: c.stepId,
      token: c.token,
      outputJson: JSON.stringify(output),
      workerId: "w",
      claimNext,
      leaseMs: 30_000,
    });
  const fail = (c: ClaimedStep, decision: "retry" | "fail", delayMs = 0) =>
    failStep(store, keys, {
      executionId: c.executionId,
      stepId: c.stepId,
      token: c.token,
      decision,
      delayMs,
      errorJson: '{"code":"STEP_FAILED"}',
      errorCode: "STEP_FAILED",
      workerId: "w",
      claimNext: 0,
      leaseMs: 30_000,
    });
  const snapshot = async () => (await readExecution(store, keys, executionId, def))!;
  const events = async () => {
    const raw = await store.xrange(keys.byName.log, "-", "+", 100_000);
    return raw
      .map(([id, f]) => decodeLedgerEntry(id, f))
      .filter((e) => e.executionId === executionId);
  };
  return { keys, def, executionId, claim, complete, fail, snapshot, events };
}

async function expectCode(promise: Promise<unknown>, code: string) {
  try {
    await promise;
  } catch (error) {
    expect(isOrdoError(error) && error.code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe("createExecution + claimSteps", () => {
  it("makes only roots ready and hands input and dependency outputs to the claimer", async () => {
    const t = await setup([{ id: "a" }, { id: "b" }, { id: "c", deps: ["a", "b"] }]);
    const first = await t.claim();
    expect(first.map((c) => c.stepId).sort()).toEqual(["a", "b"]);
    expect(first[0]!.inputJson).toBe('{"q":1}');
    expect(first[0]!.attempt).toBe(1);
    const [a, b] = first;
    const r1 = await t.complete(a!, { v: "A" }, 1);
    expect(r1.next).toEqual([]); // c still waits for b
    const r2 = await t.complete(b!, { v: "B" }, 1);
    expect(r2.next.map((c) => c.stepId)).toEqual(["c"]);
    expect(r2.next[0]!.depOutputs).toEqual({ a: '{"v":"A"}', b: '{"v":"B"}' });
    const r3 = await t.complete(r2.next[0]!);
    expect(r3.finalStatus).toBe("completed");
    // The finalizing call returns the facts; they give the same fingerprint as a full read.
    expect(r3.facts?.steps.map((s) => s.status)).toEqual(["completed", "completed", "completed"]);
    expect(fingerprintOfFacts(t.def.fingerprint, r3.facts!)).toBe(
      fingerprintOf(await t.snapshot()),
    );
    const events = await t.events();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === "execution.completed")).toHaveLength(1);
  });

  it("keeps no more wake tokens than ready steps", async () => {
    const t = await setup([{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d", deps: ["a"] }]);
    const raw = (store as RedisHotStore).client;
    expect(await raw.llen(t.keys.byName.wake)).toBe(3); // one per root
    const [a] = await t.claim(1);
    expect(await raw.llen(t.keys.byName.wake)).toBe(2);
    await t.claim(2);
    expect(await raw.llen(t.keys.byName.wake)).toBe(0);
    // completing a makes d ready; the completer takes it itself, so nobody is woken
    const r = await t.complete(a!, {}, 1);
    expect(r.next.map((c) => c.stepId)).toEqual(["d"]);
    expect(await raw.llen(t.keys.byName.wake)).toBe(0);
  });

  it("gives a ready step to exactly one of many concurrent claimers", async () => {
    const t = await setup([{ id: "only" }]);
    const stores = Array.from({ length: 8 }, () => store.duplicate());
    extra.push(...stores);
    const results = await Promise.all(stores.map((s) => t.claim(1, 30_000, s)));
    expect(results.flat()).toHaveLength(1);
  });

  it("rejects an unknown execution with EXECUTION_NOT_FOUND and a bad token with STALE_TOKEN", async () => {
    const t = await setup([{ id: "a" }]);
    const [a] = await t.claim();
    await expectCode(t.complete({ ...a!, executionId: "nope" }), "EXECUTION_NOT_FOUND");
    await expectCode(t.complete({ ...a!, stepId: "zzz" }), "STEP_NOT_FOUND");
    await expectCode(t.complete({ ...a!, token: "999" }), "STALE_TOKEN");
    const rejected = (await t.events()).filter((e) => e.type === "step.stale_rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.claimToken).toBe("999");
    // the real owner still completes
    expect((await t.complete(a!)).finalStatus).toBe("completed");
    await expectCode(t.complete(a!), "STALE_TOKEN"); // twice: the second is stale
  });

  it("refuses a second execution with the same id", async () => {
    const t = await setup([{ id: "a" }]);
    await expectCode(
      createExecution(store, t.keys, {
        executionId: t.executionId,
        fingerprint: t.def.fingerprint,
        inputJson: "{}",
        pipelineName: "t",
      }),
      "EXECUTION_EXISTS",
    );
  });
});

describe("leases and recovery", () => {
  it("recovers an expired lease: recoveries+1, attempt untouched, old token rejected", async () => {
    const t = await setup([{ id: "a" }]);
    const [a] = await t.claim(1, 150);
    await new Promise((r) => setTimeout(r, 250));
    expect(await recoverLeases(store, t.keys, { limit: 10 })).toMatchObject({ recovered: 1 });
    const [again] = await t.claim(1);
    expect(again!.stepId).toBe("a");
    expect(again!.recoveries).toBe(1);
    expect(again!.attempt).toBe(1);
    expect(Number(again!.token)).toBeGreaterThan(Number(a!.token));
    await expectCode(t.complete(a!), "STALE_TOKEN");
    await t.complete(again!);
    const snap = await t.snapshot();
    expect(snap.status).toBe("completed");
    expect(snap.steps.get("a")).toMatchObject({ attempt: 1, recoveries: 1 });
  });

  it("heartbeat extends the lease so the step is not recovered", async () => {
    const t = await setup([{ id: "a" }]);
    const [a] = await t.claim(1, 200);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await heartbeatStep(store, t.keys, { ...a!, leaseMs: 200 });
    }
    expect(await recoverLeases(store, t.keys, { limit: 10 })).toMatchObject({ recovered: 0 });
    expect((await t.complete(a!)).finalStatus).toBe("completed");
  });

  it("never yields two owners when recovery races many claimers", async () => {
    const t = await setup([{ id: "a" }]);
    await t.claim(1, 50);
    await new Promise((r) => setTimeout(r, 80));
    const stores = Array.from({ length: 6 }, () => store.duplicate());
    extra.push(...stores);
    const results = await Promise.all(stores.map((s) => t.claim(1, 30_000, s)));
    const winners = results.flat();
    expect(winners).toHaveLength(1);
    expect((await t.complete(winners[0]!)).finalStatus).toBe("completed");
  });
});

describe("retries", () => {
  it("schedules a retry into delayed, promotes it when due, then fails terminally", async () => {
    const t = await setup([{ id: "a" }]);
    const [a1] = await t.claim();
    const r = await t.fail(a1!, "retry", 100);
    expect(r).toMatchObject({ outcome: "retry", attempt: 2 });
    expect(await t.claim()).toEqual([]); // not due yet
    await new Promise((res) => setTimeout(res, 150));
    const [a2] = await t.claim();
    expect(a2).toMatchObject({ stepId: "a", attempt: 2, recoveries: 0 });
    const r2 = await t.fail(a2!, "fail");
    expect(r2).toMatchObject({ outcome: "failed", finalStatus: "failed" });
    const types = (await t.events()).map((e) => e.type);
    expect(types).toContain("step.retry_scheduled");
    expect(types.filter((x) => x === "execution.failed")).toHaveLength(1);
  });
});

describe("trigger rules", () => {
  async function failRootAndDrain(steps: TestStep[], failIds: string[]) {
    const t = await setup(steps);
    for (let guard = 0; guard < 50; guard++) {
      const claimed = await t.claim();
      if (claimed.length === 0) break;
      for (const c of claimed) {
        if (failIds.includes(c.stepId)) await t.fail(c, "fail");
        else await t.complete(c);
      }
    }
    return t.snapshot();
  }

  it("all_success skips at once on a failed dependency and cascades", async () => {
    const snap = await failRootAndDrain(
      [{ id: "a" }, { id: "b", deps: ["a"] }, { id: "c", deps: ["b"] }, { id: "d" }],
      ["a"],
    );
    expect(snap.steps.get("b")!.status).toBe("skipped");
    expect(snap.steps.get("c")!.status).toBe("skipped");
    expect(snap.steps.get("d")!.status).toBe("completed");
    expect(snap.status).toBe("failed");
  });

  it("any_success runs when one dependency succeeded and handles the failure", async () => {
    const snap = await failRootAndDrain(
      [
        { id: "primary" },
        { id: "fallback" },
        { id: "join", deps: ["fallback", "primary"], trigger: "any_success" },
      ],
      ["primary"],
    );
    expect(snap.steps.get("join")!.status).toBe("completed");
    expect(snap.status).toBe("completed");
  });

  it("any_success is skipped when no dependency succeeded", async () => {
    const snap = await failRootAndDrain(
      [{ id: "x" }, { id: "y" }, { id: "join", deps: ["x", "y"], trigger: "any_success" }],
      ["x", "y"],
    );
    expect(snap.steps.get("join")!.status).toBe("skipped");
    expect(snap.status).toBe("failed");
  });

  it("all_done runs after all dependencies are terminal, failure still fails the run", async () => {
    const snap = await failRootAndDrain(
      [{ id: "work" }, { id: "cleanup", deps: ["work"], trigger: "all_done" }],
      ["work"],
    );
    expect(snap.steps.get("cleanup")!.status).toBe("completed");
    expect(snap.status).toBe("failed");
  });
});

describe("finalize and cancel", () => {
  it("finalizes exactly once when parallel completions race", async () => {
    const steps = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}` }));
    const t = await setup(steps);
    const claimed = await t.claim(20);
    const results = await Promise.all(claimed.map((c) => t.complete(c)));
    expect(results.filter((r) => r.finalStatus === "completed")).toHaveLength(1);
    expect((await t.events()).filter((e) => e.type.startsWith("execution.completed"))).toHaveLength(
      1,
    );
  });

  it("cancel stops pending work at once and finalizes after the running step reports", async () => {
    const t = await setup([{ id: "a" }, { id: "b", deps: ["a"] }, { id: "c" }]);
    const [first] = await t.claim(1);
    const cancel = await cancelExecution(store, t.keys, {
      executionId: t.executionId,
      reason: "user",
    });
    expect(cancel).toEqual({ finalStatus: undefined, running: 1 });
    expect(await t.claim()).toEqual([]);
    const hb = await heartbeatStep(store, t.keys, { ...first!, leaseMs: 1000 });
    expect(hb.cancelled).toBe(true);
    const done = await t.complete(first!);
    expect(done.finalStatus).toBe("cancelled");
    await expectCode(
      cancelExecution(store, t.keys, { executionId: t.executionId, reason: "again" }),
      "WRONG_STATE",
    );
  });
});
