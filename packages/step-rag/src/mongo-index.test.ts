/**
 * MongoVectorIndex on a real MongoDB: runs only when MONGO_URL is set (a plain mongod exercises
 * the brute-force path and the `auto` fallback; an Atlas cluster with a `vector_index` exercises
 * `$vectorSearch`). Each run uses a random database, dropped afterwards.
 */
import { randomUUID } from "node:crypto";
import { fakeEmbedding } from "@ordo/testing";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MongoVectorDocument, MongoVectorIndex } from "./mongo-index.js";
import { InMemoryVectorIndex, type VectorRecord } from "./vector-index.js";

const url = process.env.MONGO_URL;
if (url === undefined) {
  console.warn(
    "\n*** MongoVectorIndex tests SKIPPED: set MONGO_URL (e.g. mongodb://127.0.0.1:27017) to run them ***\n",
  );
}

const texts = [
  "red apple pie",
  "green apple",
  "blue car engine",
  "red sports car",
  "apple orchard in spring",
];
const records: VectorRecord[] = texts.map((text, i) => ({
  id: `d${i}`,
  text,
  source: i < 3 ? "a" : "b",
  metadata: { lang: "en", group: i % 2 },
  vector: fakeEmbedding(text, 32),
}));

describe.skipIf(url === undefined)("MongoVectorIndex (MONGO_URL)", () => {
  let client: MongoClient;
  const dbName = `ordo_rag_${randomUUID().replaceAll("-", "")}`;
  beforeAll(async () => {
    client = await new MongoClient(url!).connect();
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  it("brute-force search matches the in-memory index (scores, order, filters, minScore)", async () => {
    const index = new MongoVectorIndex(
      client.db(dbName).collection<MongoVectorDocument>("chunks"),
      {
        mode: "brute-force",
      },
    );
    const reference = new InMemoryVectorIndex();
    await index.upsert(records);
    await reference.upsert(records);
    for (const query of [
      { vector: fakeEmbedding("apple", 32), topK: 3 },
      { vector: fakeEmbedding("red car", 32), topK: 5, filter: { group: 1 } },
      { vector: fakeEmbedding("apple", 32), topK: 5, minScore: 0.3 },
    ]) {
      const got = await index.search(query);
      const want = await reference.search(query);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
      got.forEach((h, i) => {
        expect(h.score).toBeCloseTo(want[i]!.score, 6);
      });
    }
  });

  it("upserts by id, deletes, and auto mode falls back when $vectorSearch is unavailable", async () => {
    const collection = client.db(dbName).collection<MongoVectorDocument>("auto");
    const index = new MongoVectorIndex(collection);
    await index.upsert(records);
    await index.upsert([{ ...records[0]!, text: "replaced" }]);
    expect(await collection.countDocuments()).toBe(records.length);
    const hits = await index.search({ vector: records[0]!.vector, topK: 1 });
    expect(hits[0]).toMatchObject({ id: "d0", text: "replaced", score: expect.closeTo(1, 6) });
    await index.delete(["d0"]);
    const after = await index.search({ vector: records[0]!.vector, topK: 10 });
    expect(after.map((h) => h.id)).not.toContain("d0");
  });
});
