/**
 * MongoDB layout of the durable store (official `mongodb` 7 driver), and the mapping between
 * Ordo records and documents.
 *
 * Collections (prefix default `ordo_`; every collection has a TTL index
 * `{ expiresAt: 1 }, expireAfterSeconds: 0` on a BSON Date; documents without `expiresAt` never
 * expire; MongoDB's TTL monitor deletes about every 60 s, `purgeExpired(now)` deletes at once):
 * - `ordo_ledger`: one document per event. Unique `ux_execution_seq` `{ executionId: 1, seq: 1 }`
 *   (the idempotency key: E11000 on re-ship); `{ executionId, category, seq }`,
 *   `{ executionId, stepId, seq }`, `{ traceId }` (sparse). Scalar event fields are stored as is;
 *   `data` is stored as its canonical JSON text in `dataJson`, so arbitrary keys (`$ref`, dotted
 *   names) survive and hashes verify after a round trip.
 * - `ordo_payloads`: `_id` = `"sha256:<hex>"`, `size`, `contentType`, `chunks` (0 = inline `data`
 *   Binary), `owners` (execution ids, indexed), `pinned` (put without an execution: never removed
 *   by `deleteExecution`), `createdAt`.
 * - `ordo_payload_chunks`: payloads above `payloadChunkBytes` (default 8 MiB; documents are
 *   limited to 16 MiB) as ordered chunks `{ _id: "<ref>#<gen>#<n>", ref, gen, n, data }`, unique
 *   `{ ref: 1, gen: 1, n: 1 }`; `gen` is the write generation named by the head's `gen`, so
 *   deleting an orphaned head never deletes a concurrent re-put's chunks. Chunks are written
 *   before their head document, so a head implies data.
 * - `ordo_snapshots`: `_id` = executionId, summary fields native (`pipeline`, `pipelineVersion`,
 *   `status`, `createdAt`, `completedAt`) + `body` (the snapshot's JSON text); indexes
 *   `{ pipeline, createdAt: -1 }`, `{ status, createdAt: -1 }`, `{ createdAt: -1 }`.
 * - `ordo_metrics`: `{ name, value, at, executionId?, labelsJson? }`; `{ name, at }`,
 *   `{ executionId, at }`.
 * - `ordo_spans`: `_id` = `{ traceId, spanId }` (idempotent), `traceId`, `executionId`,
 *   `startAt`, `body`; `{ traceId, startAt }`, `{ executionId, startAt }`.
 */
import { canonicalJson, isOrdoError, OrdoError } from "@ordo/core";
import type { Db, Document, IndexDescription } from "mongodb";
import { LEDGER_EVENT_FIELDS } from "./ledger-append.js";
import type { LedgerEvent } from "./types.js";

/** Collection names for a prefix. */
export function collectionNames(prefix: string) {
  return {
    ledger: `${prefix}ledger`,
    payloads: `${prefix}payloads`,
    chunks: `${prefix}payload_chunks`,
    snapshots: `${prefix}snapshots`,
    metrics: `${prefix}metrics`,
    spans: `${prefix}spans`,
  } as const;
}

/** Names of the collections of one store. */
export type CollectionNames = ReturnType<typeof collectionNames>;

const TTL: IndexDescription = {
  key: { expiresAt: 1 },
  name: "ttl_expires_at",
  expireAfterSeconds: 0,
};

function indexesOf(names: CollectionNames): Record<string, IndexDescription[]> {
  return {
    [names.ledger]: [
      { key: { executionId: 1, seq: 1 }, name: "ux_execution_seq", unique: true },
      { key: { executionId: 1, category: 1, seq: 1 }, name: "ix_execution_category" },
      { key: { executionId: 1, stepId: 1, seq: 1 }, name: "ix_execution_step" },
      { key: { traceId: 1 }, name: "ix_trace", sparse: true },
      TTL,
    ],
    [names.payloads]: [{ key: { owners: 1 }, name: "ix_owners" }, TTL],
    [names.chunks]: [{ key: { ref: 1, gen: 1, n: 1 }, name: "ux_ref_gen_n", unique: true }, TTL],
    [names.snapshots]: [
      { key: { pipeline: 1, createdAt: -1 }, name: "ix_pipeline_created" },
      { key: { status: 1, createdAt: -1 }, name: "ix_status_created" },
      { key: { createdAt: -1 }, name: "ix_created" },
      TTL,
    ],
    [names.metrics]: [
      { key: { name: 1, at: 1 }, name: "ix_name_at" },
      { key: { executionId: 1, at: 1 }, name: "ix_execution_at" },
      TTL,
    ],
    [names.spans]: [
      { key: { traceId: 1, startAt: 1 }, name: "ix_trace_start" },
      { key: { executionId: 1, startAt: 1 }, name: "ix_execution_start" },
      TTL,
    ],
  };
}

