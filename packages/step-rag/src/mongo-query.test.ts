import { MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { type MongoVectorCollection, MongoVectorIndex } from "./mongo-index.js";
import {
  isVectorSearchUnsupported,
  mongoMetadataFilter,
  vectorSearchPipeline,
} from "./mongo-query.js";
import { InMemoryVectorIndex } from "./vector-index.js";

describe("mongoMetadataFilter", () => {
  it("uses the full $eq form ($vectorSearch rejects the short one) joined by $and", () => {
    expect(mongoMetadataFilter(undefined)).toEqual({});
    expect(mongoMetadataFilter({ lang: "en" })).toEqual({ "metadata.lang": { $eq: "en" } });
    expect(mongoMetadataFilter({ lang: "en", year: 2024, draft: false })).toEqual({
      $and: [
        { "metadata.lang": { $eq: "en" } },
        { "metadata.year": { $eq: 2024 } },
        { "metadata.draft": { $eq: false } },
      ],
    });
  });

  it("leaves out keys MongoDB would read as a path or an operator", () => {
    expect(mongoMetadataFilter({ "a.b": 1, $where: "x", ok: 1 })).toEqual({
      "metadata.ok": { $eq: 1 },
    });
  });
});

describe("vectorSearchPipeline", () => {
  const base = { vector: [0.5, 0.5], index: "vi", candidateFactor: 10 };

  it("builds $vectorSearch with the filter pushed down and the score projected", () => {
    expect(vectorSearchPipeline({ ...base, topK: 5, filter: { lang: "en" } })).toEqual([
      {
        $vectorSearch: {
          index: "vi",
          path: "vector",
          queryVector: [0.5, 0.5],
          numCandidates: 100,
          limit: 5,
          filter: { "metadata.lang": { $eq: "en" } },
        },
      },
      { $project: { vector: 0, score: { $meta: "vectorSearchScore" } } },
    ]);
  });

  it("keeps numCandidates within Atlas's 10 000 and never below limit", () => {
    const stage = (topK: number, candidateFactor = 10) =>
      (
        vectorSearchPipeline({ ...base, topK, candidateFactor })[0] as {
          $vectorSearch: { numCandidates: number; limit: number };
        }
      ).$vectorSearch;
    expect(stage(50)).toMatchObject({ numCandidates: 500, limit: 50 });
    expect(stage(5_000)).toMatchObject({ numCandidates: 10_000, limit: 5_000 });
    expect(stage(20_000)).toMatchObject({ numCandidates: 10_000, limit: 10_000 });
    expect(stage(300, 0.5)).toMatchObject({ numCandidates: 300, limit: 300 });
    expect("filter" in stage(3)).toBe(false);
  });
});

describe("isVectorSearchUnsupported", () => {
  it("recognizes servers without vector search", () => {
    const old = new MongoServerError({
      message: "Unrecognized pipeline stage name: '$vectorSearch'",
      code: 40324,
    });
    const community = new MongoServerError({
      message:
        "Using $vectorSearch requires additional configuration. Please connect to Atlas or an AtlasCLI local deployment to enable.",
      code: 31082,
      codeName: "SearchNotEnabled",
    });
    expect(isVectorSearchUnsupported(old)).toBe(true);
    expect(isVectorSearchUnsupported(community)).toBe(true);
  });

  it("does not take transient or query errors for a missing feature", () => {
    expect(isVectorSearchUnsupported({ name: "MongoNetworkError", message: "reset" })).toBe(false);
    expect(
      isVectorSearchUnsupported(
        new MongoServerError({ message: "Path 'metadata.lang' needs to be indexed as filter" }),
      ),
    ).toBe(false);
    expect(isVectorSearchUnsupported(null)).toBe(false);
  });
});

/** An in-process stand-in for a driver collection: find() applies $eq/$and filters like MongoDB. */
function fakeCollection(docs: Record<string, unknown>[], aggregateError?: unknown) {
  const calls = { aggregate: 0, find: 0 };
  const matches = (doc: Record<string, unknown>, filter: Record<string, unknown>): boolean => {
    if (Array.isArray(filter.$and)) {
      return (filter.$and as Record<string, unknown>[]).every((f) => matches(doc, f));
    }
    return Object.entries(filter).every(([path, cond]) => {
      const value = path
        .split(".")
        .reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], doc);
      const want = (cond as { $eq: unknown }).$eq;
      // MongoDB's equality on a scalar also matches an array containing it.
      return Array.isArray(value) ? value.includes(want) : value === want;
    });
  };
  const collection: MongoVectorCollection = {
    bulkWrite: async () => undefined,
    deleteMany: async () => undefined,
    find: (filter) => {
      calls.find += 1;
      return { toArray: async () => docs.filter((d) => matches(d, filter)) };
    },
    aggregate: () => {
      calls.aggregate += 1;
      return {
        toArray: async () => {
          throw aggregateError;
        },
      };
    },
  };
  return { collection, calls };
}

