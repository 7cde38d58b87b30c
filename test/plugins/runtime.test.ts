/**
 * The first-party plugins on the real engine (embedded: the same Lua scripts as on Redis, no
 * server needed): a pipeline built with the sdk's `rag.*()` and `llm()` declarations runs on a
 * worker that registers `@ordo/step-rag` and `@ordo/step-llm`, and a provider 429 becomes a
 * `RetryAfterError` the runtime retries after the provider's delay, paying for one answer.
 */

import { createEmbeddedRuntime, type EmbeddedRuntime } from "@ordo/runtime";
import { llm, pipeline, rag, retry as retryPolicy } from "@ordo/sdk";
import { createLlmStep, InMemoryLlmCache } from "@ordo/step-llm";
import {
  createRagRetrieveStep,
  InMemoryVectorIndex,
  ingest,
  OpenAiEmbedder,
  ragComposeStep,
} from "@ordo/step-rag";
import { type OpenAiServer, startOpenAiServer } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const qa = pipeline({
  name: "qa-runtime",
  version: "1.0.0",
  input: z.object({ question: z.string() }),
})
  .step(
    "retrieve",
    rag.retrieve(($) => ({ query: $.input.question, topK: 2 })),
  )
  .step(
    "context",
    rag.compose(($) => ({ documents: $.steps.retrieve.output.documents })),
  )
  .step(
    "answer",
    llm(($) => ({ context: $.steps.context.output.context, prompt: $.input.question }), {
      provider: "local",
      model: "fake-small",
      policies: { retry: retryPolicy.fixed({ maxAttempts: 3, baseDelayMs: 5 }) },
    }),
  )
  .output(($) => ({ answer: $.steps.answer.output.text, cost: $.steps.answer.output.costUsd }));

let server: OpenAiServer;
let ordo: EmbeddedRuntime;

beforeAll(async () => {
  server = await startOpenAiServer();
  const embedder = new OpenAiEmbedder({
    baseURL: server.baseURL,
    apiKey: "k",
    model: "fake-embed",
  });
  const docs = new InMemoryVectorIndex();
  await ingest(
    [
      { id: "redis", text: "Hot state lives in Redis" },
      { id: "ledger", text: "The ledger is a hash chain" },
    ],
    { embedder, index: docs },
  );
  ordo = createEmbeddedRuntime({
    plugins: [
      createRagRetrieveStep({ embedder, indexes: { docs } }),
      ragComposeStep,
      createLlmStep({
        providers: [{ name: "local", baseURL: server.baseURL, apiKey: "k" }],
        cache: new InMemoryLlmCache(),
        prices: { "fake-small": { inputPer1M: 1, outputPer1M: 2 } },
      }),
    ],
    concurrency: 4,
  });
});
afterAll(async () => {
  await ordo?.close();
  await server?.close();
});

describe("first-party plugins on the engine", () => {
  it("runs the sdk pipeline to completion with a priced answer", async () => {
    const run = await ordo.client.start(qa.compile(), { question: "where does hot state live" });
    const result = await run.result({ timeoutMs: 10_000 });
    expect(result.answer).toBe("echo: where does hot state live");
    expect(result.cost).toBeGreaterThan(0);
    const state = await run.status();
    expect(state.steps.answer).toMatchObject({ status: "completed", attempt: 1 });
    expect((state.steps.context!.output as { documentIds: string[] }).documentIds[0]).toBe("redis");
  });

  it("a provider 429 is retried after Retry-After and the answer is paid once", async () => {
    server.reset();
    server.script({ status: 429, retryAfterSeconds: 0.2, endpoint: "chat" });
    const started = Date.now();
    const run = await ordo.client.start(qa.compile(), { question: "what is the ledger" });
    const result = await run.result({ timeoutMs: 10_000 });
    expect(result.answer).toBe("echo: what is the ledger");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const state = await run.status();
    expect(state.steps.answer).toMatchObject({ status: "completed", attempt: 2 });
    const chat = server.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(chat.map((r) => r.status)).toEqual([429, 200]);
  });
});
