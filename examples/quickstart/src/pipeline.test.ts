/**
 * The quick start really runs: embedded runtime, all eight plugins, the flaky step retried.
 */
import { isOrdoError } from "@ordo/core";
import { createEmbeddedRuntime, type EmbeddedRuntime } from "@ordo/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import supportAnswer, { sampleInput } from "./pipeline.js";
import { plugins } from "./plugins.js";

let ordo: EmbeddedRuntime;
beforeAll(() => {
  ordo = createEmbeddedRuntime({ plugins, concurrency: 4 });
});
afterAll(() => ordo.close());

describe("quick start pipeline", () => {
  test("answers from the rotation article, survives the provider outage, passes its audit", async () => {
    const run = await ordo.client.start(supportAnswer, sampleInput);
    const result = await run.result({ timeoutMs: 15_000 });
    expect(result.citations).toEqual(["kb-101"]);
    expect(result.answer).toMatch(/^Hi Acme Robotics, create a second API key/);
    expect(result.answer).toContain("rotation needs no downtime");
    expect(result.audited).toBe(true);

    const state = await run.status();
    expect(state.status).toBe("completed");
    expect(Object.values(state.steps).every((step) => step.status === "completed")).toBe(true);
    // The first moderation attempt hit the simulated outage; the second ran the check.
    expect(state.steps.moderate).toMatchObject({
      attempt: 2,
      output: { flagged: false, attempt: 2 },
    });
    expect(state.steps.ingest?.attempt).toBe(1);
    expect(state.steps.classify?.output).toMatchObject({ intent: "security" });
    expect(state.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  test("an unknown customer fails the run without retrying and skips what depends on it", async () => {
    const run = await ordo.client.start(supportAnswer, { ...sampleInput, customerId: "c-404" });
    const error = await run.result({ timeoutMs: 15_000 }).catch((e: unknown) => e);
    expect(isOrdoError(error) && error.code).toBe("STEP_FAILED");

    const state = await run.status();
    expect(state.status).toBe("failed");
    expect(state.steps.customer).toMatchObject({ status: "failed", attempt: 1 });
    expect(state.steps.customer?.error).toMatchObject({ code: "NON_RETRYABLE" });
    for (const id of ["compose", "answer", "audit"])
      expect(state.steps[id]?.status).toBe("skipped");
    expect(state.steps.search?.status).toBe("completed");
  });
});
