/**
 * A worker for the RAG example on Redis: `npm run worker -w @ordo/example-rag-qa -- redis://127.0.0.1:6379`.
 *
 * Models: `OPENAI_BASE_URL` + `OPENAI_API_KEY` name an OpenAI-compatible endpoint serving the
 * `fake-small` and `fake-embed` models (override with `RAG_CHAT_MODEL` / `RAG_EMBEDDING_MODEL`).
 * Without `OPENAI_BASE_URL` the worker starts the local test server in-process, so the example
 * runs with no network. Each worker ingests the handbook into its own in-memory index on start.
 */
import { createWorker } from "@ordo/runtime";
import { startOpenAiServer } from "@ordo/testing";
import { extractiveAnswerer } from "./model.js";
import { createRagQaPlugins } from "./plugins.js";

const connection = process.argv[2] ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const local =
  process.env.OPENAI_BASE_URL === undefined
    ? await startOpenAiServer({ responder: extractiveAnswerer, embeddingDimensions: 256 })
    : undefined;
const { plugins } = await createRagQaPlugins({
  baseURL: local?.baseURL ?? process.env.OPENAI_BASE_URL ?? "",
  apiKey: process.env.OPENAI_API_KEY ?? "local",
  ...(process.env.RAG_CHAT_MODEL === undefined ? {} : { chatModel: process.env.RAG_CHAT_MODEL }),
  ...(process.env.RAG_EMBEDDING_MODEL === undefined
    ? {}
    : { embeddingModel: process.env.RAG_EMBEDDING_MODEL }),
});
const worker = createWorker({ connection, plugins, concurrency: 8 });
console.log(
  `worker ${worker.id} on ${connection}; models at ${local?.baseURL ?? process.env.OPENAI_BASE_URL}`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: finishing in-flight steps`);
    void worker
      .close()
      .then(() => local?.close())
      .then(() => console.log(`closed; stats ${JSON.stringify(worker.stats)}`));
  });
}
