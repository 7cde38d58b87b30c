/**
 * Worker side of progress events: what a plugin emits with `ctx.emit(type, data)` while its
 * attempt runs is buffered and appended to the partition's progress stream in batches (one
 * `emitProgress` script call per batch), so clients following with `events({ progress: true })`
 * see e.g. `llm.delta` streaming deltas within ~`flushMs`. Best effort by design: a failed or
 * rejected flush is logged and dropped, never fails the step.
 */
import type { StepLogger } from "@ordo/step";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";
import { emitProgress, type ProgressItem } from "../hot/progress.js";
import type { StepClaimRef } from "../hot/scripts.js";

/**
 * Tuning of progress events on a worker (`progressEvents` option). `true` or omitted = defaults;
 * `false` = plugins' events stay local (telemetry, usage, debug logs) and no client sees them.
 *
 * @example
 * ```ts
 * createWorker({ connection, plugins, progressEvents: { flushMs: 100, maxBatch: 128 } });
 * ```
 */
export interface ProgressOptions {
  /** Longest an event waits in the buffer, ms [50]. */
  readonly flushMs?: number;
  /** A batch is sent at once when it reaches this many events [64]. */
  readonly maxBatch?: number;
  /**
   * Events buffered per attempt while flushes are slow or the store is away; newer events past
   * this are dropped (with one warning) [4 096].
   */
  readonly maxPending?: number;
  /** Approximate entries kept in each partition's progress stream [10 000]. */
  readonly streamCap?: number;
}

/** Resolves the worker option: undefined when progress events are off. */
export function progressSettings(
  option: boolean | ProgressOptions | undefined,
): Required<ProgressOptions> | undefined {
  if (option === false) return undefined;
  const o = option === true || option === undefined ? {} : option;
  return {
    flushMs: Math.max(1, o.flushMs ?? 50),
    maxBatch: Math.max(1, o.maxBatch ?? 64),
    maxPending: Math.max(1, o.maxPending ?? 4096),
    streamCap: Math.max(0, o.streamCap ?? 10_000),
  };
}

/** Buffers one attempt's events and sends them in order, one batch at a time. */
export class ProgressBuffer {
  private readonly store: HotStore;
  private readonly keys: PartitionKeys;
  private readonly ref: StepClaimRef;
  private readonly logger: StepLogger;
  private readonly settings: Required<ProgressOptions>;
  private pending: ProgressItem[] = [];
  /** Events handed to a flush and not sent yet (count toward `maxPending`). */
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Flushes run one after another so batches reach the stream in emit order. */
  private chain: Promise<void> = Promise.resolve();
  /** Set once the attempt's token was rejected or the buffer closed: later events are dropped. */
  private stopped = false;
  private warnedFull = false;

  constructor(
    store: HotStore,
    keys: PartitionKeys,
    ref: StepClaimRef,
    logger: StepLogger,
    settings: Required<ProgressOptions>,
  ) {
    this.store = store;
    this.keys = keys;
    this.ref = ref;
    this.logger = logger;
    this.settings = settings;
  }

  /** Queues one event; sends a full batch at once, else within `flushMs`. */
  push(type: string, data: unknown): void {
    if (this.stopped) return;
    if (this.pending.length + this.queued >= this.settings.maxPending) {
      if (!this.warnedFull) this.warn("progress buffer full; dropping events", {});
      this.warnedFull = true;
      return;
    }
    this.pending.push(data === undefined ? { type } : { type, data });
    if (this.pending.length >= this.settings.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.settings.flushMs);
  }

  /** Sends what is buffered (after earlier batches); resolves when that batch was handled. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return this.chain;
    const batch = this.pending;
    this.pending = [];
    this.queued += batch.length;
    this.chain = this.chain
      .then(() => this.send(batch))
      .finally(() => {
        this.queued -= batch.length;
      });
    return this.chain;
  }

  /** Final flush before the attempt reports: its events precede `step.completed`/`failed`. */
  async close(): Promise<void> {
    await this.flush();
    this.stopped = true;
  }

  /** Stops without sending (an abandoned attempt). */
  discard(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.stopped = true;
  }

  private async send(batch: ProgressItem[]): Promise<void> {
    if (this.stopped) return;
    for (let i = 0; i < batch.length; i += this.settings.maxBatch) {
      const items = serializable(batch.slice(i, i + this.settings.maxBatch));
      try {
        const result = await emitProgress(this.store, this.keys, {
          ...this.ref,
          items,
          cap: this.settings.streamCap,
        });
        if (!result.accepted) {
          // The attempt no longer owns the step (lease lost, recovered, cancelled): stop sending.
          this.stopped = true;
          this.warn("progress events rejected", { reason: result.reason });
          return;
        }
      } catch (error) {
        this.warn("progress flush failed; events dropped", {
          message: (error as Error).message,
          dropped: items.length,
        });
      }
    }
  }

  private warn(message: string, extra: Record<string, unknown>): void {
    this.logger.warn(message, {
      executionId: this.ref.executionId,
      stepId: this.ref.stepId,
      ...extra,
    });
  }
}

/** Items whose data JSON can encode (a BigInt or a cycle would fail the whole batch). */
function serializable(items: ProgressItem[]): ProgressItem[] {
  return items.filter((item) => {
    try {
      JSON.stringify(item.data);
      return true;
    } catch {
      return false;
    }
  });
}
