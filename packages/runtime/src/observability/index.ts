/**
 * Observability: OpenTelemetry API metrics and spans of steps and executions, the built-in
 * sink (disabled, memory, durable, both) and metric summaries. Re-exported by name from the
 * package entry.
 */
export type { TelemetryMode, TelemetrySinkOptions } from "./sink.js";
export { TelemetrySink } from "./sink.js";
export type { MetricSummary } from "./summary.js";
export { quantile, summarizeMetrics } from "./summary.js";
export type {
  AttemptInfo,
  AttemptOutcome,
  AttemptScope,
  ObservabilityOptions,
} from "./telemetry.js";
export { Telemetry } from "./telemetry.js";
export type { ExecutionTraceIds } from "./trace-context.js";
export { executionTraceIds, traceparent } from "./trace-context.js";
