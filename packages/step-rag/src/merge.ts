/**
 * `ordo.rag.merge`: fuse several ranked document lists into one, de-duplicated by document id.
 * `rrf` (default): reciprocal rank fusion, score = sum over lists of 1 / (k + rank), k = 60, rank
 * 1-based, which rewards documents several retrievers agree on without comparing their raw
 * scores. `score`: keep each document's best raw score and sort by it. Ties break by id, then
 * source, so the result is a pure function of the input.
 */
import { implementStep, type StepPlugin } from "@ordo/step";
import { type RagDocument, ragMergeContract } from "./contract.js";
import { compareHits } from "./vector-index.js";

/** The RRF constant of Cormack et al. (2009); larger values flatten the rank weighting. */
export const RRF_K = 60;

/**
 * Merges ranked lists. Each document keeps the text, source and metadata of its best-ranked
 * occurrence (earliest list on equal rank).
 *
 * @example
 * ```ts
 * const a = [{ id: "x", text: "X", score: 0.9, source: "vec", metadata: {} }];
 * const b = [{ id: "x", text: "X", score: 7.1, source: "bm25", metadata: {} }];
 * mergeDocuments([a, b]); // [{ id: "x", score: 2 / 61, source: "vec", ... }]
 * ```
 */
export function mergeDocuments(
  lists: readonly (readonly RagDocument[])[],
  options: { strategy?: "rrf" | "score"; topK?: number; k?: number } = {},
): RagDocument[] {
  const k = options.k ?? RRF_K;
  const best = new Map<string, { doc: RagDocument; rank: number }>();
  // Ranks per id, summed in ascending order afterwards: a float sum taken in list order would
  // differ in the last bit when the lists come in another order and flip near-ties.
  const ranks = new Map<string, number[]>();
  for (const list of lists) {
    const seen = new Set<string>();
    list.forEach((doc, index) => {
      // a duplicate inside one list counts once, at its best rank
      if (seen.has(doc.id)) return;
      seen.add(doc.id);
      const rank = index + 1;
      ranks.set(doc.id, [...(ranks.get(doc.id) ?? []), rank]);
      const current = best.get(doc.id);
      const better =
        current === undefined ||
        (options.strategy === "score" ? doc.score > current.doc.score : rank < current.rank);
      if (better) best.set(doc.id, { doc, rank });
    });
  }
  const merged = [...best.values()].map(({ doc }) => ({
    ...doc,
    score: options.strategy === "score" ? doc.score : fusedScore(ranks.get(doc.id) ?? [], k),
  }));
  merged.sort(compareHits);
  return options.topK === undefined ? merged : merged.slice(0, options.topK);
}

/** Reciprocal rank fusion of one id's ranks, summed in ascending rank order (order-independent). */
function fusedScore(ranks: readonly number[], k: number): number {
  return [...ranks].sort((a, b) => a - b).reduce((sum, rank) => sum + 1 / (k + rank), 0);
}

/** The plugin type of {@link ragMergeStep}. */
export type RagMergeStepPlugin = StepPlugin<
  typeof ragMergeContract.input,
  typeof ragMergeContract.output
>;

/**
 * The `ordo.rag.merge` plugin (stateless: register it as is).
 *
 * @example
 * ```ts
 * import { createWorker } from "@ordo/runtime";
 * import { ragMergeStep } from "@ordo/step-rag";
 * const worker = createWorker({ connection: "redis://localhost:6379", plugins: [ragMergeStep] });
 * ```
 */
export const ragMergeStep: RagMergeStepPlugin = implementStep(
  ragMergeContract,
  async (input, ctx) => {
    const documents = mergeDocuments(input.lists, {
      strategy: input.strategy ?? "rrf",
      ...(input.topK === undefined ? {} : { topK: input.topK }),
    });
    ctx.logger.debug("merged document lists", {
      lists: input.lists.length,
      raw: input.lists.reduce((n, l) => n + l.length, 0),
      merged: documents.length,
    });
    return { documents };
  },
);
