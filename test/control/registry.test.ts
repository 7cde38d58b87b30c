/**
 * Instance registry, admission and recovery on a real Redis: register/heartbeat/list/drain/
 * unregister/reactivate, stale instances' claims requeued, expired claims reclaimed (SEED 18.14),
 * scale-out runs queued and published, two dispatchers never start a run twice.
 */
import { describe, expect, it } from "vitest";
import { controlKeys } from "../../packages/runtime/src/control/keys.js";
import { claimRunsScript } from "../../packages/runtime/src/control/scripts.js";
import { openHotStore } from "../../packages/runtime/src/hot/connection.js";
import { codeOf, type Deployment, echoIr, redisDeployments, runReaches, until } from "./helpers.js";

const { setup, redis } = redisDeployments();

/** Claims queued runs as `instanceId` without starting them (a dispatcher that then dies). */
async function claimAndDie(d: Deployment, instanceId: string, claimTtlMs: number) {
  const store = openHotStore(redis().connection);
  try {
    return await claimRunsScript(store, controlKeys(d.prefix), {
      instanceId,
      claimTtlMs,
      max: 10,
      scanLimit: 100,
    });
  } finally {
    await store.close();
  }
}

describe("instance registry", () => {
  it("registers, heartbeats, lists by id, drains, unregisters and reactivates", async () => {
    const { control } = setup();
    const reg = control.instances;
    const b = await reg.register({ instanceId: "b:1:x", runSlots: 3, workerSlots: 12 });
    expect(b).toMatchObject({
      status: "ready",
      runSlots: 3,
      availableRunSlots: 3,
      canAcceptRun: true,
    });
    await reg.register({ instanceId: "a:1:x", metadata: { pod: "a-0" } });
    expect(await reg.heartbeat("a:1:x", { inFlightSteps: 7 })).toBe("ready");
    expect((await reg.get("a:1:x"))?.inFlightSteps).toBe(7);
    expect((await reg.get("a:1:x"))?.metadata).toEqual({ pod: "a-0" });
    expect(await reg.heartbeat("nobody")).toBeUndefined();
    expect(await reg.get("nobody")).toBeUndefined();
    expect((await reg.list()).map((i) => i.instanceId)).toEqual(["a:1:x", "b:1:x"]);
    expect((await reg.drain("b:1:x")).status).toBe("draining");
    expect((await reg.get("b:1:x"))?.canAcceptRun).toBe(false);
    expect((await reg.unregister("b:1:x")).status).toBe("stopped");
    expect(await reg.heartbeat("b:1:x")).toBeUndefined(); // stopped: must register again
    expect((await reg.list()).map((i) => i.instanceId)).toEqual(["a:1:x"]);
    expect((await reg.list({ includeStopped: true })).length).toBe(2);
    expect((await reg.register({ instanceId: "b:1:x", runSlots: 3 })).status).toBe("ready");
    expect(await codeOf(reg.drain("nobody"))).toBe("INSTANCE_NOT_FOUND");
    const types = (await control.queue.events({ count: 100 })).map((e) => e.type);
    expect(types).toContain("instance.reactivated");
  });

  it("marks a silent instance stale, requeues its claimed runs, and revives it on heartbeat", async () => {
    const d = setup();
    const { control } = d;
    await control.instances.register({ instanceId: "dead:1:x", runSlots: 2 });
    const { runId } = await control.queue.enqueue({ pipeline: echoIr, input: { text: "s" } });
    const claimed = await claimAndDie(d, "dead:1:x", 60_000);
    expect(claimed.runs.map((r) => r.runId)).toEqual([runId]);
    expect((await control.instances.get("dead:1:x"))?.claimedRuns).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(await control.instances.sweep(10_000)).toEqual([]); // heartbeat still fresh enough
    expect(await control.instances.sweep(20)).toEqual(["dead:1:x"]);
    const inst = await control.instances.get("dead:1:x");
    expect(inst).toMatchObject({ status: "stale", claimedRuns: 0, canAcceptRun: false });
    expect((await control.queue.get(runId))?.status).toBe("queued");
    expect(await control.instances.heartbeat("dead:1:x")).toBe("ready");
    const types = (await control.queue.events({ count: 100 })).map(
      (e) => `${e.type}:${e.reason ?? ""}`,
    );
    expect(types).toContain("run.requeued:instance stale");
    expect(types).toContain("instance.recovered:heartbeat resumed");
  });

  it("reclaims an expired claim and the run completes exactly once elsewhere", async () => {
    const d = setup();
    const { control } = d;
    await control.instances.register({ instanceId: "crashy:1:x", runSlots: 1 });
    const { runId, executionId } = await control.queue.enqueue({
      pipeline: echoIr,
      input: { text: "r" },
    });
    expect((await claimAndDie(d, "crashy:1:x", 50)).runs).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 80));
    d.startWorker();
    const instance = await control.startInstance({ runSlots: 1, idleWaitMs: 50 });
    const done = await runReaches(control, runId, "completed");
    expect(done).toMatchObject({ claims: 2, instanceId: instance.instanceId });
    expect(await control.executions.result(executionId)).toEqual({ value: "r" });
    const events = (await control.queue.events({ count: 100 })).filter((e) => e.runId === runId);
    expect(events.map((e) => e.type)).toEqual([
      "run.queued",
      "run.claimed",
      "run.requeued",
      "run.claimed",
      "run.started",
      "run.completed",
    ]);
    expect(events[2]?.reason).toBe("claim expired");
    await instance.close();
  });

  it("never starts a run twice with two dispatchers and counts run slots", async () => {
    const d = setup();
    const { control } = d;
    d.startWorker();
    const one = await control.startInstance({ runSlots: 3, idleWaitMs: 50 });
    const two = await control.startInstance({ runSlots: 3, idleWaitMs: 50 });
    const runs = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        control.submit({ pipeline: echoIr, input: { text: `n${i}` } }),
      ),
    );
    for (const r of runs) await runReaches(control, r.runId, "completed");
    const started = (await control.queue.events({ count: 5000 })).filter(
      (e) => e.type === "run.started",
    );
    expect(started).toHaveLength(30);
    expect(new Set(started.map((e) => e.runId)).size).toBe(30);
    expect(one.dispatcherStats.started + two.dispatcherStats.started).toBe(30);
    for (const id of [one.instanceId, two.instanceId]) {
      expect(await control.instances.get(id)).toMatchObject({ runningRuns: 0, claimedRuns: 0 });
    }
    await one.close();
    await two.close();
    expect((await control.instances.get(one.instanceId))?.status).toBe("stopped");
  });
});

