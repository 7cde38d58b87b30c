/**
 * Durable store on MongoDB with the official `mongodb` 7 driver: thin and mainstream (insertMany,
 * updateOne with upsert, find, unique and TTL indexes, E11000 for idempotency). Layout, indexes
 * and TTL: see `mongo-schema.ts`.
 */
import { OrdoError } from "@ordo/core";
import { type Collection, type Db, type Document, type Filter, MongoClient } from "mongodb";
import { groupBatch, planAppend } from "./ledger-append.js";
import {
  getMongoPayload,
  type PayloadCollections,
  putMongoPayload,
  releaseMongoPayloads,
} from "./mongo-payloads.js";
import {
  type CollectionNames,
  collectionNames,
  documentToEvent,
  ensureIndexes,
  eventToDocument,
  expiryField,
  isDuplicateKeyError,
  mongoErrorToOrdo,
} from "./mongo-schema.js";
import { findMetrics, findSpans, insertMetrics, upsertSpans } from "./mongo-telemetry.js";
import {
  checkSnapshot,
  closedError,
  DEFAULT_MAX_PAYLOAD_BYTES,
  isPayloadRef,
  limitOf,
  preparePayload,
} from "./records.js";
import type {
  AppendEventsResult,
  DurableStore,
  DurableStoreOptions,
  ExecutionSnapshot,
  LedgerEvent,
  LedgerHead,
  ListSnapshotsQuery,
  MetricPoint,
  MetricQuery,
  PayloadRef,
  PutPayloadOptions,
  ReadEventsQuery,
  RemovalResult,
  RetentionOptions,
  SnapshotSummary,
  SpanQuery,
  SpanRecord,
  StoredPayload,
} from "./types.js";

/** Options of {@link openMongoStore}. */
export interface MongoStoreOptions extends DurableStoreOptions {
  /** Connection string, e.g. `mongodb://localhost:27017/?replicaSet=rs0`. Ignored with `client`. */
  readonly url?: string;
  /** An already connected client to share; the store then does not close it. */
  readonly client?: MongoClient;
  readonly dbName: string;
  /** Collection name prefix. Default `"ordo_"`. */
  readonly collectionPrefix?: string;
  /** Payloads above this many bytes are split into chunk documents. Default 8 MiB, max 15 MiB. */
  readonly payloadChunkBytes?: number;
  /** How long to look for a server before failing with `CONNECTION`, in ms. Default 10 000. */
  readonly serverSelectionTimeoutMS?: number;
}

const MAX_CHUNK_BYTES = 15 * 1024 * 1024;
// A snapshot body is a string inside one document; keep room for the other fields.
const MAX_SNAPSHOT_BYTES = 15 * 1024 * 1024;

/**
 * Connect to MongoDB and open the durable store, creating its collections' indexes (unique
 * `(executionId, seq)`, TTL on `expiresAt`, query indexes). Fails with retryable `CONNECTION`
 * when no server answers.
 *
 * @example
 * ```ts
 * const store = await openMongoStore({ url: process.env.MONGO_URL!, dbName: "ordo" });
 * const head = await store.ledgerHead("exec-1");
 * await store.close();
 * ```
 */
export async function openMongoStore(options: MongoStoreOptions): Promise<DurableStore> {
  const chunkBytes = options.payloadChunkBytes ?? 8 * 1024 * 1024;
  if (!(chunkBytes > 0 && chunkBytes <= MAX_CHUNK_BYTES)) {
    throw new OrdoError(
      "INPUT_INVALID",
      `payloadChunkBytes must be in 1..${MAX_CHUNK_BYTES}, got ${chunkBytes}.`,
    );
  }
  const owned = options.client === undefined;
  if (owned && !options.url) {
    throw new OrdoError("INPUT_INVALID", "openMongoStore needs a `url` or a connected `client`.");
  }
  const client =
    options.client ??
    new MongoClient(options.url!, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
    });
  try {
    if (owned) await client.connect();
    const db = client.db(options.dbName);
    const names = collectionNames(options.collectionPrefix ?? "ordo_");
    await ensureIndexes(db, names);
    return new MongoStore(client, owned, db, names, options, chunkBytes);
  } catch (error) {
    if (owned) await client.close().catch(() => undefined);
    throw mongoErrorToOrdo(error, `open the MongoDB durable store (db '${options.dbName}')`);
  }
}

