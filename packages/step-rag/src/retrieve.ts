/**
 * `ordo.rag.retrieve`: embed the query, search a {@link VectorIndex}, return the top-k documents.
 * Also `ingest()`, which embeds and stores documents in an index.
 */
import { implementStep, NonRetryableError, type StepPlugin } from "@ordo/step";
import { type RagDocument, ragRetrieveContract } from "./contract.js";
import type { Embedder } from "./embeddings.js";
import type { VectorIndex } from "./vector-index.js";

/** Options of {@link createRagRetrieveStep}: worker-side objects that never enter the IR. */
export interface RagRetrieveStepOptions {
  readonly embedder: Embedder;
  /** Indexes by name; `config.index` picks one. */
  readonly indexes: Readonly<Record<string, VectorIndex>>;
  /** Index used when the step names none. Default: the only index, else `default`. */
  readonly defaultIndex?: string;
  /** Default `topK` when the input gives none. Default 5. */
  readonly defaultTopK?: number;
}

/** The plugin type returned by {@link createRagRetrieveStep}. */
export type RagRetrieveStepPlugin = StepPlugin<
  typeof ragRetrieveContract.input,
  typeof ragRetrieveContract.output,
  NonNullable<typeof ragRetrieveContract.config>
>;

/**
 * Creates the `ordo.rag.retrieve` plugin.
 *
 * @example
 * ```ts
 * import { createRagRetrieveStep, InMemoryVectorIndex, OpenAiEmbedder } from "@ordo/step-rag";
 *
 * export const retrieve = createRagRetrieveStep({
 *   embedder: new OpenAiEmbedder({ apiKeyEnv: "OPENAI_API_KEY" }),
 *   indexes: { docs: new InMemoryVectorIndex() },
 * });
 * ```
 */
export function createRagRetrieveStep(options: RagRetrieveStepOptions): RagRetrieveStepPlugin {
  const names = Object.keys(options.indexes);
  const fallback = options.defaultIndex ?? (names.length === 1 ? names[0] : "default");
  return implementStep(ragRetrieveContract, async (input, ctx) => {
    const name = ctx.config.index ?? fallback ?? "default";
    const index = options.indexes[name];
    if (index === undefined) {
      throw new NonRetryableError(
        `step ${ctx.stepId}: no vector index named '${name}' on this worker (have: ${names.join(", ") || "none"})`,
        { details: { stepId: ctx.stepId, index: name } },
      );
    }
    const model = ctx.config.embeddingModel;
    const [vector] = await options.embedder.embed([input.query], {
      ...(model === undefined ? {} : { model }),
      signal: ctx.signal,
    });
    const hits = await index.search({
      vector: vector ?? [],
      topK: input.topK ?? options.defaultTopK ?? 5,
      ...(input.filter === undefined ? {} : { filter: input.filter }),
      ...(input.minScore === undefined ? {} : { minScore: input.minScore }),
    });
    ctx.logger.info("retrieved documents", { index: name, count: hits.length });
    const documents: RagDocument[] = hits.map((h) => ({
      id: h.id,
      text: h.text,
      score: h.score,
      source: h.source,
      metadata: { ...h.metadata },
    }));
    return { documents };
  });
}

/** A document to ingest. */
export interface IngestDocument {
  readonly id: string;
  readonly text: string;
  /** Default `default`. */
  readonly source?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Embeds documents in batches and upserts them into `index`. Returns the number stored.
 *
 * @example
 * ```ts
 * await ingest([{ id: "faq-1", text: "Ordo runs DAGs on Redis.", metadata: { lang: "en" } }], {
 *   embedder,
 *   index,
 * });
 * ```
 */
export async function ingest(
  documents: readonly IngestDocument[],
  options: { embedder: Embedder; index: VectorIndex; model?: string; batchSize?: number },
): Promise<number> {
  const size = options.batchSize ?? 64;
  for (let start = 0; start < documents.length; start += size) {
    const batch = documents.slice(start, start + size);
    const vectors = await options.embedder.embed(
      batch.map((d) => d.text),
      options.model === undefined ? {} : { model: options.model },
    );
    await options.index.upsert(
      batch.map((d, i) => ({
        id: d.id,
        text: d.text,
        source: d.source ?? "default",
        metadata: d.metadata ?? {},
        vector: vectors[i] ?? [],
      })),
    );
  }
  return documents.length;
}
