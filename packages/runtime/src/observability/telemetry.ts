/**
 * Step and execution telemetry: OpenTelemetry API metrics and spans (no-ops unless the host
 * application registers an OTel SDK), mirrored into the built-in {@link TelemetrySink} for
 * deployments without an OTel backend.
 *
 * Metrics (counters unless noted; attributes `ordo.pipeline`, `ordo.step_type`):
 * `ordo.steps.started|completed|failed|retried|cancelled`, `ordo.steps.recovered` (attempts that
 * start after a lease recovery), histograms `ordo.step.duration_ms` (by `ordo.outcome`),
 * `ordo.step.queue_wait_ms` (claimable to claimed, Redis clock) and
 * `ordo.execution.duration_ms`, `ordo.executions.finished` (by `ordo.status`),
 * `ordo.throttle.waits` + histogram `ordo.throttle.wait_ms`, histogram `ordo.payload.bytes` (by
 * `ordo.storage` inline|external), and from plugin `llm.usage` events `ordo.llm.tokens` and
 * `ordo.llm.cost_usd`.
 *
 * Spans: `ordo.step` per attempt and `ordo.execution` per execution, all in the execution's trace
 * (see {@link executionTraceIds}); step spans name the execution span as parent.
 */
import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  ROOT_CONTEXT,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import type { DurableStore } from "../durable/types.js";
import { type TelemetryMode, TelemetrySink } from "./sink.js";
import { executionTraceIds, randomSpanId, traceparent } from "./trace-context.js";

/** `observability` option of workers. */
export interface ObservabilityOptions {
  /** Built-in sink: `disabled` (OTel API only), `memory`, `durable`, `both`. Default `disabled`. */
  readonly mode?: TelemetryMode;
  /** Store of `durable`/`both`; default the worker's `durable.store`. */
  readonly store?: DurableStore;
  /** OTel meter provider; default the global one (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
  /** OTel tracer provider; default the global one. */
  readonly tracerProvider?: TracerProvider;
  /** Durable flush interval, ms. Default 1 000. */
  readonly flushMs?: number;
  /** Memory mode keeps at most this many points and spans. Default 10 000 each. */
  readonly memoryLimit?: number;
}

/** What an attempt span is about. */
export interface AttemptInfo {
  readonly executionId: string;
  readonly stepId: string;
  readonly stepType: string;
  readonly pipeline: string;
  readonly attempt: number;
  readonly recoveries: number;
  /** When the step became claimable, epoch ms by the Redis clock (`ClaimedStep.readyAt`). */
  readonly readyAt?: number | undefined;
  /** When it was claimed, epoch ms by the Redis clock (`ClaimedStep.claimedAt`). */
  readonly claimedAt?: number | undefined;
}

/** How an attempt ended. */
export type AttemptOutcome = "completed" | "failed" | "retried" | "cancelled" | "released";

/** One step attempt being observed. */
export interface AttemptScope {
  /** W3C `traceparent` of the attempt span, handed to the plugin as `ctx.traceparent`. */
  readonly traceparent: string;
  /** A plugin event (`ctx.emit`); `llm.usage` becomes token and cost metrics. */
  event(type: string, data: unknown): void;
  /** Size of the output JSON and whether it was externalized. */
  payload(bytes: number, external: boolean): void;
  end(outcome: AttemptOutcome, errorCode?: string): void;
}

const COUNTERS = [
  "ordo.steps.started",
  "ordo.steps.completed",
  "ordo.steps.failed",
  "ordo.steps.retried",
  "ordo.steps.cancelled",
  "ordo.steps.recovered",
  "ordo.executions.finished",
  "ordo.throttle.waits",
  "ordo.llm.tokens",
  "ordo.llm.cost_usd",
] as const;
const HISTOGRAMS = {
  "ordo.step.duration_ms": "ms",
  "ordo.step.queue_wait_ms": "ms",
  "ordo.execution.duration_ms": "ms",
  "ordo.throttle.wait_ms": "ms",
  "ordo.payload.bytes": "By",
} as const;
type CounterName = (typeof COUNTERS)[number];
type HistogramName = keyof typeof HISTOGRAMS;

const OUTCOME_COUNTER: Record<AttemptOutcome, CounterName | undefined> = {
  completed: "ordo.steps.completed",
  failed: "ordo.steps.failed",
  retried: "ordo.steps.retried",
  cancelled: "ordo.steps.cancelled",
  released: undefined,
};