describe("many runs on several instances", () => {
  it("completes 200 submissions on three instances, each started exactly once", async () => {
    const d = setup();
    const { control } = d;
    d.startWorker();
    d.startWorker();
    const instances = await Promise.all(
      [3, 4, 5].map((runSlots) => control.startInstance({ runSlots, idleWaitMs: 50 })),
    );
    const runs = [];
    for (let i = 0; i < 200; i++) {
      runs.push(
        await control.submit({ pipeline: echoIr, input: { text: `m${i}` }, priority: i % 3 }),
      );
    }
    await until(
      async () => {
        const s = await control.queue.stats();
        return s.queued + s.claimed + s.running === 0 ? s : undefined;
      },
      "the queue to drain",
      60_000,
    );
    const done = await control.queue.list({ status: "completed", limit: 1000 });
    expect(done).toHaveLength(200);
    const started = (await control.queue.events({ count: 10_000 })).filter(
      (e) => e.type === "run.started",
    );
    expect(new Set(started.map((e) => e.runId)).size).toBe(200);
    expect(started).toHaveLength(200);
    const perInstance = instances.map((i) => i.dispatcherStats.started);
    expect(perInstance.reduce((a, b) => a + b, 0)).toBe(200);
    expect(perInstance.every((n) => n > 0)).toBe(true);
    for (const i of instances) await i.close();
  }, 90_000);
});

describe("admission through submit", () => {
  it("requests scale-out with no instance, queues the run and publishes the request", async () => {
    const d = setup({ admission: { maxInstances: 3 } });
    const { control } = d;
    const first = await control.submit({ pipeline: echoIr, input: { text: "w" } });
    expect(first.decision).toMatchObject({ kind: "scale-out", scaleOutTo: 1 });
    const run = await control.queue.get(first.runId);
    expect(run).toMatchObject({ status: "queued", admission: { kind: "scale-out" } });
    const requests = await control.scaleRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ runId: first.runId, desiredInstances: 1, queued: 1 });
    expect(await control.scaling()).toMatchObject({
      queued: 1,
      liveInstances: 0,
      desiredInstances: 1,
    });
    d.startWorker();
    const instance = await control.startInstance({ runSlots: 2, idleWaitMs: 50 });
    await runReaches(control, first.runId, "completed");
    const second = await control.submit({
      pipeline: echoIr,
      input: { text: "x" },
      instanceId: "nope",
    });
    expect(second.decision.kind).toBe("assign");
    expect(second.decision.instanceId).toBe(instance.instanceId);
    const third = await control.submit({
      pipeline: echoIr,
      input: {},
      instanceId: instance.instanceId,
    });
    expect(third.decision.kind).toBe("prefer");
    await runReaches(control, third.runId, "completed");
    await instance.close();
  });

  it("rejects when the queue is full and records nothing", async () => {
    const { control } = setup({ admission: { maxQueuedRuns: 1 } });
    await control.submit({ pipeline: echoIr, input: {} });
    const before = (await control.queue.stats()).total;
    expect(await codeOf(control.submit({ pipeline: echoIr, input: {} }))).toBe(
      "ADMISSION_REJECTED",
    );
    expect((await control.queue.stats()).total).toBe(before);
    await until(
      async () => ((await control.admit()).kind === "reject" ? true : undefined),
      "admit",
    );
  });
});
