/**
 * The worker: claims steps from every partition and runs them in-process with up to
 * `concurrency` attempts in flight. Idle, it blocks on the partitions' wake lists (BLPOP on a
 * dedicated connection, no busy polling); a slot that finishes a step claims its next one in the
 * same script call (completeAndClaim), so a busy worker needs one round trip per step.
 */

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { OrdoError, POLICY_DEFAULTS } from "@ordo/core";
import type { StepLogger, StepPlugin } from "@ordo/step";
import { type Connection, openHotStore } from "../hot/connection.js";
import type { HotStore } from "../hot/hot-store.js";
import { DEFAULT_PARTITIONS, DEFAULT_PREFIX, Keyspace } from "../hot/keys.js";
import {
  type ClaimedStep,
  claimSteps,
  type FinalFacts,
  type FinalStatus,
  failStep,
  releaseStep,
  setFingerprint,
} from "../hot/scripts.js";
import { createLedgerShipper, type LedgerShipper } from "../ledger/shipper.js";
import { type ObservabilityOptions, Telemetry } from "../observability/telemetry.js";
import { ThrottleGate } from "../throttle/gate.js";
import type { LimitDenial } from "../throttle/limiter.js";
import { DefinitionCache } from "./definition-cache.js";
import { type DurableEnv, durableEnv, type WorkerDurableOptions } from "./durable-options.js";
import { toStepError } from "./retry.js";
import { fingerprintOf, fingerprintOfFacts, readExecution, readExecutionHead } from "./state.js";
import { type InFlight, runClaimedStep } from "./step-runner.js";

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

const silent: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

function majorOf(version: string): string {
  return version.split(".")[0] ?? version;
}

class WorkerImpl implements Worker {
  readonly id: string;
  readonly stats: WorkerStats = { claimed: 0, completed: 0, failed: 0, finalized: 0 };
  private readonly store: HotStore;
  private blocking: HotStore | undefined;
  private readonly keyspace: Keyspace;
  private readonly defs = new DefinitionCache();
  private readonly plugins = new Map<string, StepPlugin>();
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly idleWaitMs: number;
  private readonly sweepIntervalMs: number;
  private readonly logger: StepLogger;
  private readonly flights = new Set<InFlight>();
  private active = 0;
  private closing = false;
  private loop: Promise<void> | undefined;
  private slotFreed: (() => void) | undefined;
  private nextDueAt = Number.POSITIVE_INFINITY;
  private lastSweepAt = 0;
  private readonly slotsDrained: Set<() => void> = new Set();
  private readonly throttle: ThrottleGate;
  private readonly onThrottled: WorkerOptions["onThrottled"];
  private readonly cancelTimer: NodeJS.Timeout;
  private readonly durable: DurableEnv | undefined;
  readonly telemetry: Telemetry;
  private readonly shipper: LedgerShipper | undefined;

  constructor(options: WorkerOptions) {
    this.store = openHotStore(options.connection);
    this.keyspace = new Keyspace(
      options.prefix ?? DEFAULT_PREFIX,
      options.partitions ?? DEFAULT_PARTITIONS,
    );
    this.concurrency = Math.max(1, options.concurrency ?? 10);
    this.leaseMs = options.leaseMs ?? POLICY_DEFAULTS.leaseMs;
    this.idleWaitMs = Math.max(10, options.idleWaitMs ?? 250);
    this.sweepIntervalMs = Math.max(this.idleWaitMs, options.sweepIntervalMs ?? 1_000);
    this.logger = options.logger ?? silent;
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.throttle = new ThrottleGate(this.store, this.keyspace.prefix, this.id);
    this.onThrottled = options.onThrottled;
    this.cancelTimer = setInterval(
      () => void this.checkCancelled().catch(() => undefined),
      Math.max(20, options.cancelCheckMs ?? 500),
    );
    this.cancelTimer.unref();
    for (const plugin of options.plugins) {
      this.plugins.set(`${plugin.type}@${majorOf(plugin.version)}`, plugin);
    }
    this.durable = options.durable && durableEnv(options.durable);
    const store = options.observability?.store ?? options.durable?.store;
    this.telemetry = new Telemetry(
      { ...options.observability, ...(store === undefined ? {} : { store }) },
      (error) => this.logger.warn("telemetry flush failed", { message: (error as Error).message }),
    );
    this.shipper = this.shipperFor(options);
  }

