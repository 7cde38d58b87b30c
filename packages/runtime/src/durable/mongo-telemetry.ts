/**
 * The minimal metrics and trace sink of the MongoDB store. Label and attribute maps are stored as
 * JSON text so arbitrary keys (dots, `$`) never meet MongoDB's field-name rules.
 */
import { OrdoError } from "@ordo/core";
import type { Collection, Document, Filter } from "mongodb";
import { expiryField } from "./mongo-schema.js";
import { checkMetrics, checkSpans, limitOf } from "./records.js";
import type { MetricPoint, MetricQuery, SpanQuery, SpanRecord } from "./types.js";

/** Append metric samples. */
export async function insertMetrics(
  col: Collection<Document>,
  points: readonly MetricPoint[],
  options: { expiresAt?: number },
): Promise<void> {
  checkMetrics(points);
  if (points.length === 0) return;
  const docs = points.map((p) => ({
    name: p.name,
    value: p.value,
    at: p.at,
    ...(p.executionId === undefined ? {} : { executionId: p.executionId }),
    ...(p.labels === undefined ? {} : { labelsJson: JSON.stringify(p.labels) }),
    ...expiryField(options.expiresAt),
  }));
  await col.insertMany(docs, { ordered: false });
}

/** Samples matching `query`, oldest first. */
export async function findMetrics(
  col: Collection<Document>,
  query: MetricQuery,
): Promise<MetricPoint[]> {
  const filter: Filter<Document> = {};
  if (query.name !== undefined) filter.name = query.name;
  if (query.executionId !== undefined) filter.executionId = query.executionId;
  if (query.from !== undefined || query.to !== undefined) {
    filter.at = {
      ...(query.from === undefined ? {} : { $gte: query.from }),
      ...(query.to === undefined ? {} : { $lt: query.to }),
    };
  }
  const limit = limitOf(query.limit, 1000);
  if (limit === 0) return [];
  const docs = await col.find(filter).sort({ at: 1, _id: 1 }).limit(limit).toArray();
  return docs.map((d) => ({
    name: String(d.name),
    value: Number(d.value),
    at: Number(d.at),
    ...(typeof d.executionId === "string" ? { executionId: d.executionId } : {}),
    ...(typeof d.labelsJson === "string" ? { labels: JSON.parse(d.labelsJson) } : {}),
  }));
}

/** Store spans, ignoring ones already stored with the same `(traceId, spanId)`. */
export async function upsertSpans(
  col: Collection<Document>,
  spans: readonly SpanRecord[],
  options: { expiresAt?: number },
): Promise<void> {
  checkSpans(spans);
  if (spans.length === 0) return;
  const ops = spans.map((s) => ({
    updateOne: {
      filter: { _id: { traceId: s.traceId, spanId: s.spanId } } as Document,
      update: {
        $setOnInsert: {
          traceId: s.traceId,
          startAt: s.startAt,
          body: JSON.stringify(s),
          ...(s.executionId === undefined ? {} : { executionId: s.executionId }),
          ...expiryField(options.expiresAt),
        },
      },
      upsert: true,
    },
  }));
  await col.bulkWrite(ops, { ordered: false });
}

/** Spans matching `query`, by start time. */
export async function findSpans(
  col: Collection<Document>,
  query: SpanQuery,
): Promise<SpanRecord[]> {
  const filter: Filter<Document> = {};
  if (query.traceId !== undefined) filter.traceId = query.traceId;
  if (query.executionId !== undefined) filter.executionId = query.executionId;
  if (Object.keys(filter).length === 0) {
    throw new OrdoError("INPUT_INVALID", "querySpans needs a traceId or an executionId.");
  }
  const limit = limitOf(query.limit, 1000);
  if (limit === 0) return [];
  const docs = await col.find(filter).sort({ startAt: 1, "_id.spanId": 1 }).limit(limit).toArray();
  return docs.map((d) => JSON.parse(String(d.body)) as SpanRecord);
}