/** Create the collections' indexes (idempotent: existing identical indexes are kept). */
export async function ensureIndexes(db: Db, names: CollectionNames): Promise<void> {
  const all = indexesOf(names);
  await Promise.all(
    Object.entries(all).map(([collection, indexes]) =>
      db.collection(collection).createIndexes(indexes),
    ),
  );
}

/** A `Date` for a TTL field, or nothing when the record never expires. */
export function expiryField(expiresAt: number | null | undefined): { expiresAt?: Date } {
  return expiresAt === undefined || expiresAt === null ? {} : { expiresAt: new Date(expiresAt) };
}

/** The document of a ledger event. */
export function eventToDocument(event: LedgerEvent, expiresAt: number | undefined): Document {
  const doc: Document = {};
  for (const field of LEDGER_EVENT_FIELDS) {
    const value = event[field];
    if (value === undefined || field === "data") continue;
    doc[field] = value;
  }
  if (event.data !== undefined) doc.dataJson = canonicalJson(event.data);
  return { ...doc, ...expiryField(expiresAt) };
}

/** The ledger event of a document (drops `_id`, `expiresAt`; parses `dataJson`). */
export function documentToEvent(doc: Document): LedgerEvent {
  const event: Record<string, unknown> = {};
  for (const field of LEDGER_EVENT_FIELDS) {
    const value = doc[field];
    if (value === undefined || value === null || field === "data") continue;
    event[field] = value;
  }
  if (typeof doc.dataJson === "string") event.data = JSON.parse(doc.dataJson);
  return event as unknown as LedgerEvent;
}

/** True for a duplicate-key error (E11000), alone or as every write error of a bulk write. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, writeErrors } = error as { code?: unknown; writeErrors?: unknown };
  // MongoBulkWriteError.writeErrors is one WriteError or an array of them.
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length > 0) return list.every((e: { code?: unknown }) => e.code === 11000);
  return code === 11000;
}

/** Bytes of a BSON Binary (or a Buffer when the driver promoted it). */
export function bytesOf(value: unknown): Buffer {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const binary = value as { buffer: Uint8Array; position: number };
  return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.position);
}

// Driver error classes for a lost or unreachable server (their `name`).
const NETWORK_ERRORS =
  /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|TopologyClosed|ClientClosed|ServerClosed|OperationTimeout|StalePrimary)Error$/;
// Server codes of a primary stepping down or shutting down: the write may succeed on the next
// primary (NotWritablePrimary, NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary,
// PrimarySteppedDown, ShutdownInProgress, InterruptedAtShutdown,
// InterruptedDueToReplStateChange, HostUnreachable, HostNotFound, NetworkTimeout,
// SocketException, ExceededTimeLimit).
const TRANSIENT_CODES = new Set([10107, 13435, 13436, 189, 91, 11600, 11602, 6, 7, 89, 9001, 262]);

/**
 * A driver error as an `OrdoError`: retryable `CONNECTION` when the server was unreachable or
 * the driver labels the error retryable (`RetryableWriteError`, `TransientTransactionError`;
 * the driver already retried once), or the code says the primary is changing; else `INTERNAL`.
 * An `OrdoError` passes through.
 *
 * @example
 * ```ts
 * mongoErrorToOrdo(new MongoServerError({ message: "not primary", code: 10107 }), "append").code; // "CONNECTION"
 * ```
 */
export function mongoErrorToOrdo(error: unknown, action: string): OrdoError {
  if (isOrdoError(error)) return error;
  const e = (error ?? {}) as { name?: unknown; code?: unknown };
  const labels = labelsOf(error);
  const transient =
    (typeof e.name === "string" && NETWORK_ERRORS.test(e.name)) ||
    labels.includes("RetryableWriteError") ||
    labels.includes("TransientTransactionError") ||
    (typeof e.code === "number" && TRANSIENT_CODES.has(e.code));
  return new OrdoError(
    transient ? "CONNECTION" : "INTERNAL",
    `MongoDB failed to ${action}: ${String(error)}`,
    { retryable: transient, cause: error },
  );
}

/** The driver's error labels; a getter over internal state, so tolerate objects it does not fit. */
function labelsOf(error: unknown): unknown[] {
  try {
    const labels = (error as { errorLabels?: unknown } | null)?.errorLabels;
    return Array.isArray(labels) ? labels : [];
  } catch {
    return [];
  }
}