  private shipperFor(options: WorkerOptions): LedgerShipper | undefined {
    const durable = options.durable;
    if (durable === undefined || durable.ship === false) return undefined;
    return createLedgerShipper({
      hot: this.store,
      store: durable.store,
      prefix: this.keyspace.prefix,
      partitions: this.keyspace.partitions,
      ...(durable.retention === undefined ? {} : { retention: durable.retention }),
      onError: (error) =>
        this.logger.warn("ledger shipping failed", { message: (error as Error).message }),
    });
  }

  run(): Promise<void> {
    this.shipper?.start();
    this.loop ??= this.dispatch().catch((error) => {
      this.logger.error("worker loop stopped", { message: (error as Error).message });
    });
    return this.loop;
  }

  private env() {
    return {
      store: this.store,
      workerId: this.id,
      defaultLeaseMs: this.leaseMs,
      logger: this.logger,
      ...(this.durable === undefined ? {} : { durable: this.durable }),
      keysOf: (p: number) => this.keyspace.part(p),
      pluginFor: (type: string, version: string) => this.plugins.get(`${type}@${majorOf(version)}`),
      claimNext: () => (this.closing ? 0 : 1),
      throttle: this.throttle,
      telemetry: this.telemetry,
      onThrottled: (item: ClaimedStep, denial: LimitDenial) => {
        this.telemetry.throttled(item.executionId, item.stepId, denial.retryAfterMs);
        this.onThrottled?.({ executionId: item.executionId, stepId: item.stepId, denial });
      },
      onRetryScheduled: (delayMs: number) => {
        this.nextDueAt = Math.min(this.nextDueAt, Date.now() + delayMs);
      },
    };
  }

  /**
   * Claims for free slots; when nothing is there, blocks on the wake lists. A failing store
   * (network blip, cluster failover) never stops the loop: it logs and backs off (50 ms doubling
   * to 1 s) until the store answers again.
   */
  private async dispatch(): Promise<void> {
    this.blocking = this.store.duplicate();
    const sweepOrder = Array.from({ length: this.keyspace.partitions }, (_, p) => p);
    let rotation = 0;
    // Every partition, starting one further each time so no partition is always served last.
    const everywhere = () => {
      rotation = (rotation + 1) % sweepOrder.length;
      return [...sweepOrder.slice(rotation), ...sweepOrder.slice(0, rotation)];
    };
    let hinted: number[] = everywhere();
    let backoff = 0;
    while (!this.closing) {
      try {
        hinted = await this.dispatchOnce(hinted, everywhere);
        backoff = 0;
      } catch (error) {
        if (this.closing) break;
        backoff = Math.min(1_000, backoff === 0 ? 50 : backoff * 2);
        this.logger.warn("claim loop error; retrying", {
          message: (error as Error).message,
          backoffMs: backoff,
        });
        await new Promise((r) => setTimeout(r, backoff));
        hinted = everywhere();
      }
    }
  }

