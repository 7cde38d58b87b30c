/**
 * Human input (`ordo.human-input` steps) on real Redis with an in-process worker: steps wait
 * without holding a worker slot, answers are checked against the step's schema and accepted once
 * (also under concurrent submits), parallel waits resume independently, a deadline fails the step
 * with STEP_TIMEOUT, and cancel ends waiting steps at once.
 */
import type { JsonValue, PipelineIR } from "@ordo/core";
import { isOrdoError } from "@ordo/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client, ExecutionHandle } from "../../packages/runtime/src/index.js";
import { type TestStep, testIr } from "../runtime/helpers/ir.js";
import { echo } from "../runtime/helpers/plugins.js";
import { type RedisEngine, redisEngine, waitFor } from "./helpers.js";

let engine: RedisEngine;
let client: Client;

beforeAll(async () => {
  // concurrency 1: a waiting step must not hold the only slot.
  engine = await redisEngine("hitl", { plugins: [echo], concurrency: 1 });
  client = engine.client;
});
afterAll(() => engine.close());

const approvalSchema = {
  type: "object",
  properties: { approved: { type: "boolean" } },
  required: ["approved"],
  additionalProperties: false,
};

/** A human-input step with a response schema (what `humanInput(..., { response })` compiles to). */
function human(id: string, inputs: Record<string, JsonValue>, deps: string[] = []): TestStep {
  return { id, type: "ordo.human-input", deps, inputs };
}

function withSchema(ir: PipelineIR, ids: string[]): PipelineIR {
  return {
    ...ir,
    steps: ir.steps.map((s) =>
      ids.includes(s.id) ? { ...s, config: { responseSchema: approvalSchema } } : s,
    ),
  };
}

function waitingOn(run: ExecutionHandle, ids: string[]) {
  return waitFor(
    () => run.status(),
    (s) => ids.every((id) => s.steps[id]?.status === "waiting"),
  );
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return isOrdoError(error) ? error.code : String(error);
  }
  return "ok";
}

describe("human input", () => {
  it("parallel waits resume independently; answers are validated and accepted once", async () => {
    const ir = withSchema(
      testIr([
        human("approve", { prompt: "Ship it?" }),
        human("legal", { prompt: "Legal ok?", timeoutMs: 60_000 }),
        {
          id: "after",
          deps: ["approve", "legal"],
          inputs: { a: { $ref: "steps.approve.output" } },
        },
      ]),
      ["approve", "legal"],
    );
    const run = await client.start(ir, {});
    await waitingOn(run, ["approve", "legal"]);

    expect(await codeOf(client.submitInput(run.executionId, "approve", { approved: "yes" }))).toBe(
      "INPUT_INVALID",
    );
    expect(await codeOf(client.submitInput(run.executionId, "after", {}))).toBe(
      "INPUT_NOT_AWAITED",
    );
    expect(await codeOf(client.submitInput(run.executionId, "nope", {}))).toBe("STEP_NOT_FOUND");

    // Two answers race: exactly one is accepted.
    const results = await Promise.all([
      codeOf(
        client.submitInput(run.executionId, "approve", { approved: true }, { respondedBy: "ana" }),
      ),
      codeOf(
        client.submitInput(run.executionId, "approve", { approved: false }, { respondedBy: "bo" }),
      ),
    ]);
    expect(results.sort()).toEqual(["INPUT_NOT_AWAITED", "ok"]);
    const mid = await run.status();
    expect(mid.steps.approve?.status).toBe("completed");
    expect(mid.steps.legal?.status).toBe("waiting");
    expect(mid.steps.after?.status).toBe("pending");

    await client.submitInput(run.executionId, "legal", { approved: true });
    await run.result({ timeoutMs: 5_000 });
    const done = await run.status();
    expect(done.status).toBe("completed");
    const answer = done.steps.approve?.output as {
      response: { approved: boolean };
      respondedBy: string;
    };
    expect(["ana", "bo"]).toContain(answer.respondedBy);
    expect(answer.response.approved).toBe(answer.respondedBy === "ana");
    expect(done.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const types: string[] = [];
    for await (const e of run.events()) types.push(e.type);
    expect(types.filter((t) => t === "human_input.waiting")).toHaveLength(2);
    expect(types.filter((t) => t === "human_input.submitted")).toHaveLength(2);
  });

  it("a deadline fails the step with STEP_TIMEOUT; a late answer is refused", async () => {
    const ir = testIr([
      human("quick", { prompt: "Answer fast", timeoutMs: 150 }),
      { id: "fallback", deps: ["quick"], trigger: "all_done" },
    ]);
    const run = await client.start(ir, {});
    await waitFor(
      () => run.status(),
      (s) => s.status !== "running",
    );
    const s = await run.status();
    expect(s.steps.quick?.status).toBe("failed");
    expect(s.steps.quick?.error).toMatchObject({ code: "STEP_TIMEOUT" });
    expect(s.steps.fallback?.status).toBe("completed");
    expect(await codeOf(client.submitInput(run.executionId, "quick", "late"))).toBe(
      "INPUT_NOT_AWAITED",
    );
    const types: string[] = [];
    for await (const e of run.events()) types.push(e.type);
    expect(types).toContain("human_input.timed_out");
  });

  it("cancel ends a waiting step at once", async () => {
    const run = await client.start(testIr([human("wait", { prompt: "?" })]), {});
    await waitingOn(run, ["wait"]);
    await client.cancel(run.executionId);
    const s = await run.status();
    expect(s.status).toBe("cancelled");
    expect(s.steps.wait?.status).toBe("cancelled");
    expect(await codeOf(client.submitInput(run.executionId, "wait", 1))).toBe("INPUT_NOT_AWAITED");
  });
});
