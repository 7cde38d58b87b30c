import type { HotLedgerEvent } from "@ordo/runtime";
import { describe, expect, test } from "vitest";
import { throttlingScenario } from "./scenarios.js";
import { summarizeThrottling } from "./throttle-summary.js";

let seq = 0;
function event(type: string, stepId: string, at: number): HotLedgerEvent {
  seq += 1;
  return { id: `${seq}-0`, executionId: "e-1", seq, type, category: "step", at, stepId };
}

describe("summarizeThrottling", () => {
  // throttling-100 limits openai to 3 at once; root and final-join name no provider.
  const ir = throttlingScenario();
  const openai = ir.steps.filter((s) => s.metadata.provider === "openai").map((s) => s.id);

  test("counts policy denials apart from limit denials; neither claim opens an interval", () => {
    const [a, b] = openai as [string, string];
    const events = [
      event("step.claimed", "root", 0),
      event("step.completed", "root", 10),
      event("step.claimed", a, 20),
      event("concurrency.denied", a, 21),
      event("step.claimed", b, 22),
      event("policy.denied", b, 23),
      event("step.claimed", b, 30),
      event("policy.denied", b, 31),
      event("step.claimed", a, 40),
      event("step.completed", a, 50),
      event("step.claimed", b, 45),
      event("step.completed", b, 60),
    ];
    expect(summarizeThrottling(ir, "e-1", events)).toEqual([
      {
        scope: "provider:openai",
        limit: 3,
        // Only the two claims that ran (40-50 and 45-60) overlap; the denied ones never ran.
        observedMax: 2,
        measured: "claims",
        throttled: 1,
        denied: 2,
        respected: true,
      },
    ]);
  });

  test("measures provider calls when the plugins reported them, still counting denials", () => {
    const [a] = openai as [string];
    const runs = [0, 1, 2, 3].map((k) => ({
      executionId: "e-1",
      stepId: a,
      provider: "openai",
      start: 100,
      end: 200 + k,
    }));
    const [summary] = summarizeThrottling(ir, "e-1", [event("policy.denied", a, 5)], runs);
    expect(summary).toMatchObject({
      measured: "provider calls",
      observedMax: 4,
      respected: false,
      denied: 1,
      throttled: 0,
    });
  });
});
