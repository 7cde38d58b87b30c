import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isOrdoError, NonRetryableError, RetryAfterError } from "@ordo/step";
import {
  approxTokens,
  type OpenAiServer,
  runStep,
  startOpenAiServer,
  tryRunStep,
} from "@ordo/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FileLlmCache, InMemoryLlmCache } from "./cache.js";
import { createLlmStep } from "./llm-step.js";
import { responseFormatOf } from "./structured.js";

let server: OpenAiServer;
beforeAll(async () => {
  server = await startOpenAiServer({
    models: {
      "json-broken": { responder: () => "not json" },
      "json-wrong": { responder: () => ({ label: "maybe" }) },
      "slow-model": { latencyMs: 2_000 },
    },
  });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const local = (name: string, models: string[]) => ({
  name,
  baseURL: server.baseURL,
  apiKey: "k",
  models,
});
const chatRequests = () => server.requests.filter((r) => r.path === "/v1/chat/completions");

describe("ordo.llm plugin", () => {
  it("answers, reports usage and prices it with an overridable table", async () => {
    const plugin = createLlmStep({
      prices: { "fake-small": { inputPer1M: 1000, outputPer1M: 2000 } },
    });
    const { output, events } = await runStep(
      plugin,
      { prompt: "what is ordo", system: "be brief", context: ["doc one", "doc two"] },
      { config: { providers: [local("local", ["fake-small"])], temperature: 0 } },
    );
    expect(output.text).toBe("echo: what is ordo");
    expect(output.provider).toBe("local");
    expect(output.model).toBe("fake-small");
    const expectedInput = ["be brief", "Context:\ndoc one\n\ndoc two", "what is ordo"].reduce(
      (sum, t) => sum + approxTokens(t) + 1,
      0,
    );
    expect(output.usage.inputTokens).toBe(expectedInput);
    expect(output.usage.outputTokens).toBe(approxTokens("echo: what is ordo"));
    const expectedCost = (expectedInput * 1000 + output.usage.outputTokens * 2000) / 1e6;
    expect(output.costUsd).toBeCloseTo(expectedCost, 9);
    expect(output.unpriced).toBe(false);
    expect(output.cached).toBe(false);
    expect(events).toContainEqual({
      type: "llm.usage",
      data: expect.objectContaining({ provider: "local", costUsd: output.costUsd, cached: false }),
    });
    const body = chatRequests()[0]?.body as { messages: { role: string }[]; temperature: number };
    expect(body.messages.map((m) => m.role)).toEqual(["system", "system", "user"]);
    expect(body.temperature).toBe(0);
  });

  it("step config prices win over plugin prices; unknown models cost 0 and say so", async () => {
    const plugin = createLlmStep({ prices: { "fake-small": { inputPer1M: 1, outputPer1M: 1 } } });
    const priced = await runStep(
      plugin,
      { prompt: "a" },
      {
        config: {
          providers: [local("l", ["fake-small"])],
          prices: { "fake-small": { inputPer1M: 0, outputPer1M: 0 } },
        },
      },
    );
    expect(priced.output.costUsd).toBe(0);
    expect(priced.output.unpriced).toBe(false);
    const unknown = await runStep(
      plugin,
      { prompt: "a" },
      { config: { providers: [local("l", ["mystery"])] } },
    );
    expect(unknown.output.unpriced).toBe(true);
    expect(unknown.logs.some((l) => l.level === "warn" && l.message.includes("no price"))).toBe(
      true,
    );
  });

  it("streams deltas as llm.delta events", async () => {
    const { output, events } = await runStep(
      createLlmStep(),
      { prompt: "stream these words please" },
      {
        config: { providers: [local("l", ["fake-small"])], stream: true },
      },
    );
    const deltas = events
      .filter((e) => e.type === "llm.delta")
      .map((e) => (e.data as { text: string }).text);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe(output.text);
    expect(output.usage.outputTokens).toBe(approxTokens(output.text));
    expect((chatRequests()[0]!.body as { stream: boolean }).stream).toBe(true);
  });

  it("returns validated structured output from a zod schema", async () => {
    const verdict = z.object({ label: z.enum(["spam", "ham"]), score: z.number() });
    const { output } = await runStep(
      createLlmStep(),
      { prompt: "classify this" },
      {
        config: {
          providers: [local("l", ["fake-small"])],
          responseFormat: responseFormatOf("verdict", verdict),
        },
      },
    );
    expect(verdict.parse(output.json)).toEqual({ label: "spam", score: 0 });
    const sent = chatRequests()[0]?.body as {
      response_format: { type: string; json_schema: { name: string } };
    };
    expect(sent.response_format.type).toBe("json_schema");
    expect(sent.response_format.json_schema.name).toBe("verdict");
  });

  it("rejects a structured answer that is not JSON as retryable, and does not cache it", async () => {
    const plugin = createLlmStep();
    const config = {
      providers: [local("l", ["json-broken"])],
      responseFormat: responseFormatOf("v", z.object({ a: z.string() })),
    };
    const first = await tryRunStep(plugin, { prompt: "x" }, { config });
    expect(!first.ok && isOrdoError(first.error) && first.error.code).toBe("OUTPUT_INVALID");
    expect(!first.ok && isOrdoError(first.error) && first.error.retryable).toBe(true);
    await tryRunStep(plugin, { prompt: "x" }, { config });
    expect(chatRequests()).toHaveLength(2);
  });

  it("rejects a JSON answer that does not match the schema", async () => {
    const result = await tryRunStep(
      createLlmStep(),
      { prompt: "x" },
      {
        config: {
          providers: [local("l", ["json-wrong"])],
          responseFormat: responseFormatOf("v", z.object({ label: z.enum(["spam", "ham"]) })),
        },
      },
    );
    expect(!result.ok && isOrdoError(result.error) && result.error.code).toBe("OUTPUT_INVALID");
  });

  it("maps a 429 to RetryAfterError with the header's delay", async () => {
    server.script({ status: 429, retryAfterSeconds: 1.5 });
    const result = await tryRunStep(
      createLlmStep(),
      { prompt: "x" },
      {
        config: { providers: [local("l", ["fake-small"])] },
      },
    );
    expect(!result.ok && result.error).toBeInstanceOf(RetryAfterError);
    expect(!result.ok && (result.error as RetryAfterError).retryAfterMs).toBe(1500);
  });

  it("fails over to the next model and provider on 429 and 5xx", async () => {
    server.script(
      { status: 429, model: "fake-small", retryAfterSeconds: 9 },
      { status: 503, model: "fake-large" },
    );
    const { output, events } = await runStep(
      createLlmStep(),
      { prompt: "x" },
      {
        config: {
          providers: [
            local("primary", ["fake-small", "fake-large"]),
            local("backup", ["fake-backup"]),
          ],
        },
      },
    );
    expect(output.provider).toBe("backup");
    expect(output.model).toBe("fake-backup");
    expect(output.failovers.map((f) => [f.provider, f.model, f.status])).toEqual([
      ["primary", "fake-small", 429],
      ["primary", "fake-large", 503],
    ]);
    expect(events.filter((e) => e.type === "llm.failover")).toHaveLength(2);
    expect(chatRequests().map((r) => (r.body as { model: string }).model)).toEqual([
      "fake-small",
      "fake-large",
      "fake-backup",
    ]);
  });

  it("gives a retryable error when every provider has a 5xx, RetryAfter when one was limited", async () => {
    server.script({ status: 500 }, { status: 502 });
    const all5xx = await tryRunStep(
      createLlmStep(),
      { prompt: "x" },
      {
        config: { providers: [local("a", ["m1"]), local("b", ["m2"])] },
      },
    );
    expect(
      !all5xx.ok && isOrdoError(all5xx.error) && [all5xx.error.code, all5xx.error.retryable],
    ).toEqual(["STEP_FAILED", true]);
    server.script({ status: 503 }, { status: 429, retryAfterSeconds: 3 });
    const mixed = await tryRunStep(
      createLlmStep(),
      { prompt: "x" },
      {
        config: { providers: [local("a", ["m1"]), local("b", ["m2"])] },
      },
    );
    expect(!mixed.ok && (mixed.error as RetryAfterError).retryAfterMs).toBe(3000);
  });

  it("maps other 4xx to NonRetryableError without failing over", async () => {
    server.script({ status: 400, message: "bad request" });
    const result = await tryRunStep(
      createLlmStep(),
      { prompt: "x" },
      {
        config: { providers: [local("a", ["m1"]), local("b", ["m2"])] },
      },
    );
    expect(!result.ok && result.error).toBeInstanceOf(NonRetryableError);
    expect(chatRequests()).toHaveLength(1);
  });

  it("never pays twice for the same step: cache by fingerprint + idempotency key", async () => {
    const plugin = createLlmStep({
      cache: new InMemoryLlmCache(),
      prices: { "fake-small": { inputPer1M: 1, outputPer1M: 1 } },
    });
    const config = { providers: [local("l", ["fake-small"])] };
    const first = await runStep(
      plugin,
      { prompt: "same" },
      { config, idempotencyKey: "e1:answer" },
    );
    const retry = await runStep(
      plugin,
      { prompt: "same" },
      { config, idempotencyKey: "e1:answer", attempt: 2 },
    );
    expect(chatRequests()).toHaveLength(1);
    expect(retry.output.cached).toBe(true);
    expect(retry.output.costUsd).toBe(0);
    expect(retry.output.answerCostUsd).toBe(first.output.costUsd);
    expect(retry.output.text).toBe(first.output.text);
    await runStep(plugin, { prompt: "same" }, { config, idempotencyKey: "e2:answer" });
    await runStep(plugin, { prompt: "different" }, { config, idempotencyKey: "e1:answer" });
    expect(chatRequests()).toHaveLength(3);
  });

  it("a failing cache write does not fail a paid answer", async () => {
    const broken = {
      get: async () => undefined,
      set: async () => {
        throw new Error("disk full");
      },
    };
    const { output, logs } = await runStep(
      createLlmStep({ cache: broken }),
      { prompt: "q" },
      {
        config: { providers: [local("l", ["fake-small"])] },
      },
    );
    expect(output.text).toBe("echo: q");
    expect(logs.some((l) => l.level === "warn" && l.message.includes("not cached"))).toBe(true);
  });

  it("scope 'request' shares answers across executions; 'off' always calls", async () => {
    const plugin = createLlmStep();
    const shared = { providers: [local("l", ["fake-small"])], cache: "request" as const };
    await runStep(plugin, { prompt: "q" }, { config: shared, idempotencyKey: "e1:s" });
    const replay = await runStep(
      plugin,
      { prompt: "q" },
      { config: shared, idempotencyKey: "e2:s" },
    );
    expect(replay.output.cached).toBe(true);
    expect(chatRequests()).toHaveLength(1);
    const off = { providers: [local("l", ["fake-small"])], cache: "off" as const };
    await runStep(plugin, { prompt: "q" }, { config: off });
    await runStep(plugin, { prompt: "q" }, { config: off });
    expect(chatRequests()).toHaveLength(3);
  });

  it("a recovery after a worker crash reads the durable cache and does not call again", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ordo-llm-cache-"));
    try {
      const config = { providers: [local("l", ["fake-small"])], stream: true };
      // worker 1 gets the answer, then "crashes" before the runtime records completion
      await runStep(
        createLlmStep({ cache: new FileLlmCache(dir) }),
        { prompt: "expensive" },
        { config, idempotencyKey: "e9:answer" },
      );
      // worker 2: a fresh process (new plugin, new cache object) recovers the same step
      const recovered = await runStep(
        createLlmStep({ cache: new FileLlmCache(dir) }),
        { prompt: "expensive" },
        {
          config,
          idempotencyKey: "e9:answer",
          attempt: 1,
        },
      );
      expect(chatRequests()).toHaveLength(1);
      expect(recovered.output.cached).toBe(true);
      expect(recovered.output.text).toBe("echo: expensive");
      expect(recovered.events.find((e) => e.type === "llm.delta")?.data).toMatchObject({
        text: "echo: expensive",
        cached: true,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads API keys from the named environment variable, refuses when missing", async () => {
    const plugin = createLlmStep({ env: { LOCAL_KEY: "secret" } });
    const provider = {
      name: "l",
      baseURL: server.baseURL,
      apiKeyEnv: "LOCAL_KEY",
      models: ["fake-small"],
    };
    await runStep(plugin, { prompt: "x" }, { config: { providers: [provider] } });
    expect(chatRequests()[0]?.headers.authorization).toBe("Bearer secret");
    const missing = await tryRunStep(
      plugin,
      { prompt: "not cached" },
      { config: { providers: [{ ...provider, apiKeyEnv: "NOPE" }] } },
    );
    expect(!missing.ok && missing.error).toBeInstanceOf(NonRetryableError);
  });

  it("uses metadata.model when config names none, and aborts on the step timeout", async () => {
    const plugin = createLlmStep({
      providers: [{ name: "l", baseURL: server.baseURL, apiKey: "k" }],
    });
    const { output } = await runStep(
      plugin,
      { prompt: "x" },
      { metadata: { model: "fake-large" } },
    );
    expect(output.model).toBe("fake-large");
    const started = Date.now();
    const slow = await tryRunStep(
      plugin,
      { prompt: "x" },
      { config: { model: "slow-model" }, timeoutMs: 100 },
    );
    expect(!slow.ok && isOrdoError(slow.error) && slow.error.code).toBe("STEP_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
