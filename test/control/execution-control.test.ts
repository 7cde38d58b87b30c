/**
 * Execution control on real Redis with an in-process worker: pause (running steps finish, nothing
 * new starts, `pausing` then `paused`), resume, cancel (running steps' AbortSignal fires and the
 * execution reaches `cancelled` as soon as none runs), and wrong-state commands with codes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { codeOf, type RedisEngine, redisEngine, waitFor } from "./helpers.js";

let engine: RedisEngine;
let client: Client;

beforeAll(async () => {
  engine = await redisEngine("ctl-exec", { concurrency: 4, cancelCheckMs: 50 });
  client = engine.client;
});
afterAll(() => engine.close());

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

const chain = testIr([
  { id: "a", type: "test.sleep", inputs: { ms: 300 } },
  { id: "b", type: "test.sleep", deps: ["a"], inputs: { ms: 50 } },
  { id: "c", type: "test.sleep", deps: ["b"], inputs: { ms: 50 } },
]);

describe("pause and resume", () => {
  it("lets the running step finish, starts nothing new, then resumes to completion", async () => {
    const run = await client.start(chain, {});
    await waitFor(
      () => run.status(),
      (s) => s.steps.a?.status === "running",
    );
    const paused = await client.pause(run.executionId, {
      reason: "maintenance",
      requestedBy: "ops",
    });
    expect(paused).toMatchObject({ state: "pausing", running: 1, alreadyPaused: false });
    expect((await run.status()).control).toBe("pausing");
    const idle = await waitFor(
      () => run.status(),
      (s) => s.control === "paused",
    );
    expect(idle.steps.a?.status).toBe("completed");
    await wait(300);
    const still = await run.status();
    expect(still.status).toBe("running");
    expect(still.steps.b?.status).toBe("paused");
    expect(still.steps.c?.status).toBe("pending");
    expect((await client.pause(run.executionId)).alreadyPaused).toBe(true);

    expect(await client.resume(run.executionId, { requestedBy: "ops" })).toBe(1);
    await run.result({ timeoutMs: 5_000 });
    const done = await run.status();
    expect(done.status).toBe("completed");
    expect(done.control).toBeUndefined();
    const types: string[] = [];
    for await (const e of run.events()) types.push(e.type);
    expect(types).toContain("execution.pause_requested");
    // Recorded once, when the running step `a` ended after the pause request.
    expect(types.filter((t) => t === "execution.paused")).toHaveLength(1);
    expect(types.indexOf("execution.paused")).toBeGreaterThan(
      types.indexOf("execution.pause_requested"),
    );
    expect(types).toContain("execution.resumed");
    expect(types.indexOf("execution.resumed")).toBeLessThan(types.lastIndexOf("step.claimed"));
  });

  it("pausing an execution with nothing running is paused at once", async () => {
    const gate = testIr([
      { id: "a", type: "test.sleep", inputs: { ms: 10 } },
      { id: "b", type: "test.sleep", deps: ["a"], inputs: { ms: 10 } },
    ]);
    const run = await client.start(gate, {});
    await client.pause(run.executionId);
    const s = await waitFor(
      () => run.status(),
      (v) => v.control === "paused",
    );
    expect(s.steps.b?.status).not.toBe("completed");
    await client.resume(run.executionId);
    expect((await run.result({ timeoutMs: 5_000 })) === undefined).toBe(false);
  });
});

describe("cancel", () => {
  it("aborts running steps and reaches cancelled as soon as none runs", async () => {
    const wide = testIr([
      { id: "long1", type: "test.sleep", inputs: { ms: 20_000 } },
      { id: "long2", type: "test.sleep", inputs: { ms: 20_000 } },
      { id: "after", type: "test.sleep", deps: ["long1", "long2"], inputs: { ms: 10 } },
    ]);
    const run = await client.start(wide, {});
    await waitFor(
      () => run.status(),
      (s) => s.steps.long1?.status === "running" && s.steps.long2?.status === "running",
    );
    const t0 = Date.now();
    await client.cancel(run.executionId, "user pressed c");
    const s = await waitFor(
      () => run.status(),
      (v) => v.status !== "running",
      3_000,
    );
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(s.status).toBe("cancelled");
    expect(s.steps.long1?.status).toBe("cancelled");
    expect(s.steps.after?.status).toBe("cancelled");
    expect(await codeOf(client.cancel(run.executionId))).toBe("WRONG_STATE");
  });

  it("cancels a paused execution at once", async () => {
    const run = await client.start(chain, {});
    await client.pause(run.executionId);
    await waitFor(
      () => run.status(),
      (v) => v.control === "paused",
    );
    await client.cancel(run.executionId);
    const s = await waitFor(
      () => run.status(),
      (v) => v.status !== "running",
    );
    expect(s.status).toBe("cancelled");
  });
});

describe("wrong-state commands", () => {
  it("get stable codes and say what the state is", async () => {
    const run = await client.start(chain, {});
    const resumeRunning = client.resume(run.executionId);
    await expect(resumeRunning).rejects.toMatchObject({
      code: "WRONG_STATE",
      details: { status: "running" },
    });
    await expect(client.resume(run.executionId)).rejects.toThrow(/only a paused execution/);
    await run.result({ timeoutMs: 5_000 });
    expect(await codeOf(client.pause(run.executionId))).toBe("WRONG_STATE");
    expect(await codeOf(client.resume(run.executionId))).toBe("WRONG_STATE");
    expect(await codeOf(client.pause("no-such-execution"))).toBe("EXECUTION_NOT_FOUND");

    const cancelled = await client.start(chain, {});
    await client.cancel(cancelled.executionId);
    const code = await codeOf(client.pause(cancelled.executionId));
    expect(code).toBe("WRONG_STATE");
  });
});
