/**
 * Progress events reach clients: a streaming `ordo.llm` step against the local OpenAI-compatible
 * server emits `llm.delta`; `events({ progress: true })` yields them in order, before the step's
 * `step.completed`, on real Redis and on the embedded engine; the SSE route streams them as
 * `event: progress`; the emitProgress script drops a stale attempt's events; a failing flush
 * never fails the step.
 */
import { llm, pipeline } from "@ordo/sdk";
import { defineStep } from "@ordo/step";
import { createLlmStep } from "@ordo/step-llm";
import { type OpenAiServer, startOpenAiServer } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createControlPlane } from "../../packages/runtime/src/control/index.js";
import { prepareDefinition } from "../../packages/runtime/src/engine/definition.js";
import { EmbeddedHotStore } from "../../packages/runtime/src/hot/embedded-store.js";
import type { HotStore } from "../../packages/runtime/src/hot/hot-store.js";
import { Keyspace } from "../../packages/runtime/src/hot/keys.js";
import {
  decodeProgressEntry,
  emitProgress,
  progressStreamKey,
} from "../../packages/runtime/src/hot/progress.js";
import { RedisHotStore } from "../../packages/runtime/src/hot/redis-store.js";
import {
  claimSteps,
  createExecution,
  recoverLeases,
} from "../../packages/runtime/src/hot/scripts.js";
import { startHttpServer } from "../../packages/runtime/src/http/index.js";
import {
  type Connection,
  createClient,
  createEmbeddedRuntime,
  createWorker,
  EmbeddedRedis,
  type ExecutionEvent,
  LUA_SCRIPTS,
  type ProgressEvent,
} from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "./helpers/redis.js";
import { readSse, type SseMessage } from "./helpers/sse.js";

const ask = pipeline({ name: "ask-stream", version: "1.0.0", input: z.object({ q: z.string() }) })
  .step(
    "answer",
    llm(($) => ({ prompt: $.input.q }), { provider: "local", model: "fake-small", stream: true }),
  )
  .output(($) => ({ text: $.steps.answer.output.text }));

/** 150 words: the server streams one delta per word, so the worker sends several batches. */
const QUESTION = Array.from({ length: 150 }, (_, i) => `word${i}`).join(" ");

let redis: TestRedis;
let server: OpenAiServer;
beforeAll(async () => {
  redis = await startTestRedis();
  server = await startOpenAiServer();
});
afterAll(async () => {
  await server.close();
  await redis.stop();
});

function deploy(connection: Connection, workerOptions: { progressEvents?: boolean } = {}) {
  const prefix = uniquePrefix("progress");
  const providers = [{ name: "local", baseURL: server.baseURL, apiKey: "k" }];
  const worker = createWorker({
    connection,
    prefix,
    plugins: [createLlmStep({ providers })],
    idleWaitMs: 50,
    ...workerOptions,
  });
  const client = createClient({ connection, prefix });
  return {
    prefix,
    client,
    async close() {
      await worker.close();
      await client.close();
    },
  };
}

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const deltaText = (events: readonly ExecutionEvent[]) =>
  events
    .filter((e): e is ProgressEvent => e.kind === "progress" && e.type === "llm.delta")
    .map((e) => (e.data as { text: string }).text)
    .join("");

const backends: [string, () => Connection][] = [
  ["redis", () => redis.connection],
  ["embedded", () => ({ embedded: new EmbeddedRedis() })],
];

