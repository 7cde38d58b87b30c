/**
 * Usage a plugin reports (LLM tokens, cost) is recorded in the audit ledger with the step's
 * completion, not only in metrics.
 */
import { defineStep } from "@ordo/step";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createEmbeddedRuntime, type HotLedgerEvent } from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";

const paidCall = defineStep({
  type: "test.paid",
  version: "1.0.0",
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  async run(_input, ctx) {
    ctx.emit("llm.usage", {
      provider: "p",
      model: "m",
      inputTokens: 120,
      outputTokens: 30,
      costUsd: 0.0015,
    });
    ctx.emit("llm.usage", {
      provider: "p",
      model: "m",
      inputTokens: 80,
      outputTokens: 20,
      costUsd: 0.001,
    });
    return { ok: true };
  },
});

describe("usage in the ledger", () => {
  it("step.completed carries the attempt's summed usage", async () => {
    const runtime = createEmbeddedRuntime({ plugins: [paidCall] });
    try {
      const run = await runtime.client.start(
        testIr([
          { id: "paid", type: "test.paid" },
          { id: "free", type: "test.paid", deps: ["paid"] },
        ]),
        {},
      );
      await run.result({ timeoutMs: 10_000 });
      const events: HotLedgerEvent[] = [];
      for await (const e of run.events()) events.push(e);
      const completed = events.filter((e) => e.type === "step.completed");
      expect(completed).toHaveLength(2);
      expect(completed[0]?.data?.usage).toEqual({
        calls: 2,
        inputTokens: 200,
        outputTokens: 50,
        costUsd: 0.0025,
        models: ["p:m"],
      });
    } finally {
      await runtime.close();
    }
  });
});
