import { isOrdoError } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { decodeStreamEntry, isTerminalEvent } from "./stream.js";

describe("decodeStreamEntry", () => {
  it("maps compact stream fields to a ledger event", () => {
    const { streamId, event } = decodeStreamEntry(
      "1700000000000-3",
      [
        "e",
        "e1",
        "q",
        "7",
        "t",
        "step.retry_scheduled",
        "at",
        "1700000000000",
        "s",
        "b",
        "a",
        "2",
        "w",
        "w1",
        "k",
        "5",
        "r",
        "STEP_FAILED",
        "d",
        '{"delayMs":100}',
        "tr",
        "t1",
        "i",
        "host:1",
      ],
      "qa",
    );
    expect(streamId).toBe("1700000000000-3");
    expect(event).toEqual({
      executionId: "e1",
      seq: 7,
      type: "step.retry_scheduled",
      category: "step",
      at: 1_700_000_000_000,
      stepId: "b",
      attempt: 2,
      workerId: "w1",
      claimToken: "5",
      reason: "STEP_FAILED",
      traceId: "t1",
      instanceId: "host:1",
      pipeline: "qa",
      data: { delayMs: 100 },
    });
  });

  it("wraps non-object data and rejects entries that cannot be chained", () => {
    const base = ["e", "e1", "q", "1", "t", "x.y", "at", "1"];
    expect(decodeStreamEntry("1-0", [...base, "d", "[1]"]).event.data).toEqual({ value: [1] });
    for (const fields of [
      ["q", "1", "t", "x.y"],
      ["e", "e1", "q", "0", "t", "x.y"],
      [...base, "d", "{"],
    ]) {
      let error: unknown;
      try {
        decodeStreamEntry("1-0", fields);
      } catch (e) {
        error = e;
      }
      expect(isOrdoError(error) && error.code).toBe("INPUT_INVALID");
    }
  });

  it("recognises terminal execution events only", () => {
    expect(
      ["execution.completed", "execution.failed", "execution.cancelled"].every(isTerminalEvent),
    ).toBe(true);
    expect(isTerminalEvent("execution.cancel_requested")).toBe(false);
    expect(isTerminalEvent("step.completed")).toBe(false);
  });
});
