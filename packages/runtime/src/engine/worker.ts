/**
 * The worker: claims steps from every partition and runs them in-process with up to
 * `concurrency` attempts in flight. Idle, it blocks on the partitions' wake lists (see
 * `claim-loop.ts`); a slot that finishes a step claims its next one in the same script call
 * (completeAndClaim), so a busy worker needs one round trip per step.
 */

import { OrdoError } from "@ordo/core";
import type { StepPlugin } from "@ordo/step";
import { openHotStore } from "../hot/connection.js";
import type { HotStore } from "../hot/hot-store.js";
import { DEFAULT_PARTITIONS, DEFAULT_PREFIX, Keyspace } from "../hot/keys.js";
import type { ClaimedStep } from "../hot/scripts.js";
import { Telemetry } from "../observability/telemetry.js";
import { ThrottleGate } from "../throttle/gate.js";
import type { LimitDenial } from "../throttle/limiter.js";
import { ClaimLoop } from "./claim-loop.js";
import { DefinitionCache } from "./definition-cache.js";
import {
  type DurableBackground,
  type DurableEnv,
  durableBackground,
  durableEnv,
} from "./durable-options.js";
import { Flights } from "./flights.js";
import { type InFlight, runClaimedStep } from "./step-runner.js";
import { giveUpClaim, storeFingerprint, traceExecution } from "./worker-finish.js";
import {
  type CloseOptions,
  pluginKey,
  type Worker,
  type WorkerOptions,
  type WorkerSettings,
  type WorkerStats,
  workerSettings,
} from "./worker-options.js";

export type {
  CloseOptions,
  ThrottledStep,
  Worker,
  WorkerOptions,
  WorkerStats,
} from "./worker-options.js";

class WorkerImpl implements Worker {
  readonly id: string;
  readonly stats: WorkerStats = { claimed: 0, completed: 0, failed: 0, finalized: 0 };
  readonly telemetry: Telemetry;
  private readonly store: HotStore;
  private readonly keyspace: Keyspace;
  private readonly settings: WorkerSettings;
  private readonly defs = new DefinitionCache();
  private readonly plugins = new Map<string, StepPlugin>();
  private readonly flights: Flights;
  private readonly claims: ClaimLoop;
  private active = 0;
  /** Set by close(): claim nothing more (reports claim no next step either). */
  private isClosing = false;
  private loop: Promise<void> | undefined;
  private readonly slotsDrained: Set<() => void> = new Set();
  private readonly throttle: ThrottleGate;
  private readonly progressEvents: WorkerOptions["progressEvents"];
  private readonly onThrottled: WorkerOptions["onThrottled"];
  private readonly durable: DurableEnv | undefined;
  /** Ledger shipping and automatic retention (with a durable store). */
  private readonly background: DurableBackground | undefined;

  constructor(options: WorkerOptions) {
    this.settings = workerSettings(options);
    this.id = this.settings.workerId;
    this.store = openHotStore(options.connection);
    this.keyspace = new Keyspace(
      options.prefix ?? DEFAULT_PREFIX,
      options.partitions ?? DEFAULT_PARTITIONS,
    );
    this.throttle = new ThrottleGate(this.store, this.keyspace.prefix, this.id, {
      ...(options.admissionPolicyCacheMs === undefined
        ? {}
        : { admissionPolicyCacheMs: options.admissionPolicyCacheMs }),
    });
    this.progressEvents = options.progressEvents;
    this.onThrottled = options.onThrottled;
    this.flights = new Flights(this.store, this.keyspace, this.settings.cancelCheckMs);
    this.claims = new ClaimLoop({
      store: this.store,
      keyspace: this.keyspace,
      settings: this.settings,
      room: () => this.settings.concurrency - this.active,
      closing: () => this.isClosing,
      startSlot: (item) => this.startSlot(item),
    });
    for (const plugin of options.plugins) {
      this.plugins.set(pluginKey(plugin.type, plugin.version), plugin);
    }
    this.durable = options.durable && durableEnv(options.durable);
    const store = options.observability?.store ?? options.durable?.store;
    const logger = this.settings.logger;
    this.telemetry = new Telemetry(
      { ...options.observability, ...(store === undefined ? {} : { store }) },
      (error) => logger.warn("telemetry flush failed", { message: (error as Error).message }),
    );
    this.background =
      options.durable &&
      durableBackground(this.store, this.keyspace, options.durable, (what, error) =>
        logger.warn(what, { message: (error as Error).message }),
      );
  }

