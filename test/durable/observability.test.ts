/**
 * Observability on the embedded engine with an SQLite store: OpenTelemetry API instruments get
 * the step counters and durations (through a recording MeterProvider), the built-in sink keeps
 * metric points and spans in memory and writes them to the durable store in batches, plugins get
 * a W3C traceparent naming their attempt span in the execution's trace, `llm.usage` events
 * become token and cost metrics, and `ordo metrics` summarizes the stored points.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Meter, MeterProvider } from "@opentelemetry/api";
import { createNoopMeter } from "@opentelemetry/api";
import { main, memoryIO } from "@ordo/cli";
import { defineStep } from "@ordo/step";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import {
  createClient,
  createWorker,
  type DurableStore,
  executionTraceIds,
  openSqliteStore,
} from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { flaky } from "../runtime/helpers/plugins.js";

/** A MeterProvider that records every counter add and histogram record by instrument name. */
function recordingMeterProvider() {
  const recorded: { name: string; value: number; attributes: unknown }[] = [];
  const noop = createNoopMeter();
  const meter: Meter = {
    ...noop,
    createCounter: (name) => ({
      add: (value, attributes) => void recorded.push({ name, value, attributes }),
    }),
    createHistogram: (name) => ({
      record: (value, attributes) => void recorded.push({ name, value, attributes }),
    }),
  } as Meter;
  const provider: MeterProvider = { getMeter: () => meter };
  return { provider, recorded };
}

const seen: string[] = [];
const llm = defineStep({
  type: "test.llm",
  version: "1.0.0",
  input: z.object({}).passthrough(),
  output: z.object({ answer: z.string() }),
  async run(_input, ctx) {
    seen.push(ctx.traceparent ?? "none");
    ctx.emit("llm.usage", {
      provider: "local",
      model: "tiny",
      inputTokens: 30,
      outputTokens: 12,
      costUsd: 0.002,
    });
    return { answer: "42" };
  },
});

const ir = testIr(
  [
    { id: "ask", type: "test.llm" },
    {
      id: "flaky",
      deps: ["ask"],
      type: "test.flaky",
      inputs: { failTimes: 1 },
      policies: { retry: { maxAttempts: 2, strategy: "fixed", baseDelayMs: 1 } },
    },
  ],
  { name: "observed" },
);

const dir = mkdtempSync(join(tmpdir(), "ordo-obs-"));
let store: DurableStore;
let executionId: string;
const otel = recordingMeterProvider();
let sinkMetrics: readonly { name: string; value: number; labels?: Record<string, string> }[];
let sinkSpans: readonly {
  name: string;
  spanId: string;
  traceId: string;
  parentSpanId?: string;
  stepId?: string;
  status?: string;
}[];

