/**
 * The built-in telemetry sink, for deployments without an OpenTelemetry backend: metric points
 * and finished spans kept in memory (bounded; oldest dropped), written to the durable store in
 * batches, or both. Durable writes never block or fail a step: they are buffered, flushed every
 * `flushMs` or `batchSize` records, and a failed flush is reported and dropped.
 */
import { OrdoError } from "@ordo/core";
import type { DurableStore, MetricPoint, SpanRecord } from "../durable/types.js";

/** Where the built-in sink keeps telemetry. `disabled` keeps nothing (OTel API only). */
export type TelemetryMode = "disabled" | "memory" | "durable" | "both";

/** Options of {@link TelemetrySink}. */
export interface TelemetrySinkOptions {
  readonly mode: TelemetryMode;
  /** Needed for `durable` and `both`. */
  readonly store?: DurableStore;
  /** Flush the durable buffer this often, ms. Default 1 000. */
  readonly flushMs?: number;
  /** Flush as soon as this many records are buffered. Default 500. */
  readonly batchSize?: number;
  /** Memory mode keeps at most this many points and as many spans. Default 10 000 each. */
  readonly memoryLimit?: number;
  /** A durable flush failed (the batch is dropped). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** Buffers telemetry records for memory and/or the durable store. */
export class TelemetrySink {
  private readonly points: MetricPoint[] = [];
  private readonly finished: SpanRecord[] = [];
  private pendingPoints: MetricPoint[] = [];
  private pendingSpans: SpanRecord[] = [];
  private readonly memory: boolean;
  private readonly store: DurableStore | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: TelemetrySinkOptions) {
    const { mode } = options;
    this.memory = mode === "memory" || mode === "both";
    this.store = mode === "durable" || mode === "both" ? options.store : undefined;
    if ((mode === "durable" || mode === "both") && options.store === undefined) {
      throw new OrdoError(
        "USAGE",
        `observability mode '${mode}' needs a durable store: pass \`durable: { store }\` or \`observability.store\`.`,
      );
    }
    if (this.store !== undefined) {
      this.timer = setInterval(() => void this.flush(), Math.max(10, options.flushMs ?? 1_000));
      this.timer.unref();
    }
  }

  /** True when the sink keeps anything (so callers can skip building records). */
  get enabled(): boolean {
    return this.memory || this.store !== undefined;
  }

  metric(point: MetricPoint): void {
    if (this.memory) push(this.points, point, this.options.memoryLimit);
    if (this.store !== undefined) {
      this.pendingPoints.push(point);
      this.flushIfFull();
    }
  }

  span(span: SpanRecord): void {
    if (this.memory) push(this.finished, span, this.options.memoryLimit);
    if (this.store !== undefined) {
      this.pendingSpans.push(span);
      this.flushIfFull();
    }
  }

  /** Metric points kept in memory (oldest first). */
  metrics(): readonly MetricPoint[] {
    return this.points;
  }

  /** Spans kept in memory (in the order they ended). */
  spans(): readonly SpanRecord[] {
    return this.finished;
  }

  /** Writes buffered records to the durable store; resolves when written (or dropped). */
  flush(): Promise<void> {
    const store = this.store;
    if (store === undefined) return Promise.resolve();
    const points = this.pendingPoints;
    const spans = this.pendingSpans;
    this.pendingPoints = [];
    this.pendingSpans = [];
    this.flushing = this.flushing.then(async () => {
      try {
        if (points.length > 0) await store.recordMetrics(points);
        if (spans.length > 0) await store.recordSpans(spans);
      } catch (error) {
        this.options.onError?.(error);
      }
    });
    return this.flushing;
  }

  /** Stops the flush timer and writes what is buffered. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.flush();
  }

  private flushIfFull(): void {
    if (this.pendingPoints.length + this.pendingSpans.length >= (this.options.batchSize ?? 500)) {
      void this.flush();
    }
  }
}

function push<T>(list: T[], item: T, limit = 10_000): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
