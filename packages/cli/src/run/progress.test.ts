import type { HotLedgerEvent } from "@ordo/runtime";
import { describe, expect, test } from "vitest";
import { memoryIO } from "../io.js";
import { ProgressPrinter } from "./progress.js";
import { buildReport, exitCodeOf, formatReport } from "./report.js";

function event(type: string, fields: Partial<HotLedgerEvent> = {}): HotLedgerEvent {
  return {
    id: "1-0",
    executionId: "e",
    seq: 1,
    type,
    category: type.split(".")[0]!,
    at: 1_000,
    ...fields,
  };
}

describe("ProgressPrinter", () => {
  test("one line per step event, durations from claim to done, a bar after final states", () => {
    const io = memoryIO();
    const printer = new ProgressPrinter(io.stdout, ["fetch", "summarize"], {
      bar: true,
      barWidth: 10,
    });
    printer.onEvent(event("execution.created"));
    printer.onEvent(
      event("step.claimed", { stepId: "fetch", workerId: "worker-1", attempt: 1, at: 1_000 }),
    );
    printer.onEvent(
      event("step.retry_scheduled", {
        stepId: "fetch",
        workerId: "worker-1",
        attempt: 1,
        reason: "RETRY_AFTER",
        data: { delayMs: 250 },
      }),
    );
    printer.onEvent(
      event("step.claimed", { stepId: "fetch", workerId: "worker-2", attempt: 2, at: 1_300 }),
    );
    printer.onEvent(
      event("step.completed", { stepId: "fetch", workerId: "worker-2", attempt: 2, at: 1_342 }),
    );
    printer.onEvent(event("step.skipped", { stepId: "summarize", reason: "trigger all_success" }));
    expect(io.out().split("\n").slice(0, 5)).toEqual([
      "[CLAIMED]   fetch      worker-1   attempt 1",
      "[RETRY]     fetch      worker-1   attempt 1  RETRY_AFTER, next attempt in 250 ms",
      "[CLAIMED]   fetch      worker-2   attempt 2",
      "[DONE]      fetch      worker-2   attempt 2  42 ms",
      "[#####-----] 1/2 steps",
    ]);
    expect(io.out()).toMatch(/^\[SKIPPED\] +summarize +- +trigger all_success$/m);
    expect(io.out()).toMatch(/^\[#{10}\] 2\/2 steps$/m);
    expect(printer.retries).toBe(1);
    expect([...printer.completedBy]).toEqual([["worker-2", 1]]);
  });

  test("[DENIED] for a step the admission policy refused, apart from [THROTTLED]", () => {
    const io = memoryIO();
    const printer = new ProgressPrinter(io.stdout, ["answer", "search"]);
    printer.onEvent(
      event("concurrency.denied", {
        stepId: "search",
        workerId: "worker-1",
        attempt: 1,
        reason: "provider:openai (3 of 3 running)",
      }),
    );
    printer.onEvent(
      event("policy.denied", {
        stepId: "answer",
        workerId: "worker-2",
        attempt: 1,
        reason: "provider openai blocked (outage); retry in 5000 ms",
        data: { kind: "policy", rule: "blockedProviders", subject: "provider", value: "openai" },
      }),
    );
    printer.onEvent(event("policy.denied", { stepId: "answer", attempt: 1 }));
    expect(io.out().split("\n").slice(0, 3)).toEqual([
      "[THROTTLED] search  worker-1   attempt 1  provider:openai (3 of 3 running)",
      "[DENIED]    answer  worker-2   attempt 1  provider openai blocked (outage); retry in 5000 ms",
      "[DENIED]    answer  -          attempt 1  refused by the admission policy",
    ]);
    // A denial is not a final state: the step is offered again later.
    expect(printer.finished.size).toBe(0);
  });
});

describe("run report", () => {
  test("exit codes by status, failed steps and counts in the text block", () => {
    expect([
      exitCodeOf("completed"),
      exitCodeOf("failed"),
      exitCodeOf("cancelled"),
      exitCodeOf("running"),
    ]).toEqual([0, 1, 3, 0]);
    const report = buildReport({
      executionId: "e-1",
      status: "failed",
      pipeline: "p",
      definitionFingerprint: "d".repeat(64),
      startedAt: 100,
      finishedAt: 350,
      cancelRequested: false,
      input: {},
      steps: {
        a: { status: "completed", attempt: 3, recoveries: 0, output: { x: 1 } },
        b: {
          status: "failed",
          attempt: 1,
          recoveries: 0,
          error: { code: "NON_RETRYABLE", message: "bad" },
        },
      },
    });
    expect(report).toMatchObject({ durationMs: 250, steps: { a: { output: { x: 1 } } } });
    const text = formatReport(report);
    expect(text).toMatch(/^status +failed +\(1\/2 steps completed, 1 failed, 2 retries\)$/m);
    expect(text).toMatch(/^failed step +b: NON_RETRYABLE bad$/m);
    expect(text).not.toMatch(/^fingerprint/m);
  });
});
