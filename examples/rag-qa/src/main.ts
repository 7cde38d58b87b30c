/**
 * `npm start`: starts the local OpenAI-compatible server (no network, no API key), ingests the
 * handbook, runs the RAG pipeline embedded for each sample question and prints the answers.
 * The `approve` step waits for a person; here the script plays the reviewer with a rule (approve
 * answers that cite a page, reject the rest) and answers through `client.submitInput`.
 * Pass your own question as arguments: `npm start -w @ordo/example-rag-qa -- "Where do I file expenses?"`.
 */
import { createEmbeddedRuntime } from "@ordo/runtime";
import { startOpenAiServer } from "@ordo/testing";
import { extractiveAnswerer } from "./model.js";
import ragQa, { type RagQaAnswer, sampleQuestions } from "./pipeline.js";
import { createRagQaPlugins } from "./plugins.js";
import { awaitApprovalRequest } from "./review.js";

const asked = process.argv.slice(2).join(" ").trim();
const questions = asked.length > 0 ? [asked] : sampleQuestions.map((q) => q.question);

const server = await startOpenAiServer({ responder: extractiveAnswerer, embeddingDimensions: 256 });
const { plugins } = await createRagQaPlugins({ baseURL: server.baseURL, apiKey: "local" });
const ordo = createEmbeddedRuntime({ plugins, concurrency: 4 });
try {
  for (const question of questions) {
    const run = await ordo.client.start<RagQaAnswer>(ragQa, { question });
    const request = await awaitApprovalRequest(ordo.client, run.executionId);
    console.log(`Q: ${question}\nA: ${request.answer}\n   waiting for approval...`);
    await ordo.client.submitInput(
      run.executionId,
      "approve",
      request.grounded ? { approved: true } : { approved: false, note: "cites no handbook page" },
      { respondedBy: "console-reviewer" },
    );
    const result = await run.result({ timeoutMs: 30_000 });
    const cites = result.citations.join(", ") || "nothing";
    console.log(
      `   cites ${cites}; approved: ${result.approved} by ${result.reviewer}${result.note ? ` (${result.note})` : ""}\n`,
    );
  }
} finally {
  await ordo.close();
  await server.close();
}
