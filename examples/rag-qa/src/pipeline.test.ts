/**
 * The RAG example really runs: the handbook is embedded through the local OpenAI-compatible
 * server, each question goes retrieve -> compose -> answer -> cite on the embedded runtime, then
 * waits in `approve` (human input) until the test answers with `submitInput`; the answers must
 * cite the page that holds the answer.
 */

import { createEmbeddedRuntime, type EmbeddedRuntime } from "@ordo/runtime";
import { isOrdoError } from "@ordo/step";
import { type OpenAiServer, startOpenAiServer } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { handbook } from "./handbook.js";
import { extractiveAnswerer } from "./model.js";
import ragQa, { type RagQaAnswer, sampleQuestions } from "./pipeline.js";
import { createRagQaPlugins } from "./plugins.js";
import { awaitApprovalRequest } from "./review.js";

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
    "'$question' is answered from $expect, waits for approval, is approved",
    async ({ question, expect: page }) => {
      const run = await ordo.client.start<RagQaAnswer>(ragQa, { question });
      const request = await awaitApprovalRequest(ordo.client, run.executionId);
      expect(request).toMatchObject({ citations: [page], grounded: true });
      // Parked: nothing after `approve`, the execution is still running.
      const parked = await run.status();
      expect(parked.status).toBe("running");
      expect(parked.steps.approve?.status).toBe("waiting");

      await ordo.client.submitInput(
        run.executionId,
        "approve",
        { approved: true },
        {
          respondedBy: "ana",
        },
      );
      const result = await run.result({ timeoutMs: 20_000 });
      expect(result).toMatchObject({ citations: [page], approved: true, reviewer: "ana" });
      // The answer is a sentence of the cited page, marked with that page's citation number.
      expect(result.answer).toMatch(/ \[[1-3]\]$/);
      expect(textOf(page)).toContain(result.answer.replace(/ \[\d\]$/, ""));

      const state = await run.status();
      expect(state.status).toBe("completed");
      const retrieved = state.steps.retrieve?.output as { documents: { id: string }[] };
      expect(retrieved.documents).toHaveLength(3);
      expect(retrieved.documents.map((d) => d.id)).toContain(page);
      expect(state.steps.answer?.output).toMatchObject({ provider: "local", model: "fake-small" });
    },
  );

  test("an off-topic answer cites nothing; the reviewer rejects it; a malformed answer is refused", async () => {
    const run = await ordo.client.start<RagQaAnswer>(ragQa, {
      question: "What is the capital of Peru?",
    });
    const request = await awaitApprovalRequest(ordo.client, run.executionId);
    expect(request).toMatchObject({ citations: [], grounded: false });
    const malformed = await ordo.client
      .submitInput(run.executionId, "approve", { approved: "yes" })
      .catch((e: unknown) => e);
    expect(isOrdoError(malformed) && malformed.code).toBe("INPUT_INVALID");

    await ordo.client.submitInput(run.executionId, "approve", {
      approved: false,
      note: "off-topic",
    });
    const result = await run.result({ timeoutMs: 20_000 });
    expect(result).toMatchObject({ citations: [], approved: false, note: "off-topic" });
    const again = await ordo.client
      .submitInput(run.executionId, "approve", { approved: true })
      .catch((e: unknown) => e);
    expect(isOrdoError(again) && again.code).toBe("INPUT_NOT_AWAITED");
  });
});