/** Metrics and spans of one worker. */
export class Telemetry {
  readonly sink: TelemetrySink;
  private readonly meter: Meter;
  private readonly tracer: Tracer;
  private readonly counters = new Map<CounterName, Counter>();
  private readonly histograms = new Map<HistogramName, Histogram>();
  private tracerRecords: boolean | undefined;

  constructor(options: ObservabilityOptions = {}, onError?: (error: unknown) => void) {
    this.sink = new TelemetrySink({
      mode: options.mode ?? "disabled",
      ...(options.store === undefined ? {} : { store: options.store }),
      ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
      ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
      ...(onError === undefined ? {} : { onError }),
    });
    this.meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter("ordo");
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer("ordo");
    for (const name of COUNTERS) this.counters.set(name, this.meter.createCounter(name));
    for (const [name, unit] of Object.entries(HISTOGRAMS) as [HistogramName, string][]) {
      this.histograms.set(name, this.meter.createHistogram(name, { unit }));
    }
  }

  count(name: CounterName, value: number, labels: Record<string, string>, executionId?: string) {
    this.counters.get(name)!.add(value, otelAttributes(labels));
    this.record(name, value, labels, executionId);
  }

  observe(
    name: HistogramName,
    value: number,
    labels: Record<string, string>,
    executionId?: string,
  ) {
    this.histograms.get(name)!.record(value, otelAttributes(labels));
    this.record(name, value, labels, executionId);
  }

  private record(
    name: string,
    value: number,
    labels: Record<string, string>,
    executionId?: string,
  ) {
    if (!this.sink.enabled) return;
    this.sink.metric({
      name,
      value,
      at: Date.now(),
      labels,
      ...(executionId ? { executionId } : {}),
    });
  }

  /** Starts observing a step attempt (counts `started`, opens the attempt span). */
  startAttempt(info: AttemptInfo): AttemptScope {
    const startAt = Date.now();
    const labels = { pipeline: info.pipeline, step_type: info.stepType };
    this.count("ordo.steps.started", 1, labels, info.executionId);
    if (info.recoveries > 0) this.count("ordo.steps.recovered", 1, labels, info.executionId);
    const wait = queueWaitMs(info);
    if (wait !== undefined) this.observe("ordo.step.queue_wait_ms", wait, labels, info.executionId);
    const ids = executionTraceIds(info.executionId);
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: ids.traceId,
      spanId: ids.spanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const attributes: Attributes = {
      "ordo.execution_id": info.executionId,
      "ordo.step_id": info.stepId,
      "ordo.step_type": info.stepType,
      "ordo.pipeline": info.pipeline,
      "ordo.attempt": info.attempt,
    };
    const span = this.tracer.startSpan("ordo.step", { attributes, startTime: startAt }, parent);
    // Without an OTel SDK the span does not record and has no id of its own: make one.
    const spanId = span.isRecording() ? span.spanContext().spanId : randomSpanId();
    const traceId = span.isRecording() ? span.spanContext().traceId : ids.traceId;
    let ended = false;
    return {
      traceparent: traceparent(traceId, spanId),
      event: (type, data) => this.pluginEvent(type, data, labels, info.executionId),
      payload: (bytes, external) =>
        this.observe(
          "ordo.payload.bytes",
          bytes,
          { ...labels, storage: external ? "external" : "inline" },
          info.executionId,
        ),
      end: (outcome, errorCode) => {
        if (ended) return;
        ended = true;
        const endAt = Date.now();
        const counter = OUTCOME_COUNTER[outcome];
        if (counter !== undefined) this.count(counter, 1, labels, info.executionId);
        this.observe(
          "ordo.step.duration_ms",
          endAt - startAt,
          { ...labels, outcome },
          info.executionId,
        );
        const ok = outcome === "completed";
        span.setAttribute("ordo.outcome", outcome);
        if (errorCode !== undefined) span.setAttribute("ordo.error_code", errorCode);
        span.setStatus({ code: ok ? SpanStatusCode.OK : SpanStatusCode.ERROR });
        span.end(endAt);
        if (!this.sink.enabled) return;
        this.sink.span({
          traceId,
          spanId,
          parentSpanId: ids.spanId,
          name: "ordo.step",
          startAt,
          endAt,
          status: ok ? "ok" : "error",
          executionId: info.executionId,
          stepId: info.stepId,
          attributes: {
            ...(attributes as Record<string, string | number>),
            "ordo.outcome": outcome,
            ...(errorCode === undefined ? {} : { "ordo.error_code": errorCode }),
          },
        });
      },
    };
  }

