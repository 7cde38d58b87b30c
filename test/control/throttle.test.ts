/**
 * Throttling end to end on the embedded engine (the same Lua as Redis): a 429 (RetryAfterError)
 * blocks its whole provider, so another step of that provider waits (ledger `concurrency.denied`,
 * kind `blocked`) and a step of another provider does not; an LLM step's `llm.usage` reconciles its
 * token reservation, so the next step fits in the same window.
 */
import type { PipelineIR } from "@ordo/core";
import { defineStep, RetryAfterError } from "@ordo/step";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import {
  createClient,
  createWorker,
  type HotLedgerEvent,
  type ThrottledStep,
} from "../../packages/runtime/src/index.js";
import { testIr } from "../runtime/helpers/ir.js";

const engine = new EmbeddedRedis();
const connection = { embedded: engine };
const prefix = "thr";
const throttled: ThrottledStep[] = [];

const call = defineStep({
  type: "test.call",
  version: "1.0.0",
  input: z.object({ ms: z.number().optional(), fail429: z.boolean().optional() }),
  output: z.object({ ok: z.boolean() }),
  async run(input, ctx) {
    if (input.fail429 && ctx.attempt === 1) throw new RetryAfterError("429 from provider", 400);
    await new Promise((r) => setTimeout(r, input.ms ?? 5));
    ctx.emit("llm.usage", { inputTokens: 10, outputTokens: 5 });
    return { ok: true };
  },
});

const client = createClient({ connection, prefix });
const worker = createWorker({
  connection,
  prefix,
  plugins: [call],
  concurrency: 4,
  idleWaitMs: 20,
  onThrottled: (t) => throttled.push(t),
});
afterAll(async () => {
  await worker.close({ release: true });
  await client.close();
});

function withProviders(ir: PipelineIR, providers: Record<string, string>): PipelineIR {
  return {
    ...ir,
    steps: ir.steps.map((s) => ({ ...s, metadata: { provider: providers[s.id] ?? "none" } })),
  };
}

async function eventsOf(run: { events(): AsyncIterableIterator<HotLedgerEvent> }) {
  const list: HotLedgerEvent[] = [];
  for await (const e of run.events()) list.push(e);
  return list;
}

describe("throttling in one process", () => {
  it("a 429 slows the whole provider key, not only the failing step", async () => {
    const ir = withProviders(
      testIr(
        [
          { id: "limited", type: "test.call", inputs: { fail429: true } },
          { id: "gate", type: "test.call", inputs: { ms: 50 } },
          { id: "sibling", type: "test.call", deps: ["gate"] },
          { id: "other", type: "test.call", deps: ["gate"] },
        ],
        { policies: { retry: { maxAttempts: 3, strategy: "fixed", baseDelayMs: 10 } } },
      ),
      { limited: "anthropic", gate: "openai", sibling: "anthropic", other: "openai" },
    );
    const run = await client.start(ir, {});
    await run.result({ timeoutMs: 10_000 });
    const events = await eventsOf(run);
    const at = (type: string, step: string) =>
      events.find((e) => e.type === type && e.stepId === step)?.at ?? Number.NaN;
    const denied = events.filter((e) => e.type === "concurrency.denied");
    expect(denied.some((e) => e.stepId === "sibling" && e.data?.kind === "blocked")).toBe(true);
    expect(denied.some((e) => e.stepId === "other")).toBe(false);
    const failedAt = at("step.retry_scheduled", "limited");
    expect(at("step.completed", "sibling") - failedAt).toBeGreaterThanOrEqual(350);
    expect(at("step.completed", "other") - failedAt).toBeLessThan(350);
    expect(throttled.some((t) => t.stepId === "sibling" && t.denial.kind === "blocked")).toBe(true);
  });

  it("token reservations are reconciled with the reported llm.usage", async () => {
    const ir = withProviders(
      testIr(
        [
          { id: "first", type: "test.call" },
          { id: "second", type: "test.call", deps: ["first"] },
        ],
        {
          policies: {
            rateLimits: [
              { scope: "provider", unit: "tokens", limit: 1_000, windowMs: 600_000, estimate: 600 },
            ],
          },
        },
      ),
      { first: "acme", second: "acme" },
    );
    const run = await client.start(ir, {});
    // Without reconciliation `second` (600 + 600 > 1000) would wait for the 10-minute window.
    await run.result({ timeoutMs: 5_000 });
    const used = await engine.call(
      "HGET",
      `{${prefix}:limits}:rate`,
      "tokens:600000:provider:acme:n",
    );
    expect(Number(used)).toBe(30);
  });
});
