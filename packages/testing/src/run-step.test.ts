import { isOrdoError } from "@ordo/core";
import { defineStep, RetryAfterError } from "@ordo/step";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runStep, tryRunStep } from "./run-step.js";

const greet = defineStep({
  type: "test.greet",
  version: "1.0.0",
  input: z.object({ name: z.string().min(1) }),
  output: z.object({ greeting: z.string(), attempt: z.number(), key: z.string() }),
  config: z.object({ prefix: z.string().default("Hello") }),
  metadata: { provider: "local" },
  async run({ name }, ctx) {
    ctx.logger.info("greeting", { name });
    ctx.emit("greet.progress", { name });
    await ctx.heartbeat();
    return {
      greeting: `${ctx.config.prefix} ${name}`,
      attempt: ctx.attempt,
      key: ctx.idempotencyKey,
    };
  },
});

describe("runStep", () => {
  it("runs with a real context and captures events, logs and heartbeats", async () => {
    const seen: string[] = [];
    const result = await runStep(
      greet,
      { name: "Ada" },
      { config: { prefix: "Hi" }, attempt: 2, onEvent: (e) => seen.push(e.type) },
    );
    expect(result.output).toEqual({ greeting: "Hi Ada", attempt: 2, key: "test-execution:step" });
    expect(result.events).toEqual([{ type: "greet.progress", data: { name: "Ada" } }]);
    expect(result.logs).toEqual([{ level: "info", message: "greeting", data: { name: "Ada" } }]);
    expect(result.heartbeats).toBe(1);
    expect(seen).toEqual(["greet.progress"]);
  });

  it("applies config defaults and merges metadata", async () => {
    const metaStep = defineStep({
      type: "test.meta",
      version: "1.0.0",
      input: z.object({}),
      output: z.object({ provider: z.string(), model: z.string() }),
      metadata: { provider: "p1" },
      async run(_input, ctx) {
        return { provider: ctx.metadata.provider ?? "", model: ctx.metadata.model ?? "" };
      },
    });
    const { output } = await runStep(metaStep, {}, { metadata: { model: "m1" } });
    expect(output).toEqual({ provider: "p1", model: "m1" });
    const defaults = await runStep(greet, { name: "Bo" });
    expect(defaults.output.greeting).toBe("Hello Bo");
  });

  it("rejects invalid input and invalid config with stable codes", async () => {
    const bad = await tryRunStep(greet, { name: "" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && isOrdoError(bad.error) && bad.error.code).toBe("INPUT_INVALID");
    const badConfig = await tryRunStep(greet, { name: "x" }, { config: { prefix: 3 } });
    expect(!badConfig.ok && isOrdoError(badConfig.error) && badConfig.error.code).toBe(
      "IR_INVALID_CONFIG",
    );
  });

  it("rejects output that does not match the schema or is not JSON", async () => {
    const wrong = defineStep({
      type: "test.wrong",
      version: "1.0.0",
      input: z.object({ mode: z.enum(["schema", "json"]) }),
      output: z.object({ n: z.number() }),
      async run({ mode }) {
        return mode === "schema" ? ({ n: "one" } as unknown as { n: number }) : { n: Number.NaN };
      },
    });
    await expect(runStep(wrong, { mode: "schema" })).rejects.toMatchObject({
      code: "OUTPUT_INVALID",
    });
    // zod 4 rejects NaN for z.number(), so either contract check fires; both are stable codes
    await expect(runStep(wrong, { mode: "json" })).rejects.toSatisfy(
      (e: unknown) => isOrdoError(e) && ["OUTPUT_INVALID", "NOT_JSON"].includes(e.code),
    );
  });

  it("passes plugin errors through and keeps what was captured", async () => {
    const limited = defineStep({
      type: "test.limited",
      version: "1.0.0",
      input: z.object({}),
      output: z.object({}),
      async run(_input, ctx) {
        ctx.logger.warn("rate limited");
        throw new RetryAfterError("slow down", 1500);
      },
    });
    const result = await tryRunStep(limited, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(RetryAfterError);
    expect(result.logs[0]?.message).toBe("rate limited");
    await expect(runStep(limited, {})).rejects.toMatchObject({ retryAfterMs: 1500 });
  });

  it("aborts the signal on timeout", async () => {
    const slow = defineStep({
      type: "test.slow",
      version: "1.0.0",
      input: z.object({}),
      output: z.object({}),
      async run(_input, ctx) {
        await new Promise((resolve, reject) => {
          const t = setTimeout(resolve, 5_000);
          ctx.signal.addEventListener("abort", () => {
            clearTimeout(t);
            reject(ctx.signal.reason);
          });
        });
        return {};
      },
    });
    const started = Date.now();
    await expect(runStep(slow, {}, { timeoutMs: 30 })).rejects.toMatchObject({
      code: "STEP_TIMEOUT",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
