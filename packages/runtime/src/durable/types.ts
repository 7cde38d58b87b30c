/**
 * The `DurableStore` contract: what the runtime ships out of hot state (Redis or embedded) to
 * MongoDB or SQLite. Every method is async and takes and returns plain JSON-shaped data, so the
 * two backends are interchangeable and covered by one contract suite (`test/durable/contract.ts`).
 */

/** `sha256` hex of 64 zeros: the `prevHash` of an execution's first ledger event (seq 1). */
export const GENESIS_HASH = "0".repeat(64);

/**
 * One entry of an execution's decision ledger. `seq` is 1-based, per execution and contiguous;
 * `hash` = sha256 hex of the canonical JSON of the event without `hash`, and `prevHash` is the hash
 * of event `seq - 1` (or {@link GENESIS_HASH}). Build the chain with `chainEvents`.
 */
export interface LedgerEvent {
  readonly executionId: string;
  readonly seq: number;
  /** `"<category>.<event>"`, e.g. `"step.completed"`. */
  readonly type: string;
  readonly category: string;
  readonly outcome?: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly runId?: string;
  /** A step id, or a pseudo id such as `_claim`, `_recovery`, `_finalization`. */
  readonly stepId?: string;
  readonly attempt?: number;
  readonly workerId?: string;
  readonly instanceId?: string;
  readonly claimToken?: string;
  readonly traceId?: string;
  readonly pipeline?: string;
  readonly reason?: string;
  /** Event-specific JSON data (payload refs, policy names, counters...). */
  readonly data?: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
  readonly hash: string;
}

/** A ledger event before chaining: everything but `seq`-linked hashes. */
export type UnchainedLedgerEvent = Omit<LedgerEvent, "prevHash" | "hash">;

/** The last event of an execution's ledger. */
export interface LedgerHead {
  readonly seq: number;
  readonly hash: string;
}

/** Filters of {@link DurableStore.readEvents}; all optional and combined with AND. */
export interface ReadEventsQuery {
  /** Only events with `seq > afterSeq` (page with the last seq you read). Default 0. */
  readonly afterSeq?: number;
  /** At most this many events. Default: all. */
  readonly limit?: number;
  readonly category?: string;
  readonly stepId?: string;
}

/** What {@link DurableStore.appendEvents} did. */
export interface AppendEventsResult {
  /** Events written now. */
  readonly appended: number;
  /** Events already stored with the same hash (a re-ship), ignored. */
  readonly duplicates: number;
}

/**
 * Retention of a record: `expiresAt` in epoch ms; absent means keep forever. MongoDB deletes
 * expired documents with a TTL index (its monitor runs about every 60 s); SQLite deletes them in
 * `purgeExpired`, which the store also runs opportunistically. Until purged, an expired record may
 * still be read.
 */
export interface RetentionOptions {
  readonly expiresAt?: number;
}

/** Options of {@link DurableStore.putPayload}. */
export interface PutPayloadOptions extends RetentionOptions {
  /** MIME type, e.g. `application/json`. Content-addressed: the first writer's type is kept. */
  readonly contentType: string;
  /**
   * The execution that uses the payload. `deleteExecution` removes a payload once no owning
   * execution is left. A payload ever stored without `executionId` is pinned: only retention
   * (`expiresAt`) removes it.
   */
  readonly executionId?: string;
}

/** Reference to a stored payload. */
export interface PayloadRef {
  /** `"sha256:<64 hex>"` of the bytes (a string is hashed as UTF-8). */
  readonly ref: string;
  /** Size in bytes. */
  readonly size: number;
}

