/**
 * A {@link VectorIndex} over a MongoDB collection (pass a `mongodb` driver collection). Search is
 * Atlas `$vectorSearch` when available, else an exact brute-force cosine scan in the worker.
 *
 * Documents are stored as `{ _id: id, text, source, metadata, vector }`; filters apply to
 * `metadata.<key>` with strict equality, as in the in-memory index. For `$vectorSearch` the Atlas
 * vector index must use `similarity: "cosine"` on `vector` (scores are converted back from Atlas's
 * `(1 + cos) / 2`) and declare every filtered `metadata.<key>` as a `filter` field.
 */
import {
  isVectorSearchUnsupported,
  mongoMetadataFilter,
  vectorSearchPipeline,
} from "./mongo-query.js";
import {
  compareHits,
  cosineSimilarity,
  matchesFilter,
  type VectorHit,
  type VectorIndex,
  type VectorQuery,
  type VectorRecord,
} from "./vector-index.js";

/**
 * The stored document shape. Type your collection with it:
 * `db.collection<MongoVectorDocument>("chunks")`.
 */
export interface MongoVectorDocument {
  _id: string;
  text: string;
  source: string;
  metadata: Record<string, unknown>;
  vector: number[];
}

/** The one bulk operation the index sends: replace a document by id, inserting it if absent. */
export interface MongoReplaceOne {
  replaceOne: {
    filter: { _id: string };
    replacement: {
      text: string;
      source: string;
      metadata: Record<string, unknown>;
      vector: number[];
    };
    upsert: boolean;
  };
}

/**
 * The part of a `mongodb` `Collection` this index uses; a driver collection satisfies it, so this
 * package needs no dependency on the driver.
 */
export interface MongoVectorCollection {
  bulkWrite(operations: MongoReplaceOne[], options?: { ordered?: boolean }): Promise<unknown>;
  deleteMany(filter: Record<string, unknown>): Promise<unknown>;
  /** A driver `FindCursor` is also async-iterable: the scan then streams instead of buffering. */
  find(
    filter: Record<string, unknown>,
    options?: Record<string, unknown>,
  ): { toArray(): Promise<Record<string, unknown>[]> } & Partial<
    AsyncIterable<Record<string, unknown>>
  >;
  aggregate(pipeline: Record<string, unknown>[]): { toArray(): Promise<Record<string, unknown>[]> };
}

/** Options of {@link MongoVectorIndex}. */
export interface MongoVectorIndexOptions {
  /**
   * `atlas`: always `$vectorSearch`; `brute-force`: always scan; `auto` (default): try
   * `$vectorSearch` and fall back to scanning for good once the server answers that it has no
   * vector search (a plain `mongod`: "Unrecognized pipeline stage" or `SearchNotEnabled`). Other
   * errors (network, timeouts, a missing filter field in the Atlas index) are thrown as they are.
   */
  readonly mode?: "auto" | "atlas" | "brute-force";
  /** Atlas Vector Search index name. Default `vector_index`. */
  readonly atlasIndex?: string;
  /** `numCandidates` = max(topK x this, 100), at most 10 000 (Atlas's cap). Default 10. */
  readonly candidateFactor?: number;
}

function hitOf(doc: Record<string, unknown>, score: number): VectorHit {
  return {
    id: String(doc._id),
    text: typeof doc.text === "string" ? doc.text : "",
    source: typeof doc.source === "string" ? doc.source : "",
    metadata: (doc.metadata as Record<string, unknown> | undefined) ?? {},
    score,
  };
}

/**
 * MongoDB-backed vector index.
 *
 * @example
 * ```ts
 * import { MongoClient } from "mongodb";
 * const client = await new MongoClient(process.env.MONGO_URL!).connect();
 * const index = new MongoVectorIndex(client.db("rag").collection("chunks"), { mode: "auto" });
 * await index.search({ vector, topK: 5, filter: { lang: "en" } });
 * ```
 */
export class MongoVectorIndex implements VectorIndex {
  readonly #collection: MongoVectorCollection;
  readonly #options: MongoVectorIndexOptions;
  #atlasUnavailable = false;

  constructor(collection: MongoVectorCollection, options: MongoVectorIndexOptions = {}) {
    this.#collection = collection;
    this.#options = options;
  }

  async upsert(records: readonly VectorRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#collection.bulkWrite(
      records.map(({ id, text, source, metadata, vector }) => ({
        replaceOne: {
          filter: { _id: id },
          replacement: { text, source, metadata: { ...metadata }, vector: [...vector] },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#collection.deleteMany({ _id: { $in: [...ids] } });
  }

  /** Which search path the next query takes. */
  get searchMode(): "atlas" | "brute-force" {
    const mode = this.#options.mode ?? "auto";
    if (mode === "auto") return this.#atlasUnavailable ? "brute-force" : "atlas";
    return mode;
  }

  async search(query: VectorQuery): Promise<VectorHit[]> {
    if (this.searchMode === "brute-force") return this.#scan(query);
    try {
      return await this.#atlas(query);
    } catch (error) {
      if (this.#options.mode === "atlas" || !isVectorSearchUnsupported(error)) throw error;
      this.#atlasUnavailable = true;
      return this.#scan(query);
    }
  }

  async #atlas(query: VectorQuery): Promise<VectorHit[]> {
    const pipeline = vectorSearchPipeline({
      vector: query.vector,
      topK: query.topK,
      ...(query.filter === undefined ? {} : { filter: query.filter }),
      index: this.#options.atlasIndex ?? "vector_index",
      candidateFactor: this.#options.candidateFactor ?? 10,
    });
    const docs = await this.#collection.aggregate(pipeline).toArray();
    // Atlas reports cosine as (1 + cos) / 2; convert back so scores match the scan and the
    // in-memory index, and minScore means the same everywhere. The strict filter re-check drops
    // what MongoDB's looser equality let through (an array containing the value).
    const hits = docs.map((doc) => hitOf(doc, 2 * Number(doc.score) - 1));
    return hits
      .filter((h) => matchesFilter(h.metadata, query.filter))
      .filter((h) => query.minScore === undefined || h.score >= query.minScore)
      .sort(compareHits);
  }

  /**
   * Exact cosine over every document the filter lets through, streamed from the cursor when it
   * is iterable, keeping only the best `topK` (memory O(topK), not O(collection)).
   */
  async #scan(query: VectorQuery): Promise<VectorHit[]> {
    const cursor = this.#collection.find(mongoMetadataFilter(query.filter));
    const docs: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>> =
      cursor[Symbol.asyncIterator] === undefined
        ? await cursor.toArray()
        : (cursor as AsyncIterable<Record<string, unknown>>);
    const best: VectorHit[] = [];
    for await (const doc of docs) {
      const metadata = (doc.metadata as Record<string, unknown> | undefined) ?? {};
      if (!matchesFilter(metadata, query.filter)) continue;
      const vector = Array.isArray(doc.vector) ? (doc.vector as number[]) : [];
      const score = cosineSimilarity(query.vector, vector);
      if (query.minScore !== undefined && score < query.minScore) continue;
      keepBest(best, hitOf(doc, score), query.topK);
    }
    return best;
  }
}

/** Inserts `hit` into `best` (sorted by {@link compareHits}) and trims it to `k` entries. */
function keepBest(best: VectorHit[], hit: VectorHit, k: number): void {
  if (k <= 0) return;
  if (best.length >= k && compareHits(hit, best[best.length - 1]!) >= 0) return;
  let i = best.length;
  while (i > 0 && compareHits(hit, best[i - 1]!) < 0) i -= 1;
  best.splice(i, 0, hit);
  if (best.length > k) best.pop();
}