  /** One round: claim from `hinted` partitions, or wait. Returns the partitions to try next. */
  private async dispatchOnce(hinted: number[], everywhere: () => number[]): Promise<number[]> {
    if (this.concurrency - this.active <= 0) {
      await new Promise<void>((resolve) => {
        this.slotFreed = resolve;
      });
      return hinted.length > 0 ? hinted : everywhere();
    }
    let claimedAny = false;
    for (const p of hinted) {
      const room = this.concurrency - this.active;
      if (room <= 0 || this.closing) break;
      const items = await claimSteps(this.store, this.keyspace.part(p), {
        workerId: this.id,
        max: room,
        defaultLeaseMs: this.leaseMs,
      });
      if (items.length > 0) claimedAny = true;
      for (const item of items) this.startSlot(item);
    }
    if (claimedAny || this.closing) return everywhere();
    const wakeKeys = this.keyspace.wakeKeys();
    const waitMs = Math.max(10, Math.min(this.idleWaitMs, this.nextDueAt - Date.now()));
    let popped: [string, string] | null;
    try {
      popped = await this.blocking!.blpop(wakeKeys, waitMs / 1000);
    } catch (error) {
      if (this.closing) return [];
      throw error;
    }
    // A hint serves one partition, but every partition is swept at least every sweepIntervalMs,
    // so due retries and expired leases elsewhere are never starved by a stream of wake tokens;
    // a retry this worker scheduled triggers a sweep when due (nextDueAt).
    const now = Date.now();
    const retryDue = this.nextDueAt <= now + 5;
    if (!retryDue && now - this.lastSweepAt < this.sweepIntervalMs) {
      return popped === null ? [] : [wakeKeys.indexOf(popped[0])];
    }
    if (retryDue) this.nextDueAt = Number.POSITIVE_INFINITY;
    this.lastSweepAt = now;
    return everywhere();
  }

  private startSlot(first: ClaimedStep): void {
    this.active++;
    this.stats.claimed++;
    void this.slot(first)
      .catch((error) => this.logger.error("slot crashed", { message: (error as Error).message }))
      .finally(() => {
        this.active--;
        this.slotFreed?.();
        this.slotFreed = undefined;
        if (this.active === 0) for (const done of this.slotsDrained) done();
      });
  }

  /** One slot: run a step, then the next one its report claimed, until none comes back. */
  private async slot(first: ClaimedStep): Promise<void> {
    let item: ClaimedStep | undefined = first;
    const env = this.env();
    while (item !== undefined) {
      const current: ClaimedStep = item;
      let def: Awaited<ReturnType<DefinitionCache["get"]>>;
      try {
        def = await this.defs.get(
          this.store,
          this.keyspace.part(current.partition),
          current.fingerprint,
        );
      } catch (error) {
        this.logger.error("definition unavailable", { message: (error as Error).message });
        await this.giveUp(current, error);
        return;
      }
      let flight: InFlight | undefined;
      const result = await runClaimedStep(env, def, current, (f) => {
        if (f === undefined) {
          if (flight) this.flights.delete(flight);
        } else {
          flight = f;
          this.flights.add(f);
        }
      });
      if (result === undefined) return;
      if ("outcome" in result) this.stats.failed++;
      else this.stats.completed++;
      if (result.finalStatus !== undefined) {
        this.stats.finalized++;
        this.traceExecution(current, def.ir.name, result.finalStatus);
        // Single-step executions store the fingerprint inside completeStep already.
        if (result.storedFingerprint === undefined) {
          this.onFinalized(current, result.finalStatus, result.facts);
        }
      }
      item = result.next[0];
      if (item !== undefined) this.stats.claimed++;
      // claimNext is 1, so at most one item comes back; extra items would be a script bug.
      for (const extra of result.next.slice(1)) this.startSlot(extra);
    }
  }

  /**
   * The step's definition could not be loaded. Missing from hot state (evicted or never stored):
   * the step can never run, so it fails for good. Anything else (the store is unreachable): give
   * the step back at once rather than let its lease expire. Best effort either way: if this report
   * fails too, lease recovery takes over.
   */
  private async giveUp(item: ClaimedStep, error: unknown): Promise<void> {
    const keys = this.keyspace.part(item.partition);
    const ref = { executionId: item.executionId, stepId: item.stepId, token: item.token };
    try {
      if ((error as { code?: unknown }).code === "EXECUTION_NOT_FOUND") {
        const info = toStepError(error);
        await failStep(this.store, keys, {
          ...ref,
          decision: "fail",
          delayMs: 0,
          errorJson: JSON.stringify({ ...info, retryable: false }),
          errorCode: info.code,
          workerId: this.id,
          claimNext: 0,
          leaseMs: this.leaseMs,
        });
      } else {
        await releaseStep(this.store, keys, { ...ref, workerId: this.id });
      }
    } catch {
      // lease recovery will return the step
    }
  }

