/**
 * The worker's public option and result types, and the defaults every option falls back to
 * (resolved once, in one place, so the loop and the slots never repeat a default).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { POLICY_DEFAULTS } from "@ordo/core";
import type { StepLogger, StepPlugin } from "@ordo/step";
import type { Connection } from "../hot/connection.js";
import type { ObservabilityOptions, Telemetry } from "../observability/telemetry.js";
import type { LimitDenial } from "../throttle/limiter.js";
import type { WorkerDurableOptions } from "./durable-options.js";
import type { ProgressOptions } from "./progress.js";

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** Hot state (see {@link Connection}); default: the process-wide embedded engine. */
  readonly connection?: Connection;
  /** Step plugins this worker runs, matched by type and major version. */
  readonly plugins: readonly StepPlugin[];
  /** Attempts in flight at once. Default 10. */
  readonly concurrency?: number;
  /** Key prefix; must match the client's. Default `ordo`. */
  readonly prefix?: string;
  /** Partition count; must match the client's. Default 16. */
  readonly partitions?: number;
  /** Lease of a claimed step when its policy sets none, ms. Default 30 000. */
  readonly leaseMs?: number;
  /** Longest single blocking wait for work, ms. Default 250. */
  readonly idleWaitMs?: number;
  /**
   * How often an idle worker sweeps every partition (promotes due retries, recovers expired
   * leases), ms. A crashed worker's steps are recovered within lease + this. Default 1 000.
   */
  readonly sweepIntervalMs?: number;
  /**
   * How often the cancel flags of executions with steps in flight here are read, ms, so a
   * cancelled step's AbortSignal fires within this time (heartbeats also carry it). Default 500.
   */
  readonly cancelCheckMs?: number;
  /** Identifies the worker in the ledger. Default `<host>:<pid>:<random>`. */
  readonly workerId?: string;
  readonly logger?: StepLogger;
  /** Start claiming at once. Default true; otherwise call `run()`. */
  readonly autostart?: boolean;
  /**
   * Called when a claimed step is throttled (a concurrency or rate limit is full, or its provider
   * is blocked after a 429): the step waits in `delayed` for `denial.retryAfterMs`.
   */
  readonly onThrottled?: (step: ThrottledStep) => void;
  /**
   * The durable layer: outputs above `inlineMaxBytes` are stored there and referenced from hot
   * state, and (unless `ship: false`) the worker ships the ledger in the background. Default none:
   * every output stays inline in hot state and nothing is shipped.
   */
  readonly durable?: WorkerDurableOptions;
  /**
   * Metrics and traces. OpenTelemetry API instruments and spans are always emitted (no-ops unless
   * an OTel SDK is registered); `mode` adds the built-in sink: `memory` (read it from
   * `worker.telemetry`), `durable` (batched into the durable store, for `ordo metrics`), `both`.
   * Default `{ mode: "disabled" }`.
   */
  readonly observability?: ObservabilityOptions;
  /**
   * Steps' `ctx.emit` events (e.g. `llm.delta`) for clients following an execution with
   * `events({ progress: true })` or SSE. Default on; `false` turns them off (no extra script call
   * per emitting attempt); an object tunes `{ flushMs, maxBatch, maxPending, streamCap }`.
   */
  readonly progressEvents?: boolean | ProgressOptions;
  /**
   * How long this worker reuses the deployment's admission policy before reading it again, ms.
   * Default 1 000: an operator's `ordo admission set` applies within about this time. 0 reads it
   * for every attempt (one extra Redis read each).
   */
  readonly admissionPolicyCacheMs?: number;
}

/** A throttled attempt, as reported to {@link WorkerOptions.onThrottled}. */
export interface ThrottledStep {
  readonly executionId: string;
  readonly stepId: string;
  readonly denial: LimitDenial;
}

/** Counters of a worker since it started. */
export interface WorkerStats {
  claimed: number;
  completed: number;
  failed: number;
  finalized: number;
}

/** Options of {@link Worker.close}. */
export interface CloseOptions {
  /** Give in-flight steps back at once instead of finishing them. Default false. */
  readonly release?: boolean;
  /**
   * Simulate a crash (chaos tests and demos): in-flight steps are abandoned (no report, no
   * release, heartbeats stop), so their leases expire and other workers recover them. Default false.
   */
  readonly abandon?: boolean;
  /** Finish in-flight steps for at most this long, then release the rest. Default 30 000 ms. */
  readonly timeoutMs?: number;
}

/** A running worker. */
export interface Worker {
  readonly id: string;
  readonly stats: Readonly<WorkerStats>;
  /** This worker's telemetry (`telemetry.sink.metrics()` and `.spans()` in memory mode). */
  readonly telemetry: Telemetry;
  /** Starts the loop (only needed with `autostart: false`); resolves when the worker closes. */
  run(): Promise<void>;
  /** Stops claiming, finishes (or releases) in-flight steps and closes connections it opened. */
  close(options?: CloseOptions): Promise<void>;
}

/** The numeric and identity options with their defaults applied and bounds enforced. */
export interface WorkerSettings {
  readonly workerId: string;
  /** At least 1. */
  readonly concurrency: number;
  readonly leaseMs: number;
  /** At least 10 ms. */
  readonly idleWaitMs: number;
  /** At least `idleWaitMs`. */
  readonly sweepIntervalMs: number;
  /** At least 20 ms. */
  readonly cancelCheckMs: number;
  readonly logger: StepLogger;
}

const silent: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Applies the defaults documented on {@link WorkerOptions}. */
export function workerSettings(options: WorkerOptions): WorkerSettings {
  const idleWaitMs = Math.max(10, options.idleWaitMs ?? 250);
  return {
    workerId: options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    concurrency: Math.max(1, options.concurrency ?? 10),
    leaseMs: options.leaseMs ?? POLICY_DEFAULTS.leaseMs,
    idleWaitMs,
    sweepIntervalMs: Math.max(idleWaitMs, options.sweepIntervalMs ?? 1_000),
    cancelCheckMs: Math.max(20, options.cancelCheckMs ?? 500),
    logger: options.logger ?? silent,
  };
}

/** Plugin lookup key: type plus major version (a plugin serves every minor/patch of its major). */
export function pluginKey(type: string, version: string): string {
  return `${type}@${version.split(".")[0] ?? version}`;
}