describe("MongoVectorIndex without Atlas", () => {
  const docs = [
    { _id: "a", text: "A", source: "s", metadata: { tag: "x" }, vector: [1, 0] },
    { _id: "b", text: "B", source: "s", metadata: { tag: ["x", "y"] }, vector: [1, 0] },
    { _id: "c", text: "C", source: "s", metadata: { tag: "y" }, vector: [0, 1] },
  ];

  it("stays on $vectorSearch after a network error, falls back for good on a plain mongod", async () => {
    const network = Object.assign(new Error("connection reset"), { name: "MongoNetworkError" });
    const flaky = fakeCollection(docs, network);
    const index = new MongoVectorIndex(flaky.collection);
    await expect(index.search({ vector: [1, 0], topK: 1 })).rejects.toBe(network);
    expect(index.searchMode).toBe("atlas");

    const plain = fakeCollection(
      docs,
      new MongoServerError({
        message: "Unrecognized pipeline stage name: '$vectorSearch'",
        code: 40324,
      }),
    );
    const fallback = new MongoVectorIndex(plain.collection);
    expect((await fallback.search({ vector: [1, 0], topK: 1 })).map((h) => h.id)).toEqual(["a"]);
    expect(fallback.searchMode).toBe("brute-force");
    await fallback.search({ vector: [1, 0], topK: 1 });
    expect(plain.calls).toEqual({ aggregate: 1, find: 2 });
  });

  it("scans with strict equality, like the in-memory index", async () => {
    const { collection } = fakeCollection(docs);
    const index = new MongoVectorIndex(collection, { mode: "brute-force" });
    const hits = await index.search({ vector: [1, 0], topK: 3, filter: { tag: "x" } });
    // "b" has tag ["x", "y"]: MongoDB's $eq matches it, the strict re-check does not.
    expect(hits.map((h) => h.id)).toEqual(["a"]);
  });
});

describe("MongoVectorIndex scan over a streaming cursor", () => {
  it("keeps the best topK while iterating and matches the in-memory index", async () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const records = Array.from({ length: 60 }, (_, i) => ({
      id: `r${String(i).padStart(2, "0")}`,
      text: `t${i}`,
      source: i % 2 === 0 ? "even" : "odd",
      metadata: { parity: i % 2 },
      // Every 10th record repeats the previous vector: ties are ordered by id.
      vector: i % 10 === 9 ? [] : [rand(), rand(), rand()],
    }));
    for (let i = 9; i < records.length; i += 10) records[i]!.vector = [...records[i - 1]!.vector];
    let iterated = 0;
    const docs = records.map((r) => ({ _id: r.id, ...r }));
    const collection: MongoVectorCollection = {
      bulkWrite: async () => undefined,
      deleteMany: async () => undefined,
      find: () => ({
        toArray: async () => {
          throw new Error("the scan must stream, not buffer");
        },
        async *[Symbol.asyncIterator]() {
          for (const d of docs) {
            iterated += 1;
            yield d;
          }
        },
      }),
      aggregate: () => ({ toArray: async () => [] }),
    };
    const index = new MongoVectorIndex(collection, { mode: "brute-force" });
    const reference = new InMemoryVectorIndex();
    await reference.upsert(records);
    for (const query of [
      { vector: [0.3, -0.2, 0.1], topK: 5 },
      { vector: [0.3, -0.2, 0.1], topK: 7, filter: { parity: 1 } },
      { vector: [-0.1, 0.4, 0.2], topK: 100, minScore: 0.2 },
    ]) {
      const got = await index.search(query);
      const want = await reference.search(query);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
    }
    expect(iterated).toBe(3 * records.length);
  });
});
