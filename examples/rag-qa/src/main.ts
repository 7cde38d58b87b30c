/**
 * `npm start`: starts the local OpenAI-compatible server (no network, no API key), ingests the
 * handbook, runs the RAG pipeline embedded for each sample question and prints the answers.
 * Pass your own question as arguments: `npm start -w @ordo/example-rag-qa -- "Where do I file expenses?"`.
 */
import { createEmbeddedRuntime } from "@ordo/runtime";
import { startOpenAiServer } from "@ordo/testing";
import { extractiveAnswerer } from "./model.js";
import ragQa, { type RagQaAnswer, sampleQuestions } from "./pipeline.js";
import { createRagQaPlugins } from "./plugins.js";

const asked = process.argv.slice(2).join(" ").trim();
const questions = asked.length > 0 ? [asked] : sampleQuestions.map((q) => q.question);

const server = await startOpenAiServer({ responder: extractiveAnswerer, embeddingDimensions: 256 });
const { plugins } = await createRagQaPlugins({ baseURL: server.baseURL, apiKey: "local" });
const ordo = createEmbeddedRuntime({ plugins, concurrency: 4 });
try {
  for (const question of questions) {
    const run = await ordo.client.start<RagQaAnswer>(ragQa, { question });
    const result = await run.result({ timeoutMs: 30_000 });
    console.log(`Q: ${question}`);
    console.log(`A: ${result.answer}`);
    console.log(
      `   cites ${result.citations.join(", ") || "nothing"}; approved: ${result.approved} (${result.reason})\n`,
    );
  }
} finally {
  await ordo.close();
  await server.close();
}