/** A payload read back from the store. */
export interface StoredPayload extends PayloadRef {
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** Durable state of one step inside an {@link ExecutionSnapshot}. */
export interface StepSnapshot {
  readonly status: string;
  /** Attempts started so far (1 = first attempt). */
  readonly attempt: number;
  readonly output?: unknown;
  /** Set instead of `output` when the output was externalized (`"sha256:<hex>"`). */
  readonly outputRef?: string;
  readonly error?: Readonly<Record<string, unknown>>;
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly retryCount?: number;
  readonly recoveryCount?: number;
  /** Anything else the runtime wants to keep (JSON). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Durable record of an execution (upserted by `executionId`; written at least at finalization). */
export interface ExecutionSnapshot {
  readonly executionId: string;
  readonly pipeline: string;
  readonly pipelineVersion: string;
  readonly status: string;
  readonly definitionFingerprint: string;
  /** Fingerprint of the final state; `null` while the execution runs. */
  readonly executionFingerprint: string | null;
  readonly ledgerHead: LedgerHead | null;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms, `null` while not terminal. */
  readonly completedAt: number | null;
  /** The pipeline IR (JSON). */
  readonly ir: unknown;
  /** The execution input (JSON). */
  readonly input: unknown;
  readonly steps: Readonly<Record<string, StepSnapshot>>;
}

/** The listing form of a snapshot: no IR, input or steps. */
export type SnapshotSummary = Pick<
  ExecutionSnapshot,
  "executionId" | "pipeline" | "pipelineVersion" | "status" | "createdAt" | "completedAt"
>;

/** Filters of {@link DurableStore.listSnapshots}; newest `createdAt` first. */
export interface ListSnapshotsQuery {
  readonly pipeline?: string;
  readonly status?: string;
  /** Default 100. */
  readonly limit?: number;
}

/** One metric sample. */
export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  /** Epoch ms. */
  readonly at: number;
  readonly executionId?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Filters of {@link DurableStore.queryMetrics}; oldest first. */
export interface MetricQuery {
  readonly name?: string;
  readonly executionId?: string;
  /** Inclusive lower bound on `at` (epoch ms). */
  readonly from?: number;
  /** Exclusive upper bound on `at` (epoch ms). */
  readonly to?: number;
  /** Default 1000. */
  readonly limit?: number;
}

/** One finished trace span. Stored idempotently by `(traceId, spanId)`. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** Epoch ms. */
  readonly startAt: number;
  /** Epoch ms. */
  readonly endAt: number;
  readonly status?: "ok" | "error";
  readonly executionId?: string;
  readonly stepId?: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** Filters of {@link DurableStore.querySpans}; at least one is needed. Ordered by `startAt`. */
export interface SpanQuery {
  readonly traceId?: string;
  readonly executionId?: string;
  /** Default 1000. */
  readonly limit?: number;
}

/** Counts of what a purge or delete removed (payload chunks are not counted separately). */
export interface RemovalResult {
  readonly events: number;
  readonly snapshots: number;
  readonly payloads: number;
  readonly metrics: number;
  readonly spans: number;
}

/** Options shared by both store factories. */
export interface DurableStoreOptions {
  /** Payloads larger than this (bytes) are rejected with `PAYLOAD_TOO_LARGE`. Default 64 MiB. */
  readonly maxPayloadBytes?: number;
}

/**
 * Durable side of Ordo: the hash-chained decision ledger, content-addressed payloads, execution
 * snapshots, retention and a minimal metrics/trace sink. Implemented by `openSqliteStore` and
 * `openMongoStore`; both pass the same contract suite.
 *
 * Errors are `OrdoError`s: `LEDGER_CONFLICT`, `LEDGER_GAP`, `LEDGER_BROKEN_LINK`,
 * `LEDGER_HASH_MISMATCH` (append), `PAYLOAD_TOO_LARGE`, `INPUT_INVALID`, `CONNECTION` (retryable).
 *
 * @example
 * ```ts
 * const store = await openSqliteStore({ path: ":memory:" });
 * const head = await store.ledgerHead("e1"); // null: nothing shipped yet
 * const events = chainEvents(head?.hash ?? GENESIS_HASH, [
 *   { executionId: "e1", seq: 1, type: "execution.created", category: "execution", at: Date.now() },
 * ]);
 * await store.appendEvents(events); // { appended: 1, duplicates: 0 }
 * await store.appendEvents(events); // { appended: 0, duplicates: 1 } (re-ship is a no-op)
 * verifyChain(await store.readEvents("e1")).ok; // true
 * ```
 */
export interface DurableStore {
  /** `"sqlite"` or `"mongo"`. */
  readonly kind: "sqlite" | "mongo";
  /**
   * Append chained events (any executions, any order inside the batch). Idempotent by
   * `(executionId, seq)`: an identical re-shipped event is ignored; the same seq with another hash
   * is `LEDGER_CONFLICT`. New events must continue the stored chain: a missing predecessor is
   * `LEDGER_GAP`, a wrong `prevHash` is `LEDGER_BROKEN_LINK`, a wrong `hash` is
   * `LEDGER_HASH_MISMATCH`. Per execution the batch is all-or-nothing on SQLite; on MongoDB an
   * error may leave a contiguous prefix written (re-shipping completes it).
   */
  appendEvents(
    events: readonly LedgerEvent[],
    options?: RetentionOptions,
  ): Promise<AppendEventsResult>;
  /** Events of one execution ordered by `seq`. */
  readEvents(executionId: string, query?: ReadEventsQuery): Promise<LedgerEvent[]>;
  /** The last stored event's seq and hash, or `null` when the execution has no events. */
  ledgerHead(executionId: string): Promise<LedgerHead | null>;

  /** Store bytes (a string as UTF-8) by content hash; same content gives the same ref. */
  putPayload(content: Uint8Array | string, options: PutPayloadOptions): Promise<PayloadRef>;
  /** The payload, or `null` when the ref is unknown (or its data is incomplete). */
  getPayload(ref: string): Promise<StoredPayload | null>;
  hasPayload(ref: string): Promise<boolean>;

  /** Insert or replace the snapshot of `snapshot.executionId`. */
  putSnapshot(snapshot: ExecutionSnapshot, options?: RetentionOptions): Promise<void>;
  getSnapshot(executionId: string): Promise<ExecutionSnapshot | null>;
  listSnapshots(query?: ListSnapshotsQuery): Promise<SnapshotSummary[]>;

  recordMetrics(points: readonly MetricPoint[], options?: RetentionOptions): Promise<void>;
  queryMetrics(query?: MetricQuery): Promise<MetricPoint[]>;
  recordSpans(spans: readonly SpanRecord[], options?: RetentionOptions): Promise<void>;
  querySpans(query: SpanQuery): Promise<SpanRecord[]>;

  /** Delete every record whose `expiresAt <= now` (epoch ms; default `Date.now()`). */
  purgeExpired(now?: number): Promise<RemovalResult>;
  /** Delete an execution's events, snapshot, metrics, spans, and payloads no one else owns. */
  deleteExecution(executionId: string): Promise<RemovalResult>;
  /** Release the connection or file handle. Further calls fail. Idempotent. */
  close(): Promise<void>;
}
