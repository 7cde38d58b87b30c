/**
 * The deployment-wide admission policy end to end, on a real Redis and on the embedded engine
 * (the same Lua): a blocked provider's steps wait (status `throttled`, ledger `policy.denied`,
 * the plugin never called, no attempt spent) while other providers' steps run; clearing the
 * policy lets them finish; allow lists and `require*` refuse what they should; the facade
 * validates, versions and records policy changes in the control event stream.
 */
import type { PipelineIR } from "@ordo/core";
import { defineStep } from "@ordo/step";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createControlPlane } from "../../packages/runtime/src/control/index.js";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import {
  type Connection,
  createClient,
  createWorker,
  type HotLedgerEvent,
  type ThrottledStep,
} from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "../runtime/helpers/redis.js";
import { codeOf, until } from "./helpers.js";

/** Counts calls per step id, so a test can prove a refused step's plugin never ran. */
const calls = new Map<string, number>();
const call = defineStep({
  type: "test.provider-call",
  version: "1.0.0",
  input: z.object({}).passthrough(),
  output: z.object({ ok: z.boolean() }),
  async run(_input, ctx) {
    const key = `${ctx.executionId}:${ctx.stepId}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return { ok: true };
  },
});

type Meta = { provider?: string; model?: string; operation?: string };
function pipelineOf(steps: Record<string, Meta>): PipelineIR {
  const ir = testIr(
    Object.keys(steps).map((id) => ({ id, type: "test.provider-call" })),
    { name: "providers" },
  );
  return { ...ir, steps: ir.steps.map((s) => ({ ...s, metadata: { ...steps[s.id] } })) };
}

function setup(connection: Connection) {
  const prefix = uniquePrefix("adm");
  const client = createClient({ connection, prefix });
  const control = createControlPlane({ connection, client, prefix });
  const throttled: ThrottledStep[] = [];
  const worker = (options: { admissionPolicyCacheMs?: number } = {}) =>
    createWorker({
      connection,
      prefix,
      plugins: [call],
      concurrency: 4,
      idleWaitMs: 20,
      onThrottled: (t) => throttled.push(t),
      ...options,
    });
  return { prefix, client, control, throttled, worker };
}

async function ledgerOf(
  client: ReturnType<typeof createClient>,
  id: string,
): Promise<HotLedgerEvent[]> {
  // The ledger so far: follow it and stop once it has been quiet for 150 ms (caught up), or after
  // 1 s at most (a denied step retried every 100 ms keeps writing events and is never quiet).
  const quiet = new AbortController();
  let timer = setTimeout(() => quiet.abort(), 150);
  const cap = setTimeout(() => quiet.abort(), 1_000);
  const list: HotLedgerEvent[] = [];
  const events = client.handle(id).events({ untilFinished: false, signal: quiet.signal });
  for await (const e of events) {
    list.push(e as HotLedgerEvent);
    clearTimeout(timer);
    timer = setTimeout(() => quiet.abort(), 150);
  }
  clearTimeout(timer);
  clearTimeout(cap);
  return list;
}

const backends: [string, () => Promise<{ connection: Connection; stop(): Promise<void> }>][] = [
  [
    "redis",
    async () => {
      const redis: TestRedis = await startTestRedis();
      return { connection: redis.connection, stop: () => redis.stop() };
    },
  ],
  [
    "embedded",
    async () => ({ connection: { embedded: new EmbeddedRedis() }, stop: async () => {} }),
  ],
];

describe.each(backends)("admission policy (%s)", (_name, start) => {
  let backend: { connection: Connection; stop(): Promise<void> };
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    backend = await start();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await backend.stop();
  });
  function open() {
    const d = setup(backend.connection);
    closers.push(
      () => d.client.close(),
      () => d.control.close(),
    );
    const startWorker = (options: { admissionPolicyCacheMs?: number } = {}) => {
      const w = d.worker(options);
      closers.push(() => w.close({ release: true }));
      return w;
    };
    return { ...d, startWorker };
  }

  it("a blocked provider's steps wait without running; others run; clearing lets them finish", async () => {
    const d = open();
    await d.control.admissionPolicy.set(
      { blockedProviders: ["openai"], reason: "outage", retryAfterMs: 150 },
      { requestedBy: "oncall" },
    );
    d.startWorker();
    const run = await d.client.start(
      pipelineOf({ blocked: { provider: "openai" }, free: { provider: "anthropic" } }),
      {},
    );
    const state = await until(async () => {
      const s = await d.client.status(run.executionId);
      const denials = (await ledgerOf(d.client, run.executionId)).filter(
        (e) => e.type === "policy.denied",
      );
      return s.steps.free?.status === "completed" && denials.length >= 2 ? s : undefined;
    }, "the free step to complete and the blocked one to be denied twice");
    expect(["throttled", "ready", "running"]).toContain(state.steps.blocked?.status);
    expect(calls.get(`${run.executionId}:blocked`)).toBeUndefined();
    const events = await ledgerOf(d.client, run.executionId);
    const denied = events.filter((e) => e.type === "policy.denied");
    expect(denied.every((e) => e.stepId === "blocked")).toBe(true);
    expect(denied[0]?.reason).toBe("provider openai blocked (outage); retry in 150 ms");
    expect(denied[0]?.data).toEqual({
      kind: "policy",
      rule: "blockedProviders",
      subject: "provider",
      value: "openai",
      reason: "outage",
      retryAfterMs: 150,
    });
    expect(events.some((e) => e.type === "concurrency.denied")).toBe(false);
    expect(d.throttled.some((t) => t.stepId === "blocked" && t.denial.kind === "policy")).toBe(
      true,
    );

    expect(await d.control.admissionPolicy.clear({ requestedBy: "oncall" })).toBe(true);
    await run.result({ timeoutMs: 10_000 });
    const final = await d.client.status(run.executionId);
    expect(final.steps.blocked).toMatchObject({ status: "completed", attempt: 1 });
    expect(calls.get(`${run.executionId}:blocked`)).toBe(1);
  });

  it("allow lists and require rules refuse what they name, with the rule in the ledger", async () => {
    const d = open();
    await d.control.admissionPolicy.set({
      allowedModels: ["anthropic:*"],
      requireOperation: true,
      retryAfterMs: 100,
    });
    d.startWorker();
    const run = await d.client.start(
      pipelineOf({
        ok: { provider: "anthropic", model: "claude", operation: "chat" },
        wrongModel: { provider: "openai", model: "gpt-4o", operation: "chat" },
        noOperation: { provider: "anthropic", model: "claude" },
      }),
      {},
    );
    const rules = await until(async () => {
      const events = await ledgerOf(d.client, run.executionId);
      const byStep = new Map(
        events.filter((e) => e.type === "policy.denied").map((e) => [e.stepId, e.data?.rule]),
      );
      const done = events.some((e) => e.type === "step.completed" && e.stepId === "ok");
      return done && byStep.size === 2 ? byStep : undefined;
    }, "both refused steps to be denied");
    expect(Object.fromEntries(rules)).toEqual({
      wrongModel: "allowedModels",
      noOperation: "requireOperation",
    });
    expect(calls.get(`${run.executionId}:wrongModel`)).toBeUndefined();
    await d.control.admissionPolicy.clear();
    await run.result({ timeoutMs: 10_000 });
  });

  it("a policy set while a worker runs applies within the worker's cache time (1 s)", async () => {
    const d = open();
    d.startWorker();
    const before = await d.client.start(pipelineOf({ one: { provider: "openai" } }), {});
    await before.result({ timeoutMs: 10_000 }); // the worker has read (and cached) "no policy"
    await d.control.admissionPolicy.set({ blockedProviders: ["openai"], retryAfterMs: 100 });
    await new Promise((r) => setTimeout(r, 1_100));
    const after = await d.client.start(pipelineOf({ two: { provider: "openai" } }), {});
    await until(async () => {
      const events = await ledgerOf(d.client, after.executionId);
      return events.some((e) => e.type === "policy.denied") ? true : undefined;
    }, "the step started after the change to be denied");
    expect(calls.get(`${after.executionId}:two`)).toBeUndefined();
    await d.control.admissionPolicy.clear();
    await after.result({ timeoutMs: 10_000 });
  });

  it("admissionPolicyCacheMs: 0 applies a policy change to the very next attempt", async () => {
    const d = open();
    d.startWorker({ admissionPolicyCacheMs: 0 });
    const before = await d.client.start(pipelineOf({ one: { provider: "openai" } }), {});
    await before.result({ timeoutMs: 10_000 }); // "no policy" read; a cache would keep it 1 s
    await d.control.admissionPolicy.set({ blockedProviders: ["openai"], retryAfterMs: 100 });
    const after = await d.client.start(pipelineOf({ two: { provider: "openai" } }), {});
    const denied = await until(async () => {
      const events = await ledgerOf(d.client, after.executionId);
      return events.find((e) => e.type === "policy.denied");
    }, "the next step to be denied");
    expect(calls.get(`${after.executionId}:two`)).toBeUndefined();
    // Denied on its first claim: no completed attempt slipped through a stale cache.
    expect(denied.attempt).toBe(1);
    await d.control.admissionPolicy.clear();
    await after.result({ timeoutMs: 10_000 });
  });

  it("a raw IR whose own admission policy refuses a step is not started", async () => {
    const d = open();
    const ir = {
      ...pipelineOf({ a: { provider: "openai" } }),
      policies: { admission: { blockedProviders: ["openai"] } },
    };
    expect(await codeOf(d.client.start(ir, {}))).toBe("IR_ADMISSION_DENIED");
  });

  it("the facade validates, versions and records policy changes", async () => {
    const d = open();
    expect(await d.control.admissionPolicy.get()).toBeUndefined();
    expect(await d.control.admissionPolicy.clear()).toBe(false);
    const first = await d.control.admissionPolicy.set(
      { blockedProviders: ["openai"], reason: "outage" },
      { requestedBy: "alice" },
    );
    expect(first).toMatchObject({ setBy: "alice", policy: { blockedProviders: ["openai"] } });
    expect(first.setAt).toBeGreaterThan(0);
    const read = await d.control.admissionPolicy.get();
    expect(read).toEqual(first);
    const second = await d.control.admissionPolicy.set({ allowedProviders: ["anthropic"] });
    expect(second.version).toBe(first.version + 1);
    expect(await codeOf(d.control.admissionPolicy.set({ blockProvider: ["x"] }))).toBe(
      "IR_UNKNOWN_POLICY_FIELD",
    );
    expect(await codeOf(d.control.admissionPolicy.set({ allowedModels: ["gpt-4o"] }))).toBe(
      "IR_INVALID_POLICY",
    );
    expect(await codeOf(d.control.admissionPolicy.set({ reason: "nothing" }))).toBe(
      "IR_INVALID_POLICY",
    );
    expect((await d.control.admissionPolicy.get())?.policy).toEqual({
      allowedProviders: ["anthropic"],
    });
    expect(await d.control.admissionPolicy.clear()).toBe(true);
    expect(await d.control.admissionPolicy.get()).toBeUndefined();
    const types = (await d.control.queue.events()).map((e) => `${e.type}:${e.reason ?? ""}`);
    expect(types).toEqual([
      "admission.policy_set:outage",
      "admission.policy_set:",
      "admission.policy_cleared:",
    ]);
  });
});
