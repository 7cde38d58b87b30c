/**
 * "Never pay twice" on the engine: worker A gets the LLM answer and then goes away before it
 * completes the step (it is released on shutdown, as when a process is stopped); worker B (a new
 * plugin instance with a new cache object over the same directory, as in a new process) runs the
 * step again with the same idempotency key and answers from the durable cache. The local server's
 * request log proves the provider was called once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, createWorker, EmbeddedRedis } from "@ordo/runtime";
import { llm, pipeline } from "@ordo/sdk";
import { defineStep } from "@ordo/step";
import { createLlmStep, FileLlmCache, type LlmOutput } from "@ordo/step-llm";
import { startOpenAiServer } from "@ordo/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const ask = pipeline({ name: "ask", version: "1.0.0", input: z.object({ q: z.string() }) })
  .step(
    "answer",
    llm(($) => ({ prompt: $.input.q }), { provider: "local", model: "fake-small" }),
  )
  .output(($) => ({ text: $.steps.answer.output.text }));

describe("ordo.llm on the engine", () => {
  it("a step rerun after its worker went away is served from the durable cache", async () => {
    const server = await startOpenAiServer();
    const dir = await mkdtemp(join(tmpdir(), "ordo-llm-crash-"));
    const engine = new EmbeddedRedis();
    const connection = { embedded: engine };
    const providers = [{ name: "local", baseURL: server.baseURL, apiKey: "k" }];
    try {
      const real = createLlmStep({ providers, cache: new FileLlmCache(dir) });
      let answered!: () => void;
      const providerAnswered = new Promise<void>((resolve) => {
        answered = resolve;
      });
      // worker A's plugin: same contract; gets the answer, then "dies" before returning
      const dying = defineStep({
        ...real,
        async run(input, ctx) {
          await real.run(input, ctx);
          answered();
          await new Promise((_resolve, reject) => {
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
          });
          throw new Error("unreachable");
        },
      });
      const workerA = createWorker({ connection, plugins: [dying] });
      const client = createClient({ connection });
      const run = await client.start(ask.compile(), { q: "expensive question" });
      await providerAnswered;
      await workerA.close({ release: true });

      const workerB = createWorker({
        connection,
        plugins: [createLlmStep({ providers, cache: new FileLlmCache(dir) })],
      });
      const result = await run.result({ timeoutMs: 10_000 });
      expect(result).toEqual({ text: "echo: expensive question" });
      const answer = (await run.status()).steps.answer?.output as LlmOutput;
      expect(answer.cached).toBe(true);
      expect(answer.costUsd).toBe(0);
      expect(server.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(1);
      await workerB.close();
      await client.close();
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