class MongoStore implements DurableStore {
  readonly kind = "mongo";
  readonly #maxPayloadBytes: number;
  #closed = false;

  constructor(
    private readonly client: MongoClient,
    private readonly ownsClient: boolean,
    private readonly db: Db,
    private readonly names: CollectionNames,
    options: MongoStoreOptions,
    private readonly chunkBytes: number,
  ) {
    this.#maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  #col(name: keyof CollectionNames): Collection<Document> {
    if (this.#closed) throw closedError("MongoDB");
    return this.db.collection(this.names[name]);
  }

  get #payloadCols(): PayloadCollections {
    return { payloads: this.#col("payloads"), chunks: this.#col("chunks") };
  }

  async #run<T>(action: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError("MongoDB");
    try {
      return await fn();
    } catch (error) {
      throw mongoErrorToOrdo(error, action);
    }
  }

  appendEvents(
    events: readonly LedgerEvent[],
    options: RetentionOptions = {},
  ): Promise<AppendEventsResult> {
    return this.#run("append ledger events", async () => {
      const batch = groupBatch(events);
      let appended = 0;
      let duplicates = batch.duplicates;
      for (const group of batch.groups.values()) {
        const result = await this.#appendGroup(group, options.expiresAt);
        appended += result.appended;
        duplicates += result.duplicates;
      }
      return { appended, duplicates };
    });
  }

  /** Insert one execution's events; on E11000 (a concurrent shipper) re-plan against the store. */
  async #appendGroup(group: LedgerEvent[], expiresAt: number | undefined) {
    const ledger = this.#col("ledger");
    const first = group[0]!;
    let appended = 0;
    for (let attempt = 0; ; attempt += 1) {
      const rows = await ledger
        .find(
          { executionId: first.executionId, seq: { $gte: first.seq - 1, $lte: group.at(-1)!.seq } },
          { projection: { _id: 0, seq: 1, hash: 1 } },
        )
        .toArray();
      const plan = planAppend(group, new Map(rows.map((r) => [Number(r.seq), String(r.hash)])));
      // Every event of the group is either inserted by this call or was already stored.
      if (plan.toInsert.length === 0) return { appended, duplicates: group.length - appended };
      try {
        const docs = plan.toInsert.map((e) => eventToDocument(e, expiresAt));
        appended += (await ledger.insertMany(docs, { ordered: true })).insertedCount;
        return { appended, duplicates: group.length - appended };
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= 3) throw error;
        appended += (error as { insertedCount?: number }).insertedCount ?? 0;
      }
    }
  }

  readEvents(executionId: string, query: ReadEventsQuery = {}): Promise<LedgerEvent[]> {
    return this.#run("read ledger events", async () => {
      const filter: Filter<Document> = { executionId, seq: { $gt: query.afterSeq ?? 0 } };
      if (query.category !== undefined) filter.category = query.category;
      if (query.stepId !== undefined) filter.stepId = query.stepId;
      if (query.limit === 0) return [];
      let cursor = this.#col("ledger").find(filter).sort({ seq: 1 });
      if (query.limit !== undefined) cursor = cursor.limit(limitOf(query.limit, 0));
      return (await cursor.toArray()).map(documentToEvent);
    });
  }

  ledgerHead(executionId: string): Promise<LedgerHead | null> {
    return this.#run("read the ledger head", async () => {
      const doc = await this.#col("ledger").findOne(
        { executionId },
        { sort: { seq: -1 }, projection: { seq: 1, hash: 1 } },
      );
      return doc ? { seq: Number(doc.seq), hash: String(doc.hash) } : null;
    });
  }

  putPayload(content: Uint8Array | string, options: PutPayloadOptions): Promise<PayloadRef> {
    return this.#run("store a payload", async () => {
      const prepared = preparePayload(content, this.#maxPayloadBytes);
      await putMongoPayload(this.#payloadCols, prepared, options, this.chunkBytes);
      return { ref: prepared.ref, size: prepared.size };
    });
  }

  getPayload(ref: string): Promise<StoredPayload | null> {
    return this.#run("read a payload", () => getMongoPayload(this.#payloadCols, ref));
  }

  hasPayload(ref: string): Promise<boolean> {
    return this.#run("look up a payload", async () => {
      if (!isPayloadRef(ref)) return false;
      return (
        (await this.#col("payloads").countDocuments({ _id: ref } as Document, { limit: 1 })) > 0
      );
    });
  }

  putSnapshot(snapshot: ExecutionSnapshot, options: RetentionOptions = {}): Promise<void> {
    return this.#run("store a snapshot", async () => {
      checkSnapshot(snapshot);
      const body = JSON.stringify(snapshot);
      if (Buffer.byteLength(body) > MAX_SNAPSHOT_BYTES) {
        throw new OrdoError(
          "PAYLOAD_TOO_LARGE",
          `Snapshot of ${snapshot.executionId} exceeds ${MAX_SNAPSHOT_BYTES} bytes; externalize large step outputs as payloads.`,
          { details: { executionId: snapshot.executionId } },
        );
      }
      const { executionId, pipeline, pipelineVersion, status, createdAt, completedAt } = snapshot;
      const doc = {
        pipeline,
        pipelineVersion,
        status,
        createdAt,
        completedAt,
        body,
        updatedAt: new Date(),
      };
      await this.#col("snapshots").replaceOne(
        { _id: executionId } as Document,
        { ...doc, ...expiryField(options.expiresAt) },
        { upsert: true },
      );
    });
  }

  getSnapshot(executionId: string): Promise<ExecutionSnapshot | null> {
    return this.#run("read a snapshot", async () => {
      const doc = await this.#col("snapshots").findOne({ _id: executionId } as Document);
      return doc ? (JSON.parse(String(doc.body)) as ExecutionSnapshot) : null;
    });
  }

  listSnapshots(query: ListSnapshotsQuery = {}): Promise<SnapshotSummary[]> {
    return this.#run("list snapshots", async () => {
      const filter: Filter<Document> = {};
      if (query.pipeline !== undefined) filter.pipeline = query.pipeline;
      if (query.status !== undefined) filter.status = query.status;
      const limit = limitOf(query.limit, 100);
      if (limit === 0) return [];
      const docs = await this.#col("snapshots")
        .find(filter, { projection: { body: 0 } })
        .sort({ createdAt: -1, _id: 1 })
        .limit(limit)
        .toArray();
      return docs.map((d) => ({
        executionId: String(d._id),
        pipeline: String(d.pipeline),
        pipelineVersion: String(d.pipelineVersion),
        status: String(d.status),
        createdAt: Number(d.createdAt),
        completedAt: d.completedAt === null ? null : Number(d.completedAt),
      }));
    });
  }

  recordMetrics(points: readonly MetricPoint[], options: RetentionOptions = {}): Promise<void> {
    return this.#run("record metrics", () => insertMetrics(this.#col("metrics"), points, options));
  }

  queryMetrics(query: MetricQuery = {}): Promise<MetricPoint[]> {
    return this.#run("query metrics", () => findMetrics(this.#col("metrics"), query));
  }

  recordSpans(spans: readonly SpanRecord[], options: RetentionOptions = {}): Promise<void> {
    return this.#run("record spans", () => upsertSpans(this.#col("spans"), spans, options));
  }

  querySpans(query: SpanQuery): Promise<SpanRecord[]> {
    return this.#run("query spans", () => findSpans(this.#col("spans"), query));
  }

  purgeExpired(now: number = Date.now()): Promise<RemovalResult> {
    return this.#run("purge expired records", async () => {
      const expired = { expiresAt: { $lte: new Date(now) } };
      const purge = async (name: keyof CollectionNames) =>
        (await this.#col(name).deleteMany(expired)).deletedCount;
      const [events, snapshots, payloads, metrics, spans] = await Promise.all([
        purge("ledger"),
        purge("snapshots"),
        purge("payloads"),
        purge("metrics"),
        purge("spans"),
        purge("chunks"),
      ]);
      return { events, snapshots, payloads, metrics, spans };
    });
  }

  deleteExecution(executionId: string): Promise<RemovalResult> {
    return this.#run("delete an execution", async () => {
      const byExecution = { executionId };
      const payloads = await releaseMongoPayloads(this.#payloadCols, executionId);
      const [events, snapshots, metrics, spans] = await Promise.all([
        this.#col("ledger").deleteMany(byExecution),
        this.#col("snapshots").deleteOne({ _id: executionId } as Document),
        this.#col("metrics").deleteMany(byExecution),
        this.#col("spans").deleteMany(byExecution),
      ]);
      return {
        events: events.deletedCount,
        snapshots: snapshots.deletedCount,
        payloads,
        metrics: metrics.deletedCount,
        spans: spans.deletedCount,
      };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.ownsClient) await this.client.close();
  }
}
