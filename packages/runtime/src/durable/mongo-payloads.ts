/**
 * Content-addressed payloads on MongoDB: inline below the chunk size, ordered chunk documents
 * above it (a document is limited to 16 MiB). Layout: see `mongo-schema.ts`.
 */
import { randomUUID } from "node:crypto";
import { OrdoError, sha256Hex } from "@ordo/core";
import type { Collection, Document } from "mongodb";
import { bytesOf, expiryField } from "./mongo-schema.js";
import { isPayloadRef, mergeExpiry } from "./records.js";
import type { PutPayloadOptions, StoredPayload } from "./types.js";

/** The two collections payloads live in. */
export interface PayloadCollections {
  readonly payloads: Collection<Document>;
  readonly chunks: Collection<Document>;
}

/**
 * Store prepared payload bytes; idempotent by ref. Two writers racing on a new ref both succeed
 * with one copy; the loser's `expiresAt` is then not merged (the record keeps the winner's).
 *
 * Chunks belong to one write generation (`gen`, named by the head), so a `deleteExecution`
 * removing an orphaned head deletes only that head's chunks, never the chunks a concurrent writer
 * of the same content is putting; a writer that loses the race for the head removes its own.
 */
export async function putMongoPayload(
  cols: PayloadCollections,
  prepared: { bytes: Buffer; ref: string; size: number },
  options: PutPayloadOptions,
  chunkBytes: number,
): Promise<void> {
  const { bytes, ref, size } = prepared;
  const next = options.expiresAt ?? null;
  const owner = options.executionId;
  const ownership: Document =
    owner === undefined ? { $set: { pinned: true } } : { $addToSet: { owners: owner } };
  const existing = await cols.payloads.findOne({ _id: ref } as Document, {
    projection: { expiresAt: 1, chunks: 1, gen: 1 },
  });
  if (existing) {
    const current = existing.expiresAt instanceof Date ? existing.expiresAt.getTime() : null;
    const merged = mergeExpiry(current, next);
    const expiry =
      merged === null ? { $unset: { expiresAt: "" } } : { $set: { expiresAt: new Date(merged) } };
    const updated = await cols.payloads.updateOne(
      { _id: ref } as Document,
      mergeUpdates(expiry, ownership),
    );
    if (updated.matchedCount === 1) {
      if (existing.chunks > 0) await cols.chunks.updateMany(chunkFilter(ref, existing.gen), expiry);
      return;
    }
    // Deleted (as an orphan, or expired) since the read: store it anew below.
  }
  const chunks = size > chunkBytes ? Math.ceil(size / chunkBytes) : 0;
  const gen = randomUUID();
  if (chunks > 0) await writeChunks(cols.chunks, ref, gen, bytes, chunkBytes, next);
  const head: Document = {
    size,
    contentType: options.contentType,
    chunks,
    createdAt: new Date(),
    ...(chunks === 0 ? { data: bytes } : { gen }),
    ...expiryField(next),
  };
  // A concurrent writer may insert the same ref first: $setOnInsert keeps the first content type.
  const result = await cols.payloads.updateOne(
    { _id: ref } as Document,
    mergeUpdates({ $setOnInsert: head }, ownership),
    { upsert: true },
  );
  // Another writer's head won: its chunks serve reads, ours would only take space.
  if (chunks > 0 && result.upsertedCount === 0) await cols.chunks.deleteMany({ ref, gen });
}

/** Chunks of the head generation `gen` (heads written before generations: all of the ref). */
export function chunkFilter(ref: string, gen: unknown): Document {
  return typeof gen === "string" ? { ref, gen } : { ref };
}

function mergeUpdates(a: Document, b: Document): Document {
  const merged: Document = { ...a };
  for (const [op, fields] of Object.entries(b)) merged[op] = { ...(merged[op] ?? {}), ...fields };
  return merged;
}

async function writeChunks(
  chunks: Collection<Document>,
  ref: string,
  gen: string,
  bytes: Buffer,
  chunkBytes: number,
  expiresAt: number | null,
): Promise<void> {
  for (let n = 0; n * chunkBytes < bytes.byteLength; n += 1) {
    const data = bytes.subarray(n * chunkBytes, (n + 1) * chunkBytes);
    // One chunk per round trip keeps each message far below the 48 MB wire limit.
    await chunks.replaceOne(
      { _id: `${ref}#${gen}#${n}` } as Document,
      { ref, gen, n, data, ...expiryField(expiresAt) },
      { upsert: true },
    );
  }
}

/** Read a payload; `null` when unknown or its chunks are missing (e.g. expired first). */
export async function getMongoPayload(
  cols: PayloadCollections,
  ref: string,
): Promise<StoredPayload | null> {
  if (!isPayloadRef(ref)) return null;
  const head = await cols.payloads.findOne({ _id: ref } as Document);
  if (!head) return null;
  let bytes: Buffer;
  if (head.chunks === 0) {
    bytes = bytesOf(head.data);
  } else {
    const parts = await cols.chunks.find(chunkFilter(ref, head.gen)).sort({ n: 1 }).toArray();
    if (parts.length !== head.chunks || parts.some((p, i) => p.n !== i)) return null;
    bytes = Buffer.concat(parts.map((p) => bytesOf(p.data)));
  }
  if (bytes.byteLength !== head.size || `sha256:${sha256Hex(bytes)}` !== ref) {
    throw new OrdoError(
      "INTERNAL",
      `Payload ${ref} is corrupt in MongoDB: its bytes do not match its hash.`,
      {
        details: { ref },
      },
    );
  }
  return { ref, size: head.size, contentType: String(head.contentType), bytes };
}

/** Remove `executionId` from its payloads' owners and delete those left without owner or pin. */
export async function releaseMongoPayloads(
  cols: PayloadCollections,
  executionId: string,
): Promise<number> {
  const owned = await cols.payloads
    .find({ owners: executionId }, { projection: { _id: 1 } })
    .toArray();
  if (owned.length === 0) return 0;
  await cols.payloads.updateMany({ owners: executionId }, {
    $pull: { owners: executionId },
  } as Document);
  let removed = 0;
  for (const { _id } of owned) {
    // The filter re-checks atomically: a writer that just added an owner or a pin keeps it.
    const orphan = { _id, owners: { $size: 0 }, pinned: { $ne: true } };
    const head = await cols.payloads.findOneAndDelete(orphan, {
      projection: { chunks: 1, gen: 1 },
    });
    if (head !== null) {
      // Only this head's generation: a writer re-putting the same content has its own chunks.
      if (head.chunks > 0) await cols.chunks.deleteMany(chunkFilter(String(_id), head.gen));
      removed += 1;
    }
  }
  return removed;
}
