/**
 * The vector index interface the retrieve step searches, and an in-memory implementation
 * (exact cosine similarity, metadata equality filters) for tests, demos and small corpora.
 */
import type { RagFilter } from "./contract.js";

/** A document with its embedding, as stored in an index. */
export interface VectorRecord {
  readonly id: string;
  readonly text: string;
  readonly source: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly vector: readonly number[];
}

/** A search request. */
export interface VectorQuery {
  readonly vector: readonly number[];
  /** Maximum number of hits. */
  readonly topK: number;
  /** Every key must equal its value in the record's metadata. */
  readonly filter?: RagFilter;
  /** Hits scoring below this are dropped. */
  readonly minScore?: number;
}

/** A search hit: the record without its vector, and its cosine similarity in [-1, 1]. */
export interface VectorHit {
  readonly id: string;
  readonly text: string;
  readonly source: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly score: number;
}

/**
 * Storage and search of embedded documents. Implementations return hits ordered by score
 * descending, then id ascending (ties must be deterministic).
 *
 * @example
 * ```ts
 * const index: VectorIndex = new InMemoryVectorIndex();
 * await index.upsert([{ id: "a", text: "t", source: "docs", metadata: {}, vector: [1, 0] }]);
 * await index.search({ vector: [1, 0], topK: 1 }); // [{ id: "a", score: 1, ... }]
 * ```
 */
export interface VectorIndex {
  /** Inserts or replaces records by id. */
  upsert(records: readonly VectorRecord[]): Promise<void>;
  search(query: VectorQuery): Promise<VectorHit[]>;
  /** Removes records by id; unknown ids are ignored. */
  delete(ids: readonly string[]): Promise<void>;
}

/**
 * Cosine similarity; 0 when either vector is all zeros. Vectors of different lengths are a
 * programming error (mixed embedding models) and throw.
 *
 * @example
 * ```ts
 * cosineSimilarity([1, 0], [0, 1]); // 0
 * ```
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    throw new RangeError(
      `vector lengths differ (${a.length} vs ${b.length}): mixed embedding models?`,
    );
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** True when every filter key equals the metadata value (strict equality). */
export function matchesFilter(
  metadata: Readonly<Record<string, unknown>>,
  filter?: RagFilter,
): boolean {
  if (filter === undefined) return true;
  return Object.entries(filter).every(([key, value]) => metadata[key] === value);
}

/** Orders hits by score descending, then id, then source (deterministic ties). */
export function compareHits(a: { score: number; id: string; source: string }, b: typeof a): number {
  if (b.score !== a.score) return b.score - a.score;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

/**
 * Exact in-memory index: search is O(records x dimensions). Fine up to tens of thousands of
 * records; use a database index beyond that.
 *
 * @example
 * ```ts
 * const index = new InMemoryVectorIndex();
 * await index.upsert([{ id: "1", text: "red apple", source: "fruit", metadata: { lang: "en" }, vector: [0.6, 0.8] }]);
 * const hits = await index.search({ vector: [0.6, 0.8], topK: 3, filter: { lang: "en" } });
 * ```
 */
export class InMemoryVectorIndex implements VectorIndex {
  readonly #records = new Map<string, VectorRecord>();

  async upsert(records: readonly VectorRecord[]): Promise<void> {
    for (const record of records)
      this.#records.set(record.id, { ...record, vector: [...record.vector] });
  }

  async search(query: VectorQuery): Promise<VectorHit[]> {
    const hits: VectorHit[] = [];
    for (const { vector, ...rest } of this.#records.values()) {
      if (!matchesFilter(rest.metadata, query.filter)) continue;
      const score = cosineSimilarity(query.vector, vector);
      if (query.minScore !== undefined && score < query.minScore) continue;
      hits.push({ ...rest, score });
    }
    return hits.sort(compareHits).slice(0, query.topK);
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#records.delete(id);
  }

  /** Number of stored records. */
  get size(): number {
    return this.#records.size;
  }
}