describe.each(backends)("progress events on %s", (_name, connectionOf) => {
  it("events({ progress: true }) yields llm.delta in order, before step.completed", async () => {
    const d = deploy(connectionOf());
    try {
      const run = await d.client.start(ask.compile(), { q: QUESTION });
      // Follow from the start, concurrently with the run (the live case).
      const events = await collect(run.events({ progress: true }));
      const result = (await run.result({ timeoutMs: 10_000 })) as { text: string };
      expect(result.text).toBe(`echo: ${QUESTION}`);

      const deltas = events.filter((e) => e.kind === "progress" && e.type === "llm.delta");
      expect(deltas.length).toBeGreaterThan(64); // more than one batch
      expect(deltaText(events)).toBe(result.text);
      for (const e of deltas) {
        expect(e).toMatchObject({ executionId: run.executionId, stepId: "answer", attempt: 1 });
      }
      const ledger = events.filter((e) => e.kind === "ledger");
      expect(ledger.map((e) => e.seq)).toEqual(ledger.map((_, i) => i + 1));
      expect(ledger.at(-1)?.type).toBe("execution.completed");
      const types = events.map((e) => (e.kind === "ledger" ? e.type : `progress:${e.type}`));
      const claimed = types.indexOf("step.claimed");
      const completed = types.indexOf("step.completed");
      expect(claimed).toBeGreaterThanOrEqual(0);
      expect(types.indexOf("progress:llm.delta")).toBeGreaterThan(claimed);
      expect(types.lastIndexOf("progress:llm.delta")).toBeLessThan(completed);
      // Progress stream ids grow in the order yielded.
      const ids = deltas.map((e) => e.id.split("-").map(Number) as [number, number]);
      for (let i = 1; i < ids.length; i++) {
        const [a, b] = [ids[i - 1]!, ids[i]!];
        expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
      }

      // Reading again after the fact gives the same merged sequence.
      const again = await collect(run.events({ progress: true }));
      expect(again.map((e) => e.id)).toEqual(events.map((e) => e.id));
      // Without the option: the ledger only, unchanged shape (no `kind`).
      const plain = await collect(run.events());
      expect(plain.map((e) => e.seq)).toEqual(ledger.map((e) => e.seq));
      expect(plain.some((e) => "kind" in e)).toBe(false);
    } finally {
      await d.close();
    }
  });

  it("emitProgress drops the events of a stale claim token", async () => {
    const store: HotStore =
      _name === "redis"
        ? RedisHotStore.connect(redis.connection)
        : new EmbeddedHotStore(new EmbeddedRedis(), true);
    try {
      const keys = new Keyspace(uniquePrefix("progress-script"), 1).part(0);
      const def = prepareDefinition(testIr([{ id: "a" }]));
      await createExecution(store, keys, {
        executionId: "e1",
        fingerprint: def.fingerprint,
        inputJson: "{}",
        pipelineName: "t",
        definition: { irJson: def.irJson, rows: def.rows },
      });
      const [claim] = await claimSteps(store, keys, { workerId: "w", max: 1, defaultLeaseMs: 30 });
      const ref = { executionId: "e1", stepId: "a" };
      const items = [{ type: "llm.delta", data: { text: "hi" } }, { type: "tick" }];
      const wrong = await emitProgress(store, keys, { ...ref, token: "999", items });
      expect(wrong).toEqual({ accepted: false, reason: "STALE_TOKEN", status: "running" });
      const ok = await emitProgress(store, keys, { ...ref, token: claim!.token, items });
      expect(ok).toEqual({ accepted: true, appended: 2 });

      // The lease expires and the step is recovered: the old worker's events are refused.
      await new Promise((r) => setTimeout(r, 60));
      expect((await recoverLeases(store, keys, { limit: 10 })).recovered).toBe(1);
      const stale = await emitProgress(store, keys, { ...ref, token: claim!.token, items });
      expect(stale.accepted).toBe(false);
      expect(stale).toMatchObject({ reason: "STALE_TOKEN" });
      const missing = await emitProgress(store, keys, { ...ref, stepId: "zz", token: "1", items });
      expect(missing).toMatchObject({ accepted: false, reason: "STEP_NOT_FOUND" });

      const entries = await store.xrange(progressStreamKey(keys), "-", "+", 100);
      const decoded = entries.map(([id, fields]) => decodeProgressEntry(id, fields));
      expect(decoded.map((e) => [e.type, e.data])).toEqual([
        ["llm.delta", { text: "hi" }],
        ["tick", undefined],
      ]);
      // after step.claimed (seq 2 of execution.created, step.claimed)
      expect(decoded[0]).toMatchObject({
        stepId: "a",
        attempt: 1,
        claimToken: claim!.token,
        afterLedgerSeq: 2,
      });
      expect(decoded[0]!.ts).toBeGreaterThan(Date.now() - 60_000);
      expect(keys.all.every((k) => k.startsWith(progressStreamKey(keys).split("}")[0]!))).toBe(
        true,
      );

      // The stream is capped (approximately on Redis: whole nodes of 100 entries).
      const [again] = await claimSteps(store, keys, {
        workerId: "w",
        max: 1,
        defaultLeaseMs: 30_000,
      });
      const many = Array.from({ length: 300 }, (_, i) => ({ type: "n", data: i }));
      await emitProgress(store, keys, { ...ref, token: again!.token, items: many, cap: 50 });
      const kept = await store.xrange(progressStreamKey(keys), "-", "+", 1000);
      expect(kept.length).toBeGreaterThanOrEqual(50);
      expect(kept.length).toBeLessThanOrEqual(150);
      expect(decodeProgressEntry(...kept.at(-1)!)).toMatchObject({ data: 299, attempt: 1 });
    } finally {
      await store.close();
    }
  });
});

