/**
 * @packageDocumentation
 * `@ordo/step-rag` — the RAG steps: `ordo.rag.retrieve` (embed the query over an OpenAI-compatible
 * embeddings API, search a {@link VectorIndex}: in memory or MongoDB), `ordo.rag.merge`
 * (de-duplicate and fuse lists with reciprocal rank fusion) and `ordo.rag.compose` (a numbered,
 * citable prompt context within a budget). Pipelines use the `rag.*()` declarations of
 * `@ordo/sdk`; workers register these plugins.
 *
 * @example
 * ```ts
 * import {
 *   createRagRetrieveStep,
 *   InMemoryVectorIndex,
 *   ingest,
 *   OpenAiEmbedder,
 *   ragComposeStep,
 *   ragMergeStep,
 * } from "@ordo/step-rag";
 *
 * const embedder = new OpenAiEmbedder({ apiKeyEnv: "OPENAI_API_KEY" });
 * const docs = new InMemoryVectorIndex();
 * await ingest([{ id: "1", text: "Ordo runs pipelines on Redis." }], { embedder, index: docs });
 * export const plugins = [createRagRetrieveStep({ embedder, indexes: { docs } }), ragMergeStep, ragComposeStep];
 * ```
 */

export type { ComposedContext, ComposeOptions, RagComposeStepPlugin } from "./compose.js";
export {
  approxTokenCount,
  composeContext,
  DEFAULT_MAX_CHARS,
  ragComposeStep,
} from "./compose.js";
export type { RagDocument, RagFilter } from "./contract.js";
export {
  ragComposeContract,
  ragDocumentSchema,
  ragMergeContract,
  ragRetrieveContract,
} from "./contract.js";
export type { Embedder, OpenAiEmbedderOptions } from "./embeddings.js";
export { OpenAiEmbedder } from "./embeddings.js";
export type { RagMergeStepPlugin } from "./merge.js";
export { mergeDocuments, RRF_K, ragMergeStep } from "./merge.js";
export type {
  MongoReplaceOne,
  MongoVectorCollection,
  MongoVectorDocument,
  MongoVectorIndexOptions,
} from "./mongo-index.js";
export { MongoVectorIndex } from "./mongo-index.js";
export type { IngestDocument, RagRetrieveStepOptions, RagRetrieveStepPlugin } from "./retrieve.js";
export { createRagRetrieveStep, ingest } from "./retrieve.js";
export type { VectorHit, VectorIndex, VectorQuery, VectorRecord } from "./vector-index.js";
export { cosineSimilarity, InMemoryVectorIndex, matchesFilter } from "./vector-index.js";
