/**
 * The minimal metrics and trace sink of the SQLite store (tables in `sqlite-schema.ts`).
 */
import { OrdoError } from "@ordo/core";
import type Database from "libsql";
import { checkMetrics, checkSpans, limitOf } from "./records.js";
import type { MetricPoint, MetricQuery, RetentionOptions, SpanQuery, SpanRecord } from "./types.js";

type Db = Database.Database;
type Row = Record<string, unknown>;

/** Append metric samples in one transaction. */
export function insertMetrics(
  db: Db,
  points: readonly MetricPoint[],
  options: RetentionOptions,
): void {
  checkMetrics(points);
  const insert = db.prepare(
    "INSERT INTO ordo_metrics (name, value, at, execution_id, labels, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (const p of points) {
      const labels = p.labels === undefined ? null : JSON.stringify(p.labels);
      insert.run(p.name, p.value, p.at, p.executionId ?? null, labels, options.expiresAt ?? null);
    }
  })();
}

/** Samples matching `query`, oldest first (ties in insertion order). */
export function selectMetrics(db: Db, query: MetricQuery): MetricPoint[] {
  const where: string[] = ["1 = 1"];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    params.push(value);
  };
  if (query.name !== undefined) add("name = ?", query.name);
  if (query.executionId !== undefined) add("execution_id = ?", query.executionId);
  if (query.from !== undefined) add("at >= ?", query.from);
  if (query.to !== undefined) add("at < ?", query.to);
  params.push(limitOf(query.limit, 1000));
  const sql = `SELECT name, value, at, execution_id, labels FROM ordo_metrics WHERE ${where.join(" AND ")} ORDER BY at, id LIMIT ?`;
  const rows = db.prepare(sql).all(...params) as Row[];
  return rows.map((r) => ({
    name: String(r.name),
    value: Number(r.value),
    at: Number(r.at),
    ...(r.execution_id === null ? {} : { executionId: String(r.execution_id) }),
    ...(r.labels === null ? {} : { labels: JSON.parse(String(r.labels)) }),
  }));
}

/** Store spans, ignoring ones already stored with the same `(traceId, spanId)`. */
export function insertSpans(db: Db, spans: readonly SpanRecord[], options: RetentionOptions): void {
  checkSpans(spans);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO ordo_spans (trace_id, span_id, execution_id, start_at, body, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const s of spans) {
      const expiresAt = options.expiresAt ?? null;
      insert.run(
        s.traceId,
        s.spanId,
        s.executionId ?? null,
        s.startAt,
        JSON.stringify(s),
        expiresAt,
      );
    }
  })();
}

/** Spans matching `query` (a traceId and/or an executionId), by start time. */
export function selectSpans(db: Db, query: SpanQuery): SpanRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.traceId !== undefined) {
    where.push("trace_id = ?");
    params.push(query.traceId);
  }
  if (query.executionId !== undefined) {
    where.push("execution_id = ?");
    params.push(query.executionId);
  }
  if (where.length === 0) {
    throw new OrdoError("INPUT_INVALID", "querySpans needs a traceId or an executionId.");
  }
  params.push(limitOf(query.limit, 1000));
  const sql = `SELECT body FROM ordo_spans WHERE ${where.join(" AND ")} ORDER BY start_at, span_id LIMIT ?`;
  const rows = db.prepare(sql).all(...params) as Row[];
  return rows.map((r) => JSON.parse(String(r.body)) as SpanRecord);
}
