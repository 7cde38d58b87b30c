import { describe, expect, it } from "vitest";
import { type AttemptInfo, Telemetry } from "./telemetry.js";

const base: AttemptInfo = {
  executionId: "e1",
  stepId: "s",
  stepType: "test.echo@1.0.0",
  pipeline: "p",
  attempt: 1,
  recoveries: 0,
};

function waits(info: AttemptInfo) {
  const telemetry = new Telemetry({ mode: "memory" });
  telemetry.startAttempt(info).end("completed");
  return telemetry.sink.metrics().filter((p) => p.name === "ordo.step.queue_wait_ms");
}

describe("Telemetry queue wait", () => {
  it("records claimedAt - readyAt with the attempt's pipeline and step type", () => {
    const points = waits({ ...base, readyAt: 1_000, claimedAt: 1_275 });
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({
      value: 275,
      executionId: "e1",
      labels: { pipeline: "p", step_type: "test.echo@1.0.0" },
    });
  });

  it("clamps a claim in the step's due millisecond to 0", () => {
    expect(waits({ ...base, readyAt: 2_000, claimedAt: 1_999 })[0]?.value).toBe(0);
  });

  it("records nothing when the ready time is unknown (made ready by an older script)", () => {
    expect(waits({ ...base, claimedAt: 1_000 })).toEqual([]);
    expect(waits(base)).toEqual([]);
  });
});
