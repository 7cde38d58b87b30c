/**
 * Payload writes and releases on MongoDB, against an in-process stand-in for the handful of
 * collection operations they use (no server here): chunk generations keep a concurrent re-put of
 * the same content intact while `deleteExecution` removes the orphaned head it replaces.
 */
import { sha256Hex } from "@ordo/core";
import { describe, expect, it } from "vitest";
import {
  getMongoPayload,
  type PayloadCollections,
  putMongoPayload,
  releaseMongoPayloads,
} from "./mongo-payloads.js";

type Doc = Record<string, unknown>;

function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    const value = doc[key];
    if (cond !== null && typeof cond === "object" && !Array.isArray(cond)) {
      const c = cond as Doc;
      if ("$size" in c) return Array.isArray(value) && value.length === c.$size;
      if ("$ne" in c) return value !== c.$ne;
    }
    if (Array.isArray(value) && !Array.isArray(cond)) return value.includes(cond);
    return value === cond;
  });
}

function applyUpdate(doc: Doc, update: Doc, inserting: boolean): void {
  for (const [op, fields] of Object.entries(update) as [string, Doc][]) {
    for (const [key, v] of Object.entries(fields)) {
      if (op === "$set" || (op === "$setOnInsert" && inserting)) doc[key] = v;
      else if (op === "$unset") delete doc[key];
      else if (op === "$addToSet") {
        const list = (doc[key] as unknown[] | undefined) ?? [];
        if (!list.includes(v)) list.push(v);
        doc[key] = list;
      } else if (op === "$pull") {
        doc[key] = ((doc[key] as unknown[] | undefined) ?? []).filter((x) => x !== v);
      }
    }
  }
}

/** The subset of `Collection` the payload functions call, over a Map. */
function fakeCollection(hooks: { beforeFindOneAndDelete?: () => Promise<void> } = {}) {
  const docs = new Map<unknown, Doc>();
  const find = (filter: Doc) => [...docs.values()].filter((d) => matches(d, filter));
  const collection = {
    docs,
    async findOne(filter: Doc) {
      return find(filter)[0] ?? null;
    },
    find(filter: Doc) {
      let list = find(filter);
      const cursor = {
        sort(spec: Doc) {
          const [key] = Object.keys(spec);
          list = [...list].sort((a, b) => Number(a[key!]) - Number(b[key!]));
          return cursor;
        },
        toArray: async () => list.map((d) => ({ ...d })),
      };
      return cursor;
    },
    async updateOne(filter: Doc, update: Doc, options: { upsert?: boolean } = {}) {
      const hit = find(filter)[0];
      if (hit) {
        applyUpdate(hit, update, false);
        return { matchedCount: 1, upsertedCount: 0 };
      }
      if (!options.upsert) return { matchedCount: 0, upsertedCount: 0 };
      const doc: Doc = { ...filter };
      applyUpdate(doc, update, true);
      docs.set(doc._id, doc);
      return { matchedCount: 0, upsertedCount: 1 };
    },
    async updateMany(filter: Doc, update: Doc) {
      for (const d of find(filter)) applyUpdate(d, update, false);
      return {};
    },
    async replaceOne(filter: Doc, replacement: Doc) {
      docs.set(filter._id, { _id: filter._id, ...replacement });
      return {};
    },
    async deleteMany(filter: Doc) {
      const hits = find(filter);
      for (const d of hits) docs.delete(d._id);
      return { deletedCount: hits.length };
    },
    async findOneAndDelete(filter: Doc) {
      const hit = find(filter)[0] ?? null;
      if (hit) docs.delete(hit._id);
      await hooks.beforeFindOneAndDelete?.();
      return hit;
    },
  };
  return collection;
}

function payload(text: string) {
  const bytes = Buffer.from(text);
  return { bytes, ref: `sha256:${sha256Hex(bytes)}`, size: bytes.byteLength };
}

const CHUNK = 4;

describe("MongoDB payloads (stand-in collections)", () => {
  it("stores chunked content under one generation and reads it back", async () => {
    const cols = { payloads: fakeCollection(), chunks: fakeCollection() };
    const c = cols as unknown as PayloadCollections;
    const p = payload("0123456789");
    await putMongoPayload(c, p, { contentType: "text/plain", executionId: "a" }, CHUNK);
    await putMongoPayload(c, p, { contentType: "text/plain", executionId: "b" }, CHUNK);
    expect(cols.chunks.docs.size).toBe(3);
    const gens = new Set([...cols.chunks.docs.values()].map((d) => d.gen));
    expect([...gens]).toEqual([cols.payloads.docs.get(p.ref)?.gen]);
    expect((await getMongoPayload(c, p.ref))?.bytes.toString()).toBe("0123456789");
    expect(cols.payloads.docs.get(p.ref)?.owners).toEqual(["a", "b"]);
  });

  it("a release that races a re-put of the same content leaves the new copy readable", async () => {
    const p = payload("abcdefghij");
    let cols: {
      payloads: ReturnType<typeof fakeCollection>;
      chunks: ReturnType<typeof fakeCollection>;
    };
    const c = () => cols as unknown as PayloadCollections;
    // Between the orphaned head's deletion and its chunks' deletion, execution "b" stores the
    // same content again (it finds no head, so it writes a new generation).
    const repu = async () => {
      await putMongoPayload(c(), p, { contentType: "text/plain", executionId: "b" }, CHUNK);
    };
    cols = {
      payloads: fakeCollection({ beforeFindOneAndDelete: repu }),
      chunks: fakeCollection(),
    };
    await putMongoPayload(c(), p, { contentType: "text/plain", executionId: "a" }, CHUNK);
    expect(await releaseMongoPayloads(c(), "a")).toBe(1);
    const read = await getMongoPayload(c(), p.ref);
    expect(read?.bytes.toString()).toBe("abcdefghij");
    expect(cols.payloads.docs.get(p.ref)?.owners).toEqual(["b"]);
    // Only the surviving generation's chunks are left.
    expect(cols.chunks.docs.size).toBe(3);
  });

  it("removes a loser's chunks when another writer's head won", async () => {
    const p = payload("0123456789");
    const cols = { payloads: fakeCollection(), chunks: fakeCollection() };
    const c = cols as unknown as PayloadCollections;
    // The head appears between this writer's findOne and its upsert.
    const realFindOne = cols.payloads.findOne.bind(cols.payloads);
    cols.payloads.findOne = async (filter: Doc) => {
      const seen = await realFindOne(filter);
      cols.payloads.findOne = realFindOne;
      await putMongoPayload(c, p, { contentType: "text/plain", executionId: "w1" }, CHUNK);
      return seen;
    };
    await putMongoPayload(c, p, { contentType: "text/plain", executionId: "w2" }, CHUNK);
    expect(cols.chunks.docs.size).toBe(3);
    expect((await getMongoPayload(c, p.ref))?.bytes.toString()).toBe("0123456789");
    expect(cols.payloads.docs.get(p.ref)?.owners).toEqual(["w1", "w2"]);
  });
});