beforeAll(async () => {
  store = await openSqliteStore({ path: join(dir, "ordo.db") });
  const connection = { embedded: new EmbeddedRedis() };
  const worker = createWorker({
    connection,
    idleWaitMs: 20,
    plugins: [llm, flaky],
    durable: { store, ship: false },
    observability: { mode: "both", meterProvider: otel.provider, flushMs: 50 },
  });
  const client = createClient({ connection });
  const run = await client.start(ir, {});
  await run.result({ timeoutMs: 10_000 });
  executionId = run.executionId;
  // The execution span is recorded asynchronously after finalization.
  for (
    let i = 0;
    i < 100 && !worker.telemetry.sink.spans().some((s) => s.name === "ordo.execution");
    i++
  ) {
    await new Promise((r) => setTimeout(r, 10));
  }
  sinkMetrics = [...worker.telemetry.sink.metrics()];
  sinkSpans = [...worker.telemetry.sink.spans()];
  await worker.close();
  await client.close();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const total = (points: readonly { name: string; value: number }[], name: string) =>
  points.filter((p) => p.name === name).reduce((a, p) => a + p.value, 0);

describe("observability", () => {
  it("counts attempts by outcome in OTel instruments and the memory sink", () => {
    for (const points of [otel.recorded, sinkMetrics]) {
      expect(total(points, "ordo.steps.started")).toBe(3); // ask, flaky x2
      expect(total(points, "ordo.steps.completed")).toBe(2);
      expect(total(points, "ordo.steps.retried")).toBe(1);
      expect(total(points, "ordo.steps.failed")).toBe(0);
      expect(points.filter((p) => p.name === "ordo.step.duration_ms")).toHaveLength(3);
      expect(points.filter((p) => p.name === "ordo.step.queue_wait_ms")).toHaveLength(3);
      expect(total(points, "ordo.executions.finished")).toBe(1);
      expect(total(points, "ordo.llm.tokens")).toBe(42);
      expect(total(points, "ordo.llm.cost_usd")).toBeCloseTo(0.002, 9);
      expect(points.filter((p) => p.name === "ordo.payload.bytes")).toHaveLength(2);
    }
    const retried = otel.recorded.find(
      (p) =>
        p.name === "ordo.step.duration_ms" &&
        (p.attributes as Record<string, string>)["ordo.outcome"] === "retried",
    );
    expect(retried?.attributes).toMatchObject({
      "ordo.pipeline": "observed",
      "ordo.step_type": "test.flaky@1.0.0",
    });
  });

  it("records one span per attempt and per execution in the execution's trace", () => {
    const ids = executionTraceIds(executionId);
    const steps = sinkSpans.filter((s) => s.name === "ordo.step");
    expect(steps.map((s) => s.stepId).sort()).toEqual(["ask", "flaky", "flaky"]);
    expect(steps.map((s) => s.status).sort()).toEqual(["error", "ok", "ok"]);
    for (const s of steps) {
      expect(s.traceId).toBe(ids.traceId);
      expect(s.parentSpanId).toBe(ids.spanId);
    }
    const execution = sinkSpans.filter((s) => s.name === "ordo.execution");
    expect(execution).toEqual([
      expect.objectContaining({ traceId: ids.traceId, spanId: ids.spanId, status: "ok" }),
    ]);
    // The plugin saw its own attempt span as traceparent.
    const ask = steps.find((s) => s.stepId === "ask")!;
    expect(seen).toEqual([`00-${ids.traceId}-${ask.spanId}-01`]);
  });

  it("writes metric points and spans to the durable store", async () => {
    const stored = await store.queryMetrics({ executionId, limit: 10_000 });
    expect(total(stored, "ordo.steps.started")).toBe(3);
    expect(stored.length).toBe(sinkMetrics.length);
    const spans = await store.querySpans({ executionId });
    expect(spans.map((s) => s.name).sort()).toEqual([
      "ordo.execution",
      "ordo.step",
      "ordo.step",
      "ordo.step",
    ]);
  });

  it("summarizes stored metrics with `ordo metrics`", async () => {
    const io = memoryIO(dir);
    expect(await main(["metrics", "--store", "ordo.db"], io)).toBe(0);
    expect(io.out()).toMatch(/^ordo\.steps\.started +3\b/m);
    expect(io.out()).toMatch(/^ordo\.step\.duration_ms +3 +p50 \d+ ms +p95 \d+ ms +p99 \d+ ms/m);
    expect(io.out()).toMatch(/^ordo\.step\.queue_wait_ms +3 +p50 \d+ ms +p95 \d+ ms/m);
    const json = memoryIO(dir);
    expect(await main(["metrics", "--store", "ordo.db", "--json", "--by", "outcome"], json)).toBe(
      0,
    );
    const rows = JSON.parse(json.out()) as { name: string; count: number }[];
    expect(rows.find((r) => r.name === "ordo.step.duration_ms{outcome=retried}")?.count).toBe(1);
    expect(rows.find((r) => r.name === "ordo.llm.tokens")).toMatchObject({ count: 2 });
  });
});
