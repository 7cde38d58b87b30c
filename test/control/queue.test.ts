/**
 * The run queue on a real Redis: RunId vs ExecutionId, duplicates, priority then FIFO, pause and
 * resume, cancel queued (never starts) and running (bridged to the execution), hot enqueue.
 */
import { describe, expect, it } from "vitest";
import { codeOf, echoIr, redisDeployments, runReaches, sleepIr, until } from "./helpers.js";

const { setup } = redisDeployments();

describe("run queue", () => {
  it("enqueues with a run id distinct from the execution id and rejects duplicates", async () => {
    const { control } = setup();
    const a = await control.queue.enqueue({ pipeline: echoIr, input: { text: "x" }, runId: "r1" });
    expect(a.runId).toBe("r1");
    expect(a.executionId).not.toBe(a.runId);
    const run = await control.queue.get("r1");
    expect(run).toMatchObject({ status: "queued", executionId: a.executionId, pipeline: "echo" });
    expect(run?.input).toEqual({ text: "x" });
    const dup = control.queue.enqueue({ pipeline: echoIr, input: { text: "y" }, runId: "r1" });
    expect(await codeOf(dup)).toBe("RUN_EXISTS");
    const same = control.queue.enqueue({
      pipeline: echoIr,
      input: {},
      runId: "r2",
      executionId: "r2",
    });
    expect(await codeOf(same)).toBe("USAGE");
    expect(await control.queue.get("nope")).toBeUndefined();
    expect((await control.queue.stats()).queued).toBe(1);
  });

  it("runs by priority, then FIFO, one at a time with one run slot", async () => {
    const d = setup();
    const { control } = d;
    await control.queue.pause("load the queue first");
    const order = [
      { runId: "low", priority: -5 },
      { runId: "mid1", priority: 0 },
      { runId: "high", priority: 10 },
      { runId: "mid2", priority: 0 },
    ];
    for (const o of order)
      await control.queue.enqueue({ pipeline: echoIr, input: { text: o.runId }, ...o });
    d.startWorker();
    const instance = await control.startInstance({ runSlots: 1, idleWaitMs: 50 });
    await new Promise((r) => setTimeout(r, 200));
    expect((await control.queue.stats()).queued).toBe(4); // paused: nothing claimed
    await control.queue.resume();
    for (const o of order) await runReaches(control, o.runId, "completed");
    const started = (await control.queue.events({ count: 1000 }))
      .filter((e) => e.type === "run.started")
      .map((e) => e.runId);
    expect(started).toEqual(["high", "mid1", "mid2", "low"]);
    expect(await control.executions.result((await control.queue.get("high"))!.executionId)).toEqual(
      {
        value: "high",
      },
    );
    await instance.close();
  });

  it("cancels a queued run: it never starts and no execution exists", async () => {
    const d = setup();
    const { control, client } = d;
    await control.queue.pause();
    const { runId, executionId } = await control.queue.enqueue({
      pipeline: echoIr,
      input: { text: "c" },
    });
    const cancelled = await control.queue.cancel(runId, "not needed", "ops@example");
    expect(cancelled).toMatchObject({
      status: "cancelled",
      reason: "not needed",
      cancelRequested: true,
    });
    d.startWorker();
    const instance = await control.startInstance({ runSlots: 2, idleWaitMs: 50 });
    await control.queue.resume();
    const after = await control.queue.enqueue({ pipeline: echoIr, input: { text: "later" } });
    await runReaches(control, after.runId, "completed");
    expect(await codeOf(client.status(executionId))).toBe("EXECUTION_NOT_FOUND");
    const event = (await control.queue.events()).find((e) => e.type === "run.cancelled");
    expect(event).toMatchObject({ runId, reason: "not needed", data: "ops@example" });
    expect((await control.queue.get(runId))?.status).toBe("cancelled");
    expect((await control.queue.cancel(runId)).status).toBe("cancelled"); // terminal: unchanged
    expect(await codeOf(control.queue.cancel("missing"))).toBe("RUN_NOT_FOUND");
    await instance.close();
  });

  it("cancels a running run through its execution and accepts enqueue while running", async () => {
    const d = setup();
    const { control } = d;
    d.startWorker();
    const instance = await control.startInstance({ runSlots: 2, idleWaitMs: 50 });
    const { runId, executionId } = await control.queue.enqueue({
      pipeline: sleepIr,
      input: { ms: 20_000 },
    });
    await runReaches(control, runId, "running");
    const hot = await control.queue.enqueue({ pipeline: echoIr, input: { text: "hot" } });
    await runReaches(control, hot.runId, "completed");
    const during = await control.queue.cancel(runId, "stop it");
    expect(during.cancelRequested).toBe(true);
    const ended = await runReaches(control, runId, "cancelled");
    expect(ended.reason).toBe("execution cancelled");
    expect((await control.executions.status(executionId)).status).toBe("cancelled");
    const types = (await control.queue.events({ count: 1000 }))
      .filter((e) => e.runId === runId)
      .map((e) => e.type);
    expect(types).toEqual([
      "run.queued",
      "run.claimed",
      "run.started",
      "run.cancel_requested",
      "run.cancelled",
    ]);
    await instance.close();
  });

  it("fails a run whose input does not match at enqueue, and lists with filters", async () => {
    const { control } = setup();
    const strict = { ...echoIr, name: "strict", input: { type: "object", required: ["text"] } };
    expect(await codeOf(control.queue.enqueue({ pipeline: strict, input: {} }))).toBe(
      "INPUT_INVALID",
    );
    await control.queue.enqueue({ pipeline: echoIr, input: {}, tenant: "t1", runId: "a1" });
    await control.queue.enqueue({ pipeline: echoIr, input: {}, tenant: "t2", runId: "a2" });
    await control.queue.enqueue({ pipeline: echoIr, input: {}, tenant: "t1", runId: "a3" });
    await control.queue.cancel("a3");
    const t1 = await control.queue.list({ tenant: "t1" });
    expect(t1.map((r) => r.runId)).toEqual(["a1", "a3"]);
    expect((await control.queue.list({ status: "queued" })).map((r) => r.runId)).toEqual([
      "a1",
      "a2",
    ]);
    const page = await control.queue.page({ limit: 1 });
    expect(page.runs.map((r) => r.runId)).toEqual(["a1"]);
    const rest = await control.queue.page({ cursor: page.next! });
    expect(rest.runs.map((r) => r.runId)).toEqual(["a2", "a3"]);
    expect(rest.next).toBeUndefined();
    const waiting = await control.queue.page({ status: "queued", limit: 1 });
    expect(waiting.runs.map((r) => r.runId)).toEqual(["a1"]);
    expect(
      (await control.queue.page({ status: "queued", cursor: waiting.next! })).runs[0]?.runId,
    ).toBe("a2");
    await until(
      async () => ((await control.queue.stats()).queued === 2 ? true : undefined),
      "stats",
    );
  });

  it("purges terminal runs past an age and keeps the rest", async () => {
    const { control } = setup();
    await control.queue.pause();
    for (const runId of ["p1", "p2", "p3"]) {
      await control.queue.enqueue({ pipeline: echoIr, input: {}, runId });
    }
    await control.queue.cancel("p1");
    await control.queue.cancel("p3");
    expect(await control.queue.purge({ olderThanMs: 60_000 })).toBe(0); // too recent
    expect(await control.queue.purge({ olderThanMs: 0, max: 1 })).toBe(1);
    expect(await control.queue.get("p1")).toBeUndefined();
    expect((await control.queue.get("p3"))?.status).toBe("cancelled");
    expect(await control.queue.purge({ olderThanMs: 0 })).toBe(1);
    expect((await control.queue.list()).map((r) => r.runId)).toEqual(["p2"]);
    expect((await control.queue.stats()).total).toBe(1);
    // The purged run id is free again.
    await control.queue.enqueue({ pipeline: echoIr, input: {}, runId: "p1" });
    expect((await control.queue.get("p1"))?.status).toBe("queued");
  });
});
