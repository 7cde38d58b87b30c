/**
 * A {@link VectorIndex} over a MongoDB collection (pass a `mongodb` driver collection). Search is
 * Atlas `$vectorSearch` when available, else an exact brute-force cosine scan in the worker.
 *
 * Documents are stored as `{ _id: id, text, source, metadata, vector }`; filters apply to
 * `metadata.<key>` with equality.
 */
import type { RagFilter } from "./contract.js";
import {
  compareHits,
  cosineSimilarity,
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
  find(
    filter: Record<string, unknown>,
    options?: Record<string, unknown>,
  ): { toArray(): Promise<Record<string, unknown>[]> };
  aggregate(pipeline: Record<string, unknown>[]): { toArray(): Promise<Record<string, unknown>[]> };
}

/** Options of {@link MongoVectorIndex}. */
export interface MongoVectorIndexOptions {
  /**
   * `atlas`: always `$vectorSearch`; `brute-force`: always scan; `auto` (default): try
   * `$vectorSearch` once and fall back to scanning for good when the server does not support it.
   */
  readonly mode?: "auto" | "atlas" | "brute-force";
  /** Atlas Vector Search index name. Default `vector_index`. */
  readonly atlasIndex?: string;
  /** `numCandidates` = max(topK x this, 100). Default 10. */
  readonly candidateFactor?: number;
}

function filterDocument(filter?: RagFilter): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter ?? {})) doc[`metadata.${key}`] = value;
  return doc;
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
      if (this.#options.mode === "atlas") throw error;
      // a plain mongod answers "$vectorSearch is not allowed / unrecognized stage": scan instead
      this.#atlasUnavailable = true;
      return this.#scan(query);
    }
  }

  async #atlas(query: VectorQuery): Promise<VectorHit[]> {
    const filter = filterDocument(query.filter);
    const docs = await this.#collection
      .aggregate([
        {
          $vectorSearch: {
            index: this.#options.atlasIndex ?? "vector_index",
            path: "vector",
            queryVector: [...query.vector],
            numCandidates: Math.max(query.topK * (this.#options.candidateFactor ?? 10), 100),
            limit: query.topK,
            ...(Object.keys(filter).length === 0 ? {} : { filter }),
          },
        },
        { $project: { vector: 0, score: { $meta: "vectorSearchScore" } } },
      ])
      .toArray();
    // Atlas reports cosine as (1 + cos) / 2; convert back so scores match the scan and the
    // in-memory index, and minScore means the same everywhere
    const hits = docs.map((doc) => hitOf(doc, 2 * Number(doc.score) - 1));
    return hits
      .filter((h) => query.minScore === undefined || h.score >= query.minScore)
      .sort(compareHits);
  }

  async #scan(query: VectorQuery): Promise<VectorHit[]> {
    const docs = await this.#collection.find(filterDocument(query.filter)).toArray();
    const hits: VectorHit[] = [];
    for (const doc of docs) {
      const vector = Array.isArray(doc.vector) ? (doc.vector as number[]) : [];
      const score = cosineSimilarity(query.vector, vector);
      if (query.minScore !== undefined && score < query.minScore) continue;
      hits.push(hitOf(doc, score));
    }
    return hits.sort(compareHits).slice(0, query.topK);
  }
}
