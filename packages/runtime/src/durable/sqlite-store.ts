/**
 * Embedded durable store on SQLite through `libsql` (better-sqlite3 API, native binary shipped in
 * the npm package). Synchronous underneath, async at the interface so it is interchangeable with
 * MongoDB. Schema: see `sqlite-schema.ts`.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { canonicalJson, OrdoError } from "@ordo/core";
import Database from "libsql";
import { groupBatch, planAppend } from "./ledger-append.js";
import {
  checkSnapshot,
  closedError,
  DEFAULT_MAX_PAYLOAD_BYTES,
  isPayloadRef,
  limitOf,
  mergeExpiry,
  preparePayload,
} from "./records.js";
import { SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION } from "./sqlite-schema.js";
import { insertMetrics, insertSpans, selectMetrics, selectSpans } from "./sqlite-telemetry.js";
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

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions extends DurableStoreOptions {
  /** Database file, or `":memory:"`. Default `.ordo/ordo.db` under the current directory. */
  readonly path?: string;
  /**
   * Minimum time between opportunistic `purgeExpired` runs triggered by writes, in ms.
   * Default 60 000; `0` purges on every write; `Infinity` only when you call `purgeExpired`.
   */
  readonly purgeIntervalMs?: number;
}

type Db = Database.Database;
type Row = Record<string, unknown>;

/**
 * Open (creating if needed) the embedded SQLite durable store: creates the folder, enables WAL,
 * creates tables and indexes, and purges expired records once.
 *
 * @example
 * ```ts
 * const store = await openSqliteStore({ path: ".ordo/ordo.db" });
 * const { ref } = await store.putPayload('{"answer":42}', { contentType: "application/json" });
 * await store.close();
 * ```
 */
export async function openSqliteStore(options: SqliteStoreOptions = {}): Promise<DurableStore> {
  const path = options.path ?? ".ordo/ordo.db";
  let db: Db;
  try {
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    db.exec(SQLITE_SCHEMA);
    db.prepare("INSERT OR IGNORE INTO ordo_meta (key, value) VALUES ('schema_version', ?)").run(
      String(SQLITE_SCHEMA_VERSION),
    );
  } catch (error) {
    throw new OrdoError("CONNECTION", `Cannot open the SQLite durable store at '${path}'.`, {
      cause: error,
      details: { path },
    });
  }
  const store = new SqliteStore(db, options);
  await store.purgeExpired();
  return store;
}

class SqliteStore implements DurableStore {
  readonly kind = "sqlite";
  readonly #maxPayloadBytes: number;
  readonly #purgeIntervalMs: number;
  #db: Db | undefined;
  #lastPurge = 0;

  constructor(db: Db, options: SqliteStoreOptions) {
    this.#db = db;
    this.#maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.#purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
  }

  get #open(): Db {
    if (!this.#db) throw closedError("SQLite");
    return this.#db;
  }

