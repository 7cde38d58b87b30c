/**
 * The RAG example really runs: the handbook is embedded through the local OpenAI-compatible
 * server, each question goes retrieve -> compose -> answer -> cite -> approve on the embedded
 * runtime, and the answers must cite the page that holds the answer.
 */
import { createEmbeddedRuntime, type EmbeddedRuntime } from "@ordo/runtime";
import { type OpenAiServer, startOpenAiServer } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { handbook } from "./handbook.js";
import { extractiveAnswerer } from "./model.js";
import ragQa, { type RagQaAnswer, sampleQuestions } from "./pipeline.js";
import { createRagQaPlugins } from "./plugins.js";

let server: OpenAiServer;
let ordo: EmbeddedRuntime;
beforeAll(async () => {
  server = await startOpenAiServer({ responder: extractiveAnswerer, embeddingDimensions: 256 });
  const { plugins } = await createRagQaPlugins({ baseURL: server.baseURL, apiKey: "local" });
  ordo = createEmbeddedRuntime({ plugins, concurrency: 4 });
});
afterAll(async () => {
  await ordo.close();
  await server.close();
});

const textOf = (id: string) => handbook.find((d) => d.id === id)?.text ?? "";

describe("rag-qa pipeline", () => {
  test("ingests every handbook page through the embeddings endpoint", () => {
    const embedded = server.requests
      .filter((r) => r.path === "/v1/embeddings")
      .flatMap((r) => (r.body as { input: string | string[] }).input);
    for (const page of handbook) expect(embedded).toContain(page.text);
  });

  test.each(sampleQuestions)(
    "'$question' is answered from $expect and approved",
    async ({ question, expect: page }) => {
      const run = await ordo.client.start<RagQaAnswer>(ragQa, { question });
      const result = await run.result({ timeoutMs: 20_000 });
      expect(result.citations).toEqual([page]);
      expect(result.approved).toBe(true);
      // The answer is the cited page's first sentence, marked with that page's citation number.
      expect(result.answer).toMatch(/ \[[1-3]\]$/);
      expect(textOf(page).startsWith(result.answer.replace(/ \[\d\]$/, ""))).toBe(true);

      const state = await run.status();
      expect(state.status).toBe("completed");
      const retrieved = state.steps.retrieve?.output as { documents: { id: string }[] };
      expect(retrieved.documents).toHaveLength(3);
      expect(retrieved.documents.map((d) => d.id)).toContain(page);
      expect(state.steps.answer?.output).toMatchObject({ provider: "local", model: "fake-small" });
    },
  );

  test("a question the handbook does not answer cites nothing and is not approved", async () => {
    const run = await ordo.client.start<RagQaAnswer>(ragQa, {
      question: "What is the capital of Peru?",
    });
    const result = await run.result({ timeoutMs: 20_000 });
    expect(result.citations).toEqual([]);
    expect(result.approved).toBe(false);
    expect(result.reason).toMatch(/cites no retrieved source/);
  });
});
