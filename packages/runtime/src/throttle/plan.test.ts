import type { PipelineIR, StepIR } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { bindPlan, isEmptyPlan, planLimits } from "./plan.js";

function ir(step: Partial<StepIR>, policies?: PipelineIR["policies"]): PipelineIR {
  return {
    ordo: 1,
    name: "p",
    version: "1.0.0",
    input: {},
    steps: [
      {
        id: "s",
        type: "t",
        typeVersion: "1.0.0",
        dependsOn: [],
        inputs: {},
        config: {},
        metadata: {},
        trigger: "all_success",
        schemas: { input: {}, output: {} },
        ...step,
      },
    ],
    ...(policies ? { policies } : {}),
  };
}

describe("planLimits", () => {
  it("resolves scopes against the step's own values and skips what does not apply", () => {
    const doc = ir(
      { metadata: { provider: "OpenAI", model: "gpt-4.1", operation: "llm.chat" } },
      {
        concurrency: [
          { scope: "provider", key: " openai ", limit: 3 },
          { scope: "provider", key: "anthropic", limit: 1 },
          { scope: "model", limit: 2, retryAfterMs: 10 },
          { scope: "tenant", limit: 5 },
          { scope: "execution", limit: 4 },
          { scope: "step", limit: 1 },
        ],
      },
    );
    const plan = planLimits(doc, doc.steps[0]!);
    expect(plan.concurrency.map((c) => c.name)).toEqual([
      "provider:OpenAI",
      "model:OpenAI:gpt-4.1",
      "execution:\u0000execution",
      "step:p:s",
    ]);
    expect(plan.concurrency[1]!.retryAfterMs).toBe(10);
    expect(plan.concurrency[0]!.retryAfterMs).toBe(250);
    expect(plan.blockable).toEqual(["provider:OpenAI", "model:OpenAI:gpt-4.1"]);
    const bound = bindPlan(plan, "e1", "w1");
    expect(bound.concurrency[2]!.name).toBe("execution:e1");
  });

  it("concatenates pipeline and step limits; the tighter one wins for the same key", () => {
    const doc = ir(
      {
        metadata: { provider: "openai" },
        policies: {
          concurrency: [{ scope: "provider", limit: 2 }],
          rateLimits: [{ scope: "provider", unit: "tokens", limit: 9_000, windowMs: 60_000 }],
        },
      },
      {
        concurrency: [
          { scope: "provider", limit: 5 },
          { scope: "global", limit: 100 },
        ],
      },
    );
    const plan = planLimits(doc, doc.steps[0]!);
    expect(plan.concurrency).toEqual([
      { name: "provider:openai", limit: 2, retryAfterMs: 250 },
      { name: "global:*", limit: 100, retryAfterMs: 250 },
    ]);
    expect(plan.rates).toEqual([
      {
        id: "tokens:60000:provider:openai",
        unit: "tokens",
        limit: 9_000,
        windowMs: 60_000,
        reserve: 1_000,
      },
    ]);
  });

  it("a step without limits or provider has an empty plan (no limits call)", () => {
    const doc = ir({}, { concurrency: [{ scope: "provider", limit: 2 }] });
    expect(isEmptyPlan(planLimits(doc, doc.steps[0]!))).toBe(true);
  });
});
