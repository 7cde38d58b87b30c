/**
 * Validation and small helpers shared by both stores for payloads, snapshots, metrics and spans,
 * so that the two backends accept and refuse the same input.
 */
import { OrdoError, sha256Hex } from "@ordo/core";
import { z } from "zod";
import type { ExecutionSnapshot, MetricPoint, SpanRecord } from "./types.js";

/** Default `maxPayloadBytes`: 64 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

const PAYLOAD_REF = /^sha256:[0-9a-f]{64}$/;

/** True when `ref` has the `sha256:<64 lower-case hex>` form. */
export function isPayloadRef(ref: string): boolean {
  return PAYLOAD_REF.test(ref);
}

/** Bytes, ref and size of a payload; throws `PAYLOAD_TOO_LARGE` (non-retryable) above the limit. */
export function preparePayload(
  content: Uint8Array | string,
  maxBytes: number,
): { bytes: Buffer; ref: string; size: number } {
  const bytes =
    typeof content === "string"
      ? Buffer.from(content, "utf8")
      : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (bytes.byteLength > maxBytes) {
    throw new OrdoError(
      "PAYLOAD_TOO_LARGE",
      `Payload of ${bytes.byteLength} bytes exceeds maxPayloadBytes (${maxBytes}); store it elsewhere or raise the limit.`,
      { retryable: false, details: { size: bytes.byteLength, maxPayloadBytes: maxBytes } },
    );
  }
  return { bytes, ref: `sha256:${sha256Hex(bytes)}`, size: bytes.byteLength };
}

/**
 * Expiry of a content-addressed record written twice: the later one wins, and "forever" (`null`)
 * beats any date, so one writer's retention never deletes data another writer still needs.
 */
export function mergeExpiry(current: number | null, next: number | null): number | null {
  if (current === null || next === null) return null;
  return Math.max(current, next);
}

const epochMs = z.number().int().min(0);

const snapshotSchema = z.object({
  executionId: z.string().min(1),
  pipeline: z.string().min(1),
  pipelineVersion: z.string(),
  status: z.string().min(1),
  definitionFingerprint: z.string(),
  executionFingerprint: z.string().nullable(),
  ledgerHead: z.object({ seq: z.number().int().min(1), hash: z.string() }).nullable(),
  createdAt: epochMs,
  completedAt: epochMs.nullable(),
  ir: z.unknown(),
  input: z.unknown(),
  steps: z.record(z.string(), z.object({ status: z.string(), attempt: z.number().int().min(0) })),
});

const metricSchema = z.object({
  name: z.string().min(1),
  value: z.number().refine(Number.isFinite, "must be finite"),
  at: epochMs,
  executionId: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

const spanSchema = z.object({
  traceId: z.string().min(1),
  spanId: z.string().min(1),
  name: z.string().min(1),
  startAt: epochMs,
  endAt: epochMs,
  executionId: z.string().optional(),
});

/** Throws `INPUT_INVALID` unless `snapshot` has the required fields. */
export function checkSnapshot(snapshot: ExecutionSnapshot): void {
  check(snapshotSchema, snapshot, "snapshot");
}

/** Throws `INPUT_INVALID` unless every point is a finite named sample. */
export function checkMetrics(points: readonly MetricPoint[]): void {
  for (const point of points) check(metricSchema, point, "metric point");
}

/** Throws `INPUT_INVALID` unless every span has ids, a name and times. */
export function checkSpans(spans: readonly SpanRecord[]): void {
  for (const span of spans) check(spanSchema, span, "span");
}

function check(schema: z.ZodType, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new OrdoError("INPUT_INVALID", `Invalid ${what}: ${z.prettifyError(parsed.error)}`);
  }
}

/** The `OrdoError` a store throws when used after `close()`. */
export function closedError(kind: string): OrdoError {
  return new OrdoError("CONNECTION", `The ${kind} durable store is closed; open a new one.`);
}

/** Bounded positive integer limit with a default. */
export function limitOf(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new OrdoError("INPUT_INVALID", `limit must be a non-negative integer, got ${limit}.`);
  }
  return limit;
}