  async appendEvents(
    events: readonly LedgerEvent[],
    options: RetentionOptions = {},
  ): Promise<AppendEventsResult> {
    const db = this.#open;
    const batch = groupBatch(events);
    const storedHashes = db.prepare(
      "SELECT seq, hash FROM ordo_ledger WHERE execution_id = ? AND seq BETWEEN ? AND ?",
    );
    const insert = db.prepare(
      `INSERT INTO ordo_ledger (execution_id, seq, hash, category, step_id, at, body, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let appended = 0;
    let duplicates = batch.duplicates;
    // One write transaction for the whole batch: all executions' events land, or none. IMMEDIATE
    // takes the write lock before reading the stored hashes, so another process cannot interleave.
    db.transaction(() => {
      for (const group of batch.groups.values()) {
        const first = group[0]!;
        const rows = storedHashes.all(first.executionId, first.seq - 1, group.at(-1)!.seq) as Row[];
        const stored = new Map(rows.map((r) => [Number(r.seq), String(r.hash)] as const));
        const plan = planAppend(group, stored);
        for (const e of plan.toInsert) {
          insert.run(
            e.executionId,
            e.seq,
            e.hash,
            e.category,
            e.stepId ?? null,
            e.at,
            canonicalJson(e),
            options.expiresAt ?? null,
          );
        }
        appended += plan.toInsert.length;
        duplicates += plan.duplicates;
      }
    }).immediate();
    this.#maybePurge();
    return { appended, duplicates };
  }

  async readEvents(executionId: string, query: ReadEventsQuery = {}): Promise<LedgerEvent[]> {
    const where = ["execution_id = ?", "seq > ?"];
    const params: unknown[] = [executionId, query.afterSeq ?? 0];
    if (query.category !== undefined) {
      where.push("category = ?");
      params.push(query.category);
    }
    if (query.stepId !== undefined) {
      where.push("step_id = ?");
      params.push(query.stepId);
    }
    // SQLite: LIMIT -1 means no limit.
    params.push(query.limit === undefined ? -1 : limitOf(query.limit, -1));
    const sql = `SELECT body FROM ordo_ledger WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`;
    const rows = this.#open.prepare(sql).all(...params) as Row[];
    return rows.map((r) => JSON.parse(String(r.body)) as LedgerEvent);
  }

  async ledgerHead(executionId: string): Promise<LedgerHead | null> {
    const row = this.#open
      .prepare("SELECT seq, hash FROM ordo_ledger WHERE execution_id = ? ORDER BY seq DESC LIMIT 1")
      .get(executionId) as Row | undefined;
    return row ? { seq: Number(row.seq), hash: String(row.hash) } : null;
  }

  async putPayload(content: Uint8Array | string, options: PutPayloadOptions): Promise<PayloadRef> {
    const db = this.#open;
    const { bytes, ref, size } = preparePayload(content, this.#maxPayloadBytes);
    const expiresAt = options.expiresAt ?? null;
    db.transaction(() => {
      const row = db.prepare("SELECT expires_at FROM ordo_payloads WHERE ref = ?").get(ref) as
        | Row
        | undefined;
      const pinned = options.executionId === undefined ? 1 : 0;
      if (row) {
        const current = row.expires_at === null ? null : Number(row.expires_at);
        db.prepare(
          "UPDATE ordo_payloads SET expires_at = ?, pinned = max(pinned, ?) WHERE ref = ?",
        ).run(mergeExpiry(current, expiresAt), pinned, ref);
      } else {
        db.prepare(
          `INSERT INTO ordo_payloads (ref, size, content_type, bytes, created_at, pinned, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(ref, size, options.contentType, bytes, Date.now(), pinned, expiresAt);
      }
      if (options.executionId !== undefined) {
        db.prepare(
          "INSERT OR IGNORE INTO ordo_payload_owners (ref, execution_id) VALUES (?, ?)",
        ).run(ref, options.executionId);
      }
    })();
    this.#maybePurge();
    return { ref, size };
  }

  async getPayload(ref: string): Promise<StoredPayload | null> {
    if (!isPayloadRef(ref)) return null;
    const row = this.#open
      .prepare("SELECT size, content_type, bytes FROM ordo_payloads WHERE ref = ?")
      .get(ref) as Row | undefined;
    if (!row) return null;
    const bytes = row.bytes as Buffer;
    return { ref, size: Number(row.size), contentType: String(row.content_type), bytes };
  }

  async hasPayload(ref: string): Promise<boolean> {
    if (!isPayloadRef(ref)) return false;
    return this.#open.prepare("SELECT 1 FROM ordo_payloads WHERE ref = ?").get(ref) !== undefined;
  }

  async putSnapshot(snapshot: ExecutionSnapshot, options: RetentionOptions = {}): Promise<void> {
    checkSnapshot(snapshot);
    this.#open
      .prepare(
        `INSERT INTO ordo_snapshots (execution_id, pipeline, status, created_at, updated_at, body, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (execution_id) DO UPDATE SET pipeline = excluded.pipeline,
           status = excluded.status, created_at = excluded.created_at,
           updated_at = excluded.updated_at, body = excluded.body, expires_at = excluded.expires_at`,
      )
      .run(
        snapshot.executionId,
        snapshot.pipeline,
        snapshot.status,
        snapshot.createdAt,
        Date.now(),
        JSON.stringify(snapshot),
        options.expiresAt ?? null,
      );
    this.#maybePurge();
  }

  async getSnapshot(executionId: string): Promise<ExecutionSnapshot | null> {
    const row = this.#open
      .prepare("SELECT body FROM ordo_snapshots WHERE execution_id = ?")
      .get(executionId) as Row | undefined;
    return row ? (JSON.parse(String(row.body)) as ExecutionSnapshot) : null;
  }

  async listSnapshots(query: ListSnapshotsQuery = {}): Promise<SnapshotSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.pipeline !== undefined) {
      where.push("pipeline = ?");
      params.push(query.pipeline);
    }
    if (query.status !== undefined) {
      where.push("status = ?");
      params.push(query.status);
    }
    params.push(limitOf(query.limit, 100));
    const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    const sql = `SELECT body FROM ordo_snapshots ${filter} ORDER BY created_at DESC, execution_id LIMIT ?`;
    const rows = this.#open.prepare(sql).all(...params) as Row[];
    return rows.map((r) => {
      const s = JSON.parse(String(r.body)) as ExecutionSnapshot;
      const { executionId, pipeline, pipelineVersion, status, createdAt, completedAt } = s;
      return { executionId, pipeline, pipelineVersion, status, createdAt, completedAt };
    });
  }

  async recordMetrics(
    points: readonly MetricPoint[],
    options: RetentionOptions = {},
  ): Promise<void> {
    insertMetrics(this.#open, points, options);
    this.#maybePurge();
  }

  async queryMetrics(query: MetricQuery = {}): Promise<MetricPoint[]> {
    return selectMetrics(this.#open, query);
  }

  async recordSpans(spans: readonly SpanRecord[], options: RetentionOptions = {}): Promise<void> {
    insertSpans(this.#open, spans, options);
    this.#maybePurge();
  }

  async querySpans(query: SpanQuery): Promise<SpanRecord[]> {
    return selectSpans(this.#open, query);
  }

  async purgeExpired(now: number = Date.now()): Promise<RemovalResult> {
    const db = this.#open;
    this.#lastPurge = Date.now();
    const purge = (table: string) =>
      db.prepare(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?`).run(now)
        .changes;
    return db.transaction(() => {
      const result = {
        events: purge("ordo_ledger"),
        snapshots: purge("ordo_snapshots"),
        payloads: purge("ordo_payloads"),
        metrics: purge("ordo_metrics"),
        spans: purge("ordo_spans"),
      };
      if (result.payloads > 0) {
        db.prepare(
          "DELETE FROM ordo_payload_owners WHERE ref NOT IN (SELECT ref FROM ordo_payloads)",
        ).run();
      }
      return result;
    })();
  }

  async deleteExecution(executionId: string): Promise<RemovalResult> {
    const db = this.#open;
    const remove = (table: string) =>
      db.prepare(`DELETE FROM ${table} WHERE execution_id = ?`).run(executionId).changes;
    return db.transaction(() => {
      // Payloads this execution owns, no other execution owns, and nobody pinned.
      const payloads = db
        .prepare(
          `DELETE FROM ordo_payloads WHERE pinned = 0 AND ref IN (
             SELECT ref FROM ordo_payload_owners WHERE execution_id = ?
           ) AND NOT EXISTS (
             SELECT 1 FROM ordo_payload_owners o WHERE o.ref = ordo_payloads.ref AND o.execution_id <> ?
           )`,
        )
        .run(executionId, executionId).changes;
      remove("ordo_payload_owners");
      return {
        events: remove("ordo_ledger"),
        snapshots: remove("ordo_snapshots"),
        payloads,
        metrics: remove("ordo_metrics"),
        spans: remove("ordo_spans"),
      };
    })();
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    db?.close();
  }

  #maybePurge(): void {
    if (Date.now() - this.#lastPurge < this.#purgeIntervalMs) return;
    // Retention is housekeeping: a failed purge must not fail the write that triggered it.
    this.purgeExpired().catch(() => undefined);
  }
}
