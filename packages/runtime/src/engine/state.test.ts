import { describe, expect, it } from "vitest";
import { deriveExecutionStatus, executionFingerprint, type StepStatus } from "./state.js";

const graph = new Map([
  ["a", { sink: false, handled: true }],
  ["b", { sink: false, handled: false }],
  ["join", { sink: true, handled: false }],
]);

describe("deriveExecutionStatus", () => {
  const run = (a: StepStatus, b: StepStatus, join: StepStatus, cancel = false) =>
    deriveExecutionStatus(
      new Map([
        ["a", a],
        ["b", b],
        ["join", join],
      ]),
      graph,
      cancel,
    );

  it("is undefined while a step is not terminal", () => {
    expect(run("completed", "running", "pending")).toBeUndefined();
    expect(run("completed", "retry", "pending")).toBeUndefined();
  });
  it("completed when failures are handled and sinks completed", () => {
    expect(run("completed", "completed", "completed")).toBe("completed");
    expect(run("failed", "completed", "completed")).toBe("completed");
  });
  it("failed on an unhandled failure or a sink that did not complete", () => {
    expect(run("completed", "failed", "completed")).toBe("failed");
    expect(run("completed", "completed", "skipped")).toBe("failed");
  });
  it("cancelled wins once everything is terminal", () => {
    expect(run("completed", "cancelled", "cancelled", true)).toBe("cancelled");
  });
});

describe("executionFingerprint", () => {
  it("depends on outcomes and outputs, not on key order", () => {
    const s1 = new Map([
      ["a", { status: "completed" as const, output: { x: 1, y: 2 } }],
      ["b", { status: "failed" as const }],
    ]);
    const s2 = new Map([
      ["b", { status: "failed" as const }],
      ["a", { status: "completed" as const, output: { y: 2, x: 1 } }],
    ]);
    expect(executionFingerprint("d", { q: 1 }, s1)).toBe(executionFingerprint("d", { q: 1 }, s2));
    const s3 = new Map(s1).set("a", { status: "completed", output: { x: 1, y: 3 } });
    expect(executionFingerprint("d", { q: 1 }, s3)).not.toBe(
      executionFingerprint("d", { q: 1 }, s1),
    );
    expect(executionFingerprint("d", { q: 2 }, s1)).not.toBe(
      executionFingerprint("d", { q: 1 }, s1),
    );
  });
});