  /**
   * Whether execution spans and durations are worth a hot-state read of the start time: the
   * built-in sink keeps them, or the tracer records (an OTel SDK is registered; probed once).
   */
  get observesExecutions(): boolean {
    if (this.sink.enabled) return true;
    if (this.tracerRecords === undefined) {
      const probe = this.tracer.startSpan("ordo.probe");
      this.tracerRecords = probe.isRecording();
      probe.end();
    }
    return this.tracerRecords;
  }

  /** Records the execution span and duration (called by the worker that finalized it). */
  executionFinished(executionId: string, pipeline: string, status: string, startedAt: number) {
    const endAt = Date.now();
    const labels = { pipeline, status };
    this.count("ordo.executions.finished", 1, labels, executionId);
    this.observe("ordo.execution.duration_ms", endAt - startedAt, labels, executionId);
    const ids = executionTraceIds(executionId);
    const attributes = {
      "ordo.execution_id": executionId,
      "ordo.pipeline": pipeline,
      "ordo.status": status,
    };
    // OTel cannot take a chosen span id: the span shares the trace and is a sibling of the steps.
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: ids.traceId,
      spanId: ids.spanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const span = this.tracer.startSpan(
      "ordo.execution",
      { attributes, startTime: startedAt },
      parent,
    );
    span.setStatus({ code: status === "completed" ? SpanStatusCode.OK : SpanStatusCode.ERROR });
    span.end(endAt);
    if (!this.sink.enabled) return;
    this.sink.span({
      traceId: ids.traceId,
      spanId: ids.spanId,
      name: "ordo.execution",
      startAt: startedAt,
      endAt,
      status: status === "completed" ? "ok" : "error",
      executionId,
      attributes,
    });
  }

  /** A throttled attempt waits `waitMs` (its retry-after) for a concurrency or rate limit. */
  throttled(executionId: string, stepId: string, waitMs: number): void {
    const labels = { step_id: stepId };
    this.count("ordo.throttle.waits", 1, labels, executionId);
    this.observe("ordo.throttle.wait_ms", waitMs, labels, executionId);
  }

  private pluginEvent(type: string, data: unknown, labels: Record<string, string>, id: string) {
    if (type !== "llm.usage" || data === null || typeof data !== "object") return;
    const d = data as Record<string, unknown>;
    const base: Record<string, string> = { ...labels };
    if (typeof d.model === "string") base.model = d.model;
    if (typeof d.provider === "string") base.provider = d.provider;
    for (const kind of ["input", "output"] as const) {
      const n = d[`${kind}Tokens`];
      if (typeof n === "number" && n > 0) this.count("ordo.llm.tokens", n, { ...base, kind }, id);
    }
    if (typeof d.costUsd === "number" && d.costUsd > 0) {
      this.count("ordo.llm.cost_usd", d.costUsd, base, id);
    }
  }

  flush(): Promise<void> {
    return this.sink.flush();
  }

  close(): Promise<void> {
    return this.sink.close();
  }
}

function otelAttributes(labels: Record<string, string>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(labels)) out[`ordo.${k}`] = v;
  return out;
}

/**
 * Queue wait of an attempt: from when its step became claimable to its claim, both by the Redis
 * clock (so worker clock skew cannot distort it); undefined when either time is unknown. Never
 * negative: a retry promoted in the same millisecond as its due time waits 0.
 *
 * @example
 * ```ts
 * queueWaitMs({ readyAt: 1_000, claimedAt: 1_250 }); // 250
 * queueWaitMs({ claimedAt: 1_250 }); // undefined (made ready by an older script version)
 * ```
 */
function queueWaitMs(times: {
  readonly readyAt?: number | undefined;
  readonly claimedAt?: number | undefined;
}): number | undefined {
  const { readyAt, claimedAt } = times;
  if (readyAt === undefined || claimedAt === undefined) return undefined;
  if (!Number.isFinite(readyAt) || !Number.isFinite(claimedAt)) return undefined;
  return Math.max(0, claimedAt - readyAt);
}
