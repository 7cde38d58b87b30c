/**
 * Pure builders of the MongoDB queries {@link MongoVectorIndex} sends (filters, the Atlas
 * `$vectorSearch` pipeline) and the classification of "this server has no vector search" errors,
 * kept apart so they are unit-tested without a server.
 */
import type { RagFilter } from "./contract.js";

/**
 * A metadata filter key MongoDB can address as `metadata.<key>`: a key with a dot would name a
 * nested path and a `$`-prefixed one an operator, so those are matched in the worker only.
 */
function addressable(key: string): boolean {
  return key !== "" && !key.includes(".") && !key.startsWith("$");
}

/**
 * The server-side part of a metadata equality filter, in full `$eq` form joined by `$and`: Atlas
 * `$vectorSearch` rejects the short `{ field: value }` form in its `filter`, and `find` accepts
 * both. Keys MongoDB cannot address (see above) are left out; the caller re-checks every key with
 * `matchesFilter`, which also keeps the in-memory index's strict equality (MongoDB's `$eq` on a
 * scalar also matches an array that contains it).
 *
 * @example
 * ```ts
 * mongoMetadataFilter({ lang: "en", year: 2024 });
 * // { $and: [{ "metadata.lang": { $eq: "en" } }, { "metadata.year": { $eq: 2024 } }] }
 * ```
 */
export function mongoMetadataFilter(filter?: RagFilter): Record<string, unknown> {
  const clauses = Object.entries(filter ?? {})
    .filter(([key]) => addressable(key))
    .map(([key, value]) => ({ [`metadata.${key}`]: { $eq: value } }));
  if (clauses.length === 0) return {};
  if (clauses.length === 1) return clauses[0]!;
  return { $and: clauses };
}

/** What {@link vectorSearchPipeline} needs. */
export interface VectorSearchRequest {
  readonly vector: readonly number[];
  readonly topK: number;
  readonly filter?: RagFilter;
  /** Atlas Vector Search index name. */
  readonly index: string;
  /** `numCandidates` = min(max(topK x this, 100), 10 000). */
  readonly candidateFactor: number;
}

/** Atlas caps `numCandidates` (and so `limit`) at 10 000. */
const MAX_CANDIDATES = 10_000;

/**
 * The Atlas `$vectorSearch` aggregation for a query: ANN over `vector`, the filter pushed down
 * (its fields must be indexed as `filter` fields of the vector index), then the vector dropped and
 * the score added. `numCandidates` is clamped to Atlas's 10 000 and never below `limit`.
 *
 * @example
 * ```ts
 * vectorSearchPipeline({ vector: [0.1, 0.2], topK: 5, index: "vector_index", candidateFactor: 10 });
 * // [{ $vectorSearch: { index: "vector_index", path: "vector", queryVector: [0.1, 0.2],
 * //     numCandidates: 100, limit: 5 } }, { $project: { vector: 0, score: { $meta: "vectorSearchScore" } } }]
 * ```
 */
export function vectorSearchPipeline(request: VectorSearchRequest): Record<string, unknown>[] {
  const limit = Math.min(Math.max(1, Math.floor(request.topK)), MAX_CANDIDATES);
  const candidates = Math.min(
    Math.max(Math.ceil(limit * request.candidateFactor), 100, limit),
    MAX_CANDIDATES,
  );
  const filter = mongoMetadataFilter(request.filter);
  return [
    {
      $vectorSearch: {
        index: request.index,
        path: "vector",
        queryVector: [...request.vector],
        numCandidates: candidates,
        limit,
        ...(Object.keys(filter).length === 0 ? {} : { filter }),
      },
    },
    { $project: { vector: 0, score: { $meta: "vectorSearchScore" } } },
  ];
}

// Server answers meaning "no vector search here" (as opposed to a bad query or a lost network):
// 40324 Unrecognized pipeline stage name (servers before 6.0.11/7.0.2) and 31082
// SearchNotEnabled (Community/Enterprise without a search process). Atlas's "$vectorSearch is not
// allowed or the syntax is incorrect" is left out on purpose: it also reports real query errors,
// which must surface instead of silently turning every later search into a scan.
const UNSUPPORTED_CODES = new Set([40324, 31082]);
const UNSUPPORTED_TEXT =
  /Unrecognized pipeline stage name: '\$vectorSearch'|requires additional configuration/i;

/**
 * True when `error` says the server cannot run `$vectorSearch` at all, so falling back to a scan
 * is right. Network errors, timeouts and other server errors are not: `auto` mode must not switch
 * to full scans for good because of one transient failure.
 *
 * @example
 * ```ts
 * isVectorSearchUnsupported({ code: 40324, message: "Unrecognized pipeline stage name: '$vectorSearch'" }); // true
 * isVectorSearchUnsupported({ name: "MongoNetworkError", message: "connection reset" }); // false
 * ```
 */
export function isVectorSearchUnsupported(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, codeName, message } = error as {
    code?: unknown;
    codeName?: unknown;
    message?: unknown;
  };
  if (typeof code === "number" && UNSUPPORTED_CODES.has(code)) return true;
  if (codeName === "SearchNotEnabled") return true;
  return typeof message === "string" && UNSUPPORTED_TEXT.test(message);
}