  run(): Promise<void> {
    this.background?.start();
    this.loop ??= this.claims.run().catch((error) => {
      this.settings.logger.error("worker loop stopped", { message: (error as Error).message });
    });
    return this.loop;
  }

  private finishContext() {
    const { logger, workerId, leaseMs } = this.settings;
    return {
      store: this.store,
      keyspace: this.keyspace,
      defs: this.defs,
      telemetry: this.telemetry,
      logger,
      workerId,
      leaseMs,
    };
  }

  private env() {
    return {
      store: this.store,
      workerId: this.id,
      defaultLeaseMs: this.settings.leaseMs,
      logger: this.settings.logger,
      ...(this.durable === undefined ? {} : { durable: this.durable }),
      ...(this.progressEvents === undefined ? {} : { progressEvents: this.progressEvents }),
      keysOf: (p: number) => this.keyspace.part(p),
      pluginFor: (type: string, version: string) => this.plugins.get(pluginKey(type, version)),
      claimNext: () => (this.isClosing ? 0 : 1),
      throttle: this.throttle,
      telemetry: this.telemetry,
      onThrottled: (item: ClaimedStep, denial: LimitDenial) => {
        this.telemetry.throttled(item.executionId, item.stepId, denial.retryAfterMs);
        this.onThrottled?.({ executionId: item.executionId, stepId: item.stepId, denial });
      },
      onRetryScheduled: (delayMs: number) => this.claims.retryScheduled(delayMs),
    };
  }

  /** Runs `first` in a new slot; the slot goes on with what each report claims next. */
  private startSlot(first: ClaimedStep): void {
    this.active++;
    this.stats.claimed++;
    void this.slot(first)
      .catch((error) =>
        this.settings.logger.error("slot crashed", { message: (error as Error).message }),
      )
      .finally(() => {
        this.active--;
        this.claims.wake();
        if (this.active === 0) for (const done of this.slotsDrained) done();
      });
  }

  /** One slot: run a step, then the next one its report claimed, until none comes back. */
  private async slot(first: ClaimedStep): Promise<void> {
    let item: ClaimedStep | undefined = first;
    const env = this.env();
    const finish = this.finishContext();
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
        this.settings.logger.error("definition unavailable", {
          message: (error as Error).message,
        });
        await giveUpClaim(finish, current, error);
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
        traceExecution(finish, current, def.ir.name, result.finalStatus);
        // Single-step executions store the fingerprint inside completeStep already.
        if (result.storedFingerprint === undefined) {
          storeFingerprint(finish, current, result.finalStatus, result.facts);
        }
      }
      item = result.next[0];
      if (item !== undefined) this.stats.claimed++;
      // claimNext is 1, so at most one item comes back; extra items would be a script bug.
      for (const extra of result.next.slice(1)) this.startSlot(extra);
    }
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.isClosing) return;
    this.isClosing = true;
    this.flights.stop();
    this.claims.wake();
    const drained = new Promise<void>((resolve) => {
      if (this.active === 0) resolve();
      else this.slotsDrained.add(resolve);
    });
    if (options.abandon) this.flights.abortAll("abandon");
    else if (options.release) this.flights.abortAll("shutdown");
    const timer = setTimeout(() => this.flights.abortAll("shutdown"), options.timeoutMs ?? 30_000);
    await drained;
    clearTimeout(timer);
    await this.claims.closeBlocking();
    await this.loop;
    // A final shipping pass, so what this worker did is durable before its connection closes.
    await this.background?.close().catch((error) =>
      this.settings.logger.warn("durable background close failed", {
        message: (error as Error).message,
      }),
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