  /** The finalizing worker records the execution span (reads when the execution started). */
  private traceExecution(item: ClaimedStep, pipeline: string, status: FinalStatus): void {
    // Skip the extra read when nothing would record the span (no sink, no OTel SDK).
    if (!this.telemetry.observesExecutions) return;
    const keys = this.keyspace.part(item.partition);
    void readExecutionHead(this.store, keys, item.executionId)
      .then((head) => {
        if (head !== null) {
          this.telemetry.executionFinished(item.executionId, pipeline, status, head.startedAt);
        }
      })
      .catch(() => undefined);
  }

  /** The finalizing worker stores the execution fingerprint (any reader can recompute it too). */
  private onFinalized(item: ClaimedStep, status: FinalStatus, facts: FinalFacts | undefined): void {
    const keys = this.keyspace.part(item.partition);
    void (async () => {
      let fingerprint: string;
      if (facts !== undefined) fingerprint = fingerprintOfFacts(item.fingerprint, facts);
      else {
        const def = await this.defs.get(this.store, keys, item.fingerprint);
        const snapshot = await readExecution(this.store, keys, item.executionId, def);
        if (snapshot === null) return;
        fingerprint = fingerprintOf(snapshot);
      }
      await setFingerprint(this.store, keys, { executionId: item.executionId, fingerprint });
      this.logger.debug("execution finalized", { executionId: item.executionId, status });
    })().catch((error) =>
      this.logger.warn("fingerprint not stored", { message: (error as Error).message }),
    );
  }

  /** Aborts in-flight steps whose execution was cancelled (one HMGET per busy partition). */
  private async checkCancelled(): Promise<void> {
    if (this.flights.size === 0) return;
    const byPartition = new Map<number, InFlight[]>();
    for (const flight of this.flights) {
      const list = byPartition.get(flight.item.partition) ?? [];
      list.push(flight);
      byPartition.set(flight.item.partition, list);
    }
    for (const [p, flights] of byPartition) {
      const fields = flights.map((f) => `${f.item.executionId}:cancel`);
      const flags = await this.store.hmget(this.keyspace.part(p).byName.x, fields);
      flights.forEach((f, i) => {
        if (flags[i] === "1") f.abort("cancelled");
      });
    }
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.cancelTimer);
    this.slotFreed?.();
    const drained = new Promise<void>((resolve) => {
      if (this.active === 0) resolve();
      else this.slotsDrained.add(resolve);
    });
    const releaseAll = () => {
      for (const flight of this.flights) flight.abort("shutdown");
    };
    if (options.abandon) for (const flight of this.flights) flight.abort("abandon");
    else if (options.release) releaseAll();
    const timer = setTimeout(releaseAll, options.timeoutMs ?? 30_000);
    await drained;
    clearTimeout(timer);
    const blocking = this.blocking;
    this.blocking = undefined;
    await blocking?.close();
    await this.loop;
    // A final shipping pass, so what this worker did is durable before its connection closes.
    await this.shipper
      ?.close()
      .catch((error) =>
        this.logger.warn("ledger shipper close failed", { message: (error as Error).message }),
      );
    await this.telemetry.close();
    await this.store.close();
  }
}

/**
 * Creates a worker that runs steps of every execution in its hot state.
 *
 * @example
 * ```ts
 * import { createWorker } from "@ordo/runtime";
 * import { upper } from "./plugins.js";
 *
 * const worker = createWorker({ connection: "redis://localhost:6379", plugins: [upper], concurrency: 50 });
 * process.on("SIGTERM", () => void worker.close());
 * ```
 */
export function createWorker(options: WorkerOptions): Worker {
  if (options.plugins.length === 0) {
    throw new OrdoError("USAGE", "createWorker needs at least one plugin in `plugins`.");
  }
  const worker = new WorkerImpl(options);
  if (options.autostart ?? true) void worker.run();
  return worker;
}
