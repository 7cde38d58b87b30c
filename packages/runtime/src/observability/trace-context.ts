/**
 * W3C trace context for executions: every span of an execution shares one trace id derived from
 * the execution id, so workers on different hosts agree on it without coordination; the
 * execution span's id is derived the same way, so step spans can name it as their parent.
 */
import { createHash, randomBytes } from "node:crypto";

/** Trace id (32 hex) and execution span id (16 hex) of an execution. */
export interface ExecutionTraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * Deterministic ids of `executionId`'s trace: sha256 of the id, split into a 128-bit trace id and
 * a 64-bit span id (never all zeros, which W3C forbids: a zero digest is vanishingly unlikely and
 * is patched to `...1`).
 *
 * @example
 * ```ts
 * executionTraceIds("e1").traceId; // "4b6f…" (32 hex, the same on every worker)
 * ```
 */
export function executionTraceIds(executionId: string): ExecutionTraceIds {
  const hex = createHash("sha256").update(`ordo:execution:${executionId}`).digest("hex");
  return { traceId: nonZero(hex.slice(0, 32)), spanId: nonZero(hex.slice(32, 48)) };
}

/** A random 64-bit span id, 16 hex. */
export function randomSpanId(): string {
  return nonZero(randomBytes(8).toString("hex"));
}

/**
 * The `traceparent` header value (version 00, sampled).
 *
 * @example
 * ```ts
 * traceparent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"); // "00-0af7…-b7ad…-01"
 * ```
 */
export function traceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

function nonZero(hex: string): string {
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}
