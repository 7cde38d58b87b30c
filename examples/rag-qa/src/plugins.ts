/**
 * The worker side of the RAG example: the first-party RAG and LLM plugins wired to an
 * OpenAI-compatible endpoint, plus the example's own `cite` step. The `approve`
 * step is `ordo.human-input`, implemented by the runtime itself: no plugin.
 *
 * Endpoints, keys and the vector index are worker-side objects: they never enter the pipeline IR.
 */
import type { StepPlugin } from "@ordo/step";
import { createLlmStep } from "@ordo/step-llm";
import {
  createRagRetrieveStep,
  InMemoryVectorIndex,
  ingest,
  OpenAiEmbedder,
  ragComposeStep,
  type VectorIndex,
} from "@ordo/step-rag";
import { handbook } from "./handbook.js";
import { cite } from "./steps.js";

/** Where the worker's models live. */
export interface ModelEndpoint {
  /** OpenAI-compatible base URL including `/v1`, e.g. the local server's `baseURL`. */
  readonly baseURL: string;
  /** API key sent as a bearer token. */
  readonly apiKey: string;
  /** Chat model for the `answer` step. Default `fake-small` (a local server model). */
  readonly chatModel?: string;
  /** Embedding model for ingest and retrieval. Default `fake-embed`. */
  readonly embeddingModel?: string;
}

/**
 * Embeds the handbook into a new in-memory index and returns it with the plugins a worker needs
 * for the `rag-qa` pipeline (retrieve over that index as `handbook`, compose, llm, cite).
 *
 * @example
 * ```ts
 * const server = await startOpenAiServer({ responder: extractiveAnswerer, embeddingDimensions: 256 });
 * const { plugins } = await createRagQaPlugins({ baseURL: server.baseURL, apiKey: "local" });
 * const ordo = createEmbeddedRuntime({ plugins });
 * ```
 */
export async function createRagQaPlugins(
  endpoint: ModelEndpoint,
): Promise<{ plugins: StepPlugin[]; index: VectorIndex }> {
  const embedder = new OpenAiEmbedder({
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey,
    model: endpoint.embeddingModel ?? "fake-embed",
  });
  const index = new InMemoryVectorIndex();
  await ingest(handbook, { embedder, index });
  const llm = createLlmStep({
    providers: [
      {
        name: "local",
        baseURL: endpoint.baseURL,
        apiKey: endpoint.apiKey,
        models: [endpoint.chatModel ?? "fake-small"],
      },
    ],
  });
  const retrieve = createRagRetrieveStep({ embedder, indexes: { handbook: index } });
  return { plugins: [retrieve, ragComposeStep, llm, cite], index };
}
