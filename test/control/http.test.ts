/**
 * The HTTP adapter against a real Redis and a real worker: bearer auth (401 without or with a
 * wrong token), JSON routes over the control plane, error shapes and statuses, and SSE events of
 * a real execution.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuntimeInstance } from "../../packages/runtime/src/control/index.js";
import { type HttpServer, startHttpServer } from "../../packages/runtime/src/http/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { startTestRedis, type TestRedis } from "../runtime/helpers/redis.js";
import { readSse } from "../runtime/helpers/sse.js";
import { type Deployment, deployment, echoIr, runReaches, sleepIr, until } from "./helpers.js";

const TOKEN = "test-token-123";
let redis: TestRedis;
let d: Deployment;
let http: HttpServer;
let instance: RuntimeInstance;

beforeAll(async () => {
  redis = await startTestRedis();
  d = deployment(redis.connection);
  d.startWorker();
  instance = await d.control.startInstance({ runSlots: 4, idleWaitMs: 50 });
  http = await startHttpServer({ control: d.control, token: TOKEN });
});
afterAll(async () => {
  await http.close();
  await d.close();
  await redis.stop();
});

async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${http.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("http adapter", () => {
  it("refuses requests without a valid bearer token", async () => {
    for (const token of [null, "wrong", `${TOKEN}x`, ""]) {
      const res = await call("GET", "/queue", undefined, token);
      expect(res.status).toBe(401);
      expect((res.body.error as { code: string }).code).toBe("UNAUTHORIZED");
    }
    const basic = await fetch(`${http.url}/queue`, {
      headers: { authorization: `Basic ${TOKEN}` },
    });
    expect(basic.status).toBe(401);
    expect(basic.headers.get("www-authenticate")).toContain("Bearer");
    const sse = await fetch(`${http.url}/executions/x/events`);
    expect(sse.status).toBe(401);
    expect((await call("GET", "/queue")).status).toBe(200);
  });

  it("submits a run, reads it and its execution, and lists instances", async () => {
    const created = await call("POST", "/runs", {
      pipeline: echoIr,
      input: { text: "web" },
      runId: "h1",
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ runId: "h1", decision: { kind: "assign" } });
    await runReaches(d.control, "h1", "completed");
    const run = await call("GET", "/runs/h1");
    expect(run.body).toMatchObject({ runId: "h1", status: "completed", pipeline: "echo" });
    const exec = await call("GET", `/executions/${run.body.executionId}`);
    expect(exec.body).toMatchObject({
      status: "completed",
      steps: { a: { output: { value: "web" } } },
    });
    const list = await call("GET", "/runs?status=completed");
    expect((list.body.runs as { runId: string }[]).map((r) => r.runId)).toContain("h1");
    const instances = await call("GET", "/instances");
    expect((instances.body.instances as { instanceId: string }[])[0]?.instanceId).toBe(
      instance.instanceId,
    );
    expect((await call("GET", "/scaling")).body).toMatchObject({ liveInstances: 1 });
  });

  it("answers errors as JSON with proper statuses", async () => {
    const missing = await call("GET", "/runs/nope");
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: "RUN_NOT_FOUND", message: "Run 'nope' not found." } },
    });
    expect((await call("POST", "/runs", "{not json")).status).toBe(400);
    const dup = await call("POST", "/runs", { pipeline: echoIr, input: {}, runId: "h1" });
    expect([dup.status, (dup.body.error as { code: string }).code]).toEqual([409, "RUN_EXISTS"]);
    const badIr = await call("POST", "/runs", { pipeline: { ordo: 1 }, input: {} });
    expect([badIr.status, (badIr.body.error as { code: string }).code]).toEqual([
      400,
      "IR_INVALID",
    ]);
    expect((await call("DELETE", "/queue")).status).toBe(405);
    expect((await call("GET", "/nowhere")).status).toBe(404);
    expect((await call("GET", "/executions/none")).status).toBe(404);
    expect((await call("GET", "/executions/none/events")).status).toBe(404);
  });

  it("pauses and resumes the queue and cancels runs", async () => {
    expect((await call("POST", "/queue/pause", { reason: "maintenance" })).body).toEqual({
      paused: true,
      changed: true,
    });
    const queued = await call("POST", "/runs", { pipeline: echoIr, input: {}, runId: "h2" });
    expect(queued.status).toBe(202);
    expect((await call("GET", "/queue")).body).toMatchObject({ paused: true, queued: 1 });
    const cancelled = await call("POST", "/runs/h2/cancel", { reason: "changed my mind" });
    expect(cancelled.body).toMatchObject({ status: "cancelled", reason: "changed my mind" });
    expect((await call("POST", "/queue/resume")).body).toEqual({ paused: false, changed: true });
    const events = await call("GET", "/queue/events?count=1000");
    const types = (events.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toContain("queue.paused");
    expect(types).toContain("queue.resumed");
  });

  it("streams a real execution's events over SSE and resumes after Last-Event-ID", async () => {
    const created = await call("POST", "/runs", { pipeline: sleepIr, input: { ms: 150 } });
    const executionId = created.body.executionId as string;
    await runReaches(d.control, created.body.runId as string, "running");
    const res = await fetch(`${http.url}/executions/${executionId}/events`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: "text/event-stream" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const messages = await readSse(res);
    expect(messages[0]?.event).toBe("execution.created");
    expect(messages.at(-1)?.event).toBe("execution.completed");
    expect(messages.map((m) => m.event)).toContain("step.completed");
    expect(messages.map((m) => Number(m.id))).toEqual(messages.map((_, i) => i + 1));
    expect(messages[0]?.data).toMatchObject({ executionId, seq: 1 });
    const resumed = await fetch(`${http.url}/executions/${executionId}/events`, {
      headers: { authorization: `Bearer ${TOKEN}`, "last-event-id": "2" },
    });
    const rest = await readSse(resumed);
    expect(rest.map((m) => m.id)).toEqual(messages.slice(2).map((m) => m.id));
  });

  it("pauses and resumes an execution, and answers a human-input step", async () => {
    const ir = testIr(
      [
        { id: "s", type: "test.sleep", inputs: { ms: 300 } },
        { id: "ask", type: "ordo.human-input", deps: ["s"], inputs: { prompt: "ok?" } },
        { id: "b", deps: ["ask"], inputs: { value: { $ref: "steps.ask.output.response" } } },
      ],
      { name: "paused-hitl", output: { answer: { $ref: "steps.b.output.value" } } },
    );
    const created = await call("POST", "/runs", { pipeline: ir, input: {} });
    const id = created.body.executionId as string;
    await runReaches(d.control, created.body.runId as string, "running");
    const paused = await call("POST", `/executions/${id}/pause`, { reason: "incident" });
    expect(paused.status).toBe(200);
    expect(["pausing", "paused"]).toContain(paused.body.state);
    await until(async () => {
      const state = (await call("GET", `/executions/${id}`)).body;
      return state.control === "paused" ? state : undefined;
    }, "the execution to be paused");
    const steps = (await call("GET", `/executions/${id}`)).body.steps as Record<
      string,
      { status: string }
    >;
    expect(steps.s?.status).toBe("completed");
    expect(steps.ask?.status).not.toBe("waiting"); // paused: not reached
    const resumed = await call("POST", `/executions/${id}/resume`);
    expect(resumed.body).toMatchObject({ resumed: true });
    await until(async () => {
      const state = (await call("GET", `/executions/${id}`)).body;
      const ask = (state.steps as Record<string, { status: string }>).ask;
      return ask?.status === "waiting" ? true : undefined;
    }, "the human-input step to wait");
    const wrong = await call("POST", `/executions/${id}/input`, { stepId: "nope", value: 1 });
    expect([wrong.status, (wrong.body.error as { code: string }).code]).toEqual([
      404,
      "STEP_NOT_FOUND",
    ]);
    const missing = await call("POST", `/executions/${id}/input`, { stepId: "ask" });
    expect(missing.status).toBe(400);
    const answered = await call("POST", `/executions/${id}/input`, {
      stepId: "ask",
      value: { approved: true },
      respondedBy: "web",
    });
    expect(answered.body).toEqual({ accepted: true });
    const again = await call("POST", `/executions/${id}/input`, { stepId: "ask", value: {} });
    expect([again.status, (again.body.error as { code: string }).code]).toEqual([
      409,
      "INPUT_NOT_AWAITED",
    ]);
    await runReaches(d.control, created.body.runId as string, "completed");
    expect(await d.control.executions.result(id)).toEqual({ answer: { approved: true } });
  });

  it("stops following an execution as soon as the reader aborts (SSE client gone)", async () => {
    const created = await call("POST", "/runs", { pipeline: echoIr, input: { text: "f" } });
    await runReaches(d.control, created.body.runId as string, "completed");
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      const events = d.control.executions.events(created.body.executionId as string, {
        untilFinished: false,
        pollMs: 10_000, // caught up, it would sleep 10 s: only the abort ends it early
        signal: abort.signal,
      });
      for await (const e of events) seen.push(e.type);
    })();
    await until(async () => (seen.includes("execution.completed") ? true : undefined), "events");
    const started = Date.now();
    abort.abort();
    await reading;
    expect(Date.now() - started).toBeLessThan(1_000);
    const res = await fetch(`${http.url}/executions/${created.body.executionId}/events?follow=1`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(": ordo execution events");
    await reader.cancel();
    await until(
      () =>
        new Promise<true | undefined>((resolve) =>
          http.server.getConnections((_, n) => resolve(n === 0 ? true : undefined)),
        ),
      "the SSE connection to close",
    );
  });
});
