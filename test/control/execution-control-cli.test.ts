/**
 * `ordo pause|resume|cancel|input` against Redis, in-process, with a worker of this process:
 * each command changes the execution and wrong-state commands exit non-zero with their code.
 * Also `ordo demo hitl --answer` (embedded): the human-input step is answered and completes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "../../packages/runtime/src/index.js";
import { ordo } from "../cli/helpers.js";
import { testIr } from "../runtime/helpers/ir.js";
import { type RedisEngine, redisEngine } from "./helpers.js";

let engine: RedisEngine;
let client: Client;
let prefix: string;
let url: string;

beforeAll(async () => {
  engine = await redisEngine("ctl-cli", { cancelCheckMs: 50 });
  ({ client, prefix } = engine);
  const connection = engine.redis.connection;
  url =
    typeof connection === "string" ? connection : ((connection as { path?: string }).path ?? "");
});
afterAll(() => engine.close());

const flags = () => ["--redis", url, "--prefix", prefix];

describe("ordo pause / resume / cancel / input", () => {
  it("drive an execution and refuse wrong-state commands with codes", async () => {
    const ir = testIr([
      { id: "a", type: "test.sleep", inputs: { ms: 200 } },
      { id: "ask", type: "ordo.human-input", deps: ["a"], inputs: { prompt: "ok?" } },
      { id: "b", type: "test.sleep", deps: ["ask"], inputs: { ms: 20_000 } },
    ]);
    const run = await client.start(ir, {});
    const paused = await ordo(["pause", run.executionId, ...flags(), "--json"]);
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.out)).toMatchObject({ alreadyPaused: false });
    const again = await ordo(["resume", run.executionId, ...flags()]);
    expect(again.code).toBe(0);
    expect(again.out).toContain("resumed");
    const wrong = await ordo(["resume", run.executionId, ...flags()]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toContain("WRONG_STATE");

    for (let i = 0; i < 100 && (await run.status()).steps.ask?.status !== "waiting"; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const early = await ordo(["input", run.executionId, "b", "yes", ...flags()]);
    expect(early.err).toContain("INPUT_NOT_AWAITED");
    const answered = await ordo([
      "input",
      run.executionId,
      "ask",
      "yes",
      ...flags(),
      "--by",
      "ana",
    ]);
    expect(answered.code).toBe(0);
    expect((await run.status()).steps.ask?.output).toMatchObject({
      response: "yes",
      respondedBy: "ana",
    });

    const cancelled = await ordo(["cancel", run.executionId, ...flags(), "--reason", "test"]);
    expect(cancelled.code).toBe(0);
    for (let i = 0; i < 100 && (await run.status()).status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await run.status()).status).toBe("cancelled");
    expect((await ordo(["cancel", run.executionId, ...flags()])).err).toContain("WRONG_STATE");
  });
});

describe("ordo demo hitl", () => {
  it("answers the approval with --answer and completes", async () => {
    const result = await ordo(["demo", "hitl", "--answer", '"yes"']);
    expect(result.code).toBe(0);
    expect(result.out).toContain("[WAITING]");
    expect(result.out).toContain("[INPUT]");
    expect(result.out).toMatch(/status\s+completed/);
  });

  it("chaos-100 retries its flaky steps, then restores from the snapshot with a matching fingerprint", async () => {
    const result = await ordo(["demo", "chaos-100", "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as {
      status: string;
      replay: { snapshotPersisted: boolean; restored: boolean; match: boolean; before: string };
      workers: Record<string, number>;
    };
    expect(report.status).toBe("completed");
    expect(report.replay).toMatchObject({ snapshotPersisted: true, restored: true, match: true });
    expect(report.replay.before).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(report.workers).length).toBeGreaterThanOrEqual(3);
    expect(result.err.match(/\[RETRY\]/g)).toHaveLength(11);
    expect(result.err.match(/\[KILL\]/g)).toHaveLength(2);
  }, 40_000);

  it("throttling-100 prints [THROTTLED] lines and converges", async () => {
    const result = await ordo(["demo", "throttling-100", "--workers", "3"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\[THROTTLED\] call-\d{3} .*provider:openai \(3 of 3 running\)/);
    expect(result.out).toMatch(/status\s+completed\s+\(100\/100/);
    expect(result.out).toMatch(
      /throttling\s+provider:openai: limit 3, at most 3 at once, \d+ throttled claim\(s\), limit respected/,
    );
  }, 40_000);
});