describe("progress flush failures", () => {
  it("never fail the step: the run completes, the events are dropped with a warning", async () => {
    const engine = new EmbeddedRedis();
    const emitSha = await engine.scriptLoad(LUA_SCRIPTS.emitProgress.source);
    // The engine as the runtime sees it, except that emitProgress always fails.
    const failing = (e: EmbeddedRedis): EmbeddedRedis =>
      new Proxy(e, {
        get(target, prop, receiver) {
          if (prop === "evalsha") {
            return (sha: string, ...rest: (string | number)[]) =>
              sha === emitSha
                ? Promise.reject(new Error("injected: store unavailable"))
                : target.evalsha(sha, ...(rest as [number, ...(string | number)[]]));
          }
          if (prop === "duplicate") return () => failing(target.duplicate());
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn: (message: string) => warnings.push(message),
      error() {},
    };
    const connection = { embedded: failing(engine) };
    const providers = [{ name: "local", baseURL: server.baseURL, apiKey: "k" }];
    const worker = createWorker({ connection, plugins: [createLlmStep({ providers })], logger });
    const client = createClient({ connection });
    try {
      const run = await client.start(ask.compile(), { q: "short question" });
      expect(await run.result({ timeoutMs: 10_000 })).toEqual({ text: "echo: short question" });
      const events = await collect(run.events({ progress: true }));
      expect(events.filter((e) => e.kind === "progress")).toEqual([]);
      expect(warnings).toContain("progress flush failed; events dropped");
    } finally {
      await worker.close();
      await client.close();
    }
  });
});

describe("progressEvents: false", () => {
  it("streams no progress (the run and its ledger are unchanged)", async () => {
    const d = deploy(redis.connection, { progressEvents: false });
    try {
      const run = await d.client.start(ask.compile(), { q: "a b c" });
      const events = await collect(run.events({ progress: true }));
      expect(events.some((e) => e.kind === "progress")).toBe(false);
      expect(events.at(-1)).toMatchObject({ kind: "ledger", type: "execution.completed" });
    } finally {
      await d.close();
    }
  });
});

describe("a follower joining after the ledger was trimmed", () => {
  it("gets a running step's progress at once, not only after its next ledger event", async () => {
    let released = false;
    const ticker = defineStep({
      type: "test.ticker",
      version: "1.0.0",
      input: z.object({}),
      output: z.object({ ticks: z.number() }),
      async run(_input, ctx) {
        let i = 0;
        while (!released) {
          ctx.emit("tick", { i: i++ });
          await new Promise((r) => setTimeout(r, 20));
        }
        return { ticks: i };
      },
    });
    const runtime = createEmbeddedRuntime({ plugins: [ticker] });
    // Fallback so a regression fails the assertions below instead of hanging.
    const fallback = setTimeout(() => {
      released = true;
    }, 3_000);
    try {
      const run = await runtime.client.start(testIr([{ id: "t", type: "test.ticker" }]), {});
      const log = new Keyspace().of(run.executionId).byName.log;
      for (;;) {
        const s = await run.status();
        if (s.steps.t?.status === "running") break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // As the shipper does once entries are shipped: the created/claimed events are gone.
      await runtime.engine.call("XTRIM", log, "MAXLEN", "0");
      let runningAtFirst: boolean | undefined;
      const events: ExecutionEvent[] = [];
      for await (const e of run.events({ progress: true })) {
        if (runningAtFirst === undefined) {
          runningAtFirst = !released;
          released = true;
        }
        events.push(e);
      }
      expect(events[0]?.kind).toBe("progress");
      expect(runningAtFirst).toBe(true);
      expect(events.at(-1)).toMatchObject({ kind: "ledger", type: "execution.completed" });
    } finally {
      clearTimeout(fallback);
      await runtime.close();
    }
  });
});

describe("SSE", () => {
  it("streams progress events as `event: progress`, in order, and resumes after them", async () => {
    const d = deploy(redis.connection);
    const control = createControlPlane({
      connection: redis.connection,
      client: d.client,
      prefix: d.prefix,
    });
    const http = await startHttpServer({ control, token: "t" });
    const get = (query: string, lastEventId?: string) =>
      fetch(`${http.url}/executions/${run.executionId}/events${query}`, {
        headers: {
          authorization: "Bearer t",
          ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }),
        },
      });
    const run = await d.client.start(ask.compile(), { q: QUESTION });
    try {
      const messages = await readSse(await get(""));
      const result = (await run.result({ timeoutMs: 10_000 })) as { text: string };
      const progress = messages.filter((m) => m.event === "progress");
      expect(progress.length).toBeGreaterThan(64);
      const textOf = (m: SseMessage) => (m.data as { data: { text: string } }).data.text;
      expect(progress.map(textOf).join("")).toBe(result.text);
      expect(progress[0]?.data).toMatchObject({ kind: "progress", type: "llm.delta" });
      const names = messages.map((m) => m.event);
      expect(names.lastIndexOf("progress")).toBeLessThan(names.indexOf("step.completed"));
      expect(names.at(-1)).toBe("execution.completed");
      // Ledger messages keep their old shape and ids (seq); progress ids are `<seq>:<stream id>`.
      const ledger = messages.filter((m) => m.event !== "progress");
      expect(ledger.map((m) => m.id)).toEqual(ledger.map((_, i) => String(i + 1)));
      expect(ledger.every((m) => !("kind" in (m.data as object)))).toBe(true);
      expect(progress[0]?.id).toMatch(/^\d+:\d+-\d+$/);

      // Resume after the 10th progress message: exactly the rest arrives.
      const cut = messages.indexOf(progress[9]!);
      const rest = await readSse(await get("", progress[9]!.id));
      expect(rest.map((m) => m.id)).toEqual(messages.slice(cut + 1).map((m) => m.id));
      // ?progress=0: the ledger only.
      const off = await readSse(await get("?progress=0"));
      expect(off.map((m) => m.id)).toEqual(ledger.map((m) => m.id));
    } finally {
      await http.close();
      await control.close();
      await d.close();
    }
  });
});
