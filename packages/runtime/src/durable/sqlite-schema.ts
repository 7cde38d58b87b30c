/**
 * SQLite schema of the embedded durable store (libsql, better-sqlite3 API).
 *
 * Tables (all timestamps epoch ms, `expires_at` NULL = keep forever):
 * - `ordo_ledger` PK `(execution_id, seq)` (the idempotency key), `body` = canonical JSON of the
 *   event (so hashes verify byte-for-byte after a round trip); indexes on
 *   `(execution_id, category, seq)`, `(execution_id, step_id, seq)`, `expires_at`.
 * - `ordo_payloads` PK `ref` (`sha256:<hex>`), `bytes` BLOB, `pinned` = 1 once stored without an
 *   execution (never removed by `deleteExecution`); `ordo_payload_owners` PK
 *   `(ref, execution_id)` records which executions use a payload (for `deleteExecution`).
 * - `ordo_snapshots` PK `execution_id`, `body` = JSON; indexes on `(pipeline, created_at)`,
 *   `(status, created_at)`, `created_at`.
 * - `ordo_metrics` (append-only samples) and `ordo_spans` PK `(trace_id, span_id)`.
 * - `ordo_meta` holds `schema_version` so later versions can migrate.
 */

/** Version of the tables below; bump and migrate when they change. */
export const SQLITE_SCHEMA_VERSION = 1;

/** DDL run at open; every statement is idempotent. */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS ordo_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS ordo_ledger (
  execution_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  category TEXT NOT NULL,
  step_id TEXT,
  at INTEGER NOT NULL,
  body TEXT NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (execution_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ordo_ledger_category ON ordo_ledger (execution_id, category, seq);
CREATE INDEX IF NOT EXISTS ordo_ledger_step ON ordo_ledger (execution_id, step_id, seq);
CREATE INDEX IF NOT EXISTS ordo_ledger_expires ON ordo_ledger (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS ordo_payloads (
  ref TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  bytes BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS ordo_payloads_expires ON ordo_payloads (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS ordo_payload_owners (
  ref TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  PRIMARY KEY (ref, execution_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ordo_payload_owners_execution ON ordo_payload_owners (execution_id);

CREATE TABLE IF NOT EXISTS ordo_snapshots (
  execution_id TEXT PRIMARY KEY,
  pipeline TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS ordo_snapshots_pipeline ON ordo_snapshots (pipeline, created_at);
CREATE INDEX IF NOT EXISTS ordo_snapshots_status ON ordo_snapshots (status, created_at);
CREATE INDEX IF NOT EXISTS ordo_snapshots_created ON ordo_snapshots (created_at);
CREATE INDEX IF NOT EXISTS ordo_snapshots_expires ON ordo_snapshots (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS ordo_metrics (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  at INTEGER NOT NULL,
  execution_id TEXT,
  labels TEXT,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS ordo_metrics_name ON ordo_metrics (name, at);
CREATE INDEX IF NOT EXISTS ordo_metrics_execution ON ordo_metrics (execution_id, at);
CREATE INDEX IF NOT EXISTS ordo_metrics_expires ON ordo_metrics (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS ordo_spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  execution_id TEXT,
  start_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ordo_spans_execution ON ordo_spans (execution_id, start_at);
CREATE INDEX IF NOT EXISTS ordo_spans_expires ON ordo_spans (expires_at) WHERE expires_at IS NOT NULL;
`;
