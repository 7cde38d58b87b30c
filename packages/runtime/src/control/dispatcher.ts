/**
 * The dispatcher of one runtime instance: claims queued runs within the instance's free run
 * slots, starts each run's execution through the client (with the execution id fixed at enqueue,
 * so a run is never started twice even when a claim expires mid-start), marks it started, and
 * records its terminal status when the execution finishes. Idle, it blocks on the queue's wake
 * list instead of polling.
 */
import { isOrdoError, type JsonValue } from "@ordo/core";
import type { Client } from "../engine/client.js";
import type { HotStore } from "../hot/hot-store.js";
import type { ControlKeys } from "./keys.js";
import type { RunQueue } from "./queue.js";
import { type ClaimedRun, claimRunsScript, finishRunScript, startRunScript } from "./scripts.js";

/** Options of a {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly store: HotStore;
  readonly keys: ControlKeys;
  readonly queue: RunQueue;
  readonly client: Client;
  readonly instanceId: string;
  /** Claim deadline, ms [30 000]. */
  readonly claimTtlMs?: number;
  /** Longest blocking wait for work, ms [500]. */
  readonly idleWaitMs?: number;
  /** Runs claimed per call [8] (the instance's free slots bound it too). */
  readonly batch?: number;
  /** Unexpected errors (the loop goes on). */
  readonly onError?: (error: unknown) => void;
}

/** Counters since start. */
export interface DispatcherStats {
  claimed: number;
  started: number;
  /** Claimed runs that could not start (invalid input or definition) and ended failed. */
  rejected: number;
  /** Runs cancelled while claimed, whose execution was cancelled right after creation. */
  cancelledAtStart: number;
  finished: number;
}

/** Errors that will not go away by retrying the start elsewhere. */
function isPermanent(error: unknown): boolean {
  return isOrdoError(error) && (error.code === "INPUT_INVALID" || error.code.startsWith("IR_"));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** See the module doc. Created by `ControlPlane.startInstance`. */
export class Dispatcher {
  readonly stats: DispatcherStats = {
    claimed: 0,
    started: 0,
    rejected: 0,
    cancelledAtStart: 0,
    finished: 0,
  };
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly watching = new Set<Promise<void>>();
  private waitStore: HotStore | undefined;

  constructor(private readonly o: DispatcherOptions) {}

  /** Starts the loop (idempotent). */
  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    this.waitStore = this.o.store.duplicate();
    const waitSec = (this.o.idleWaitMs ?? 500) / 1000;
    while (!this.stopping) {
      try {
        const { runs } = await claimRunsScript(this.o.store, this.o.keys, {
          instanceId: this.o.instanceId,
          claimTtlMs: this.o.claimTtlMs ?? 30_000,
          max: this.o.batch ?? 8,
          scanLimit: 256,
        });
        this.stats.claimed += runs.length;
        for (const run of runs) await this.startRun(run);
        if (runs.length === 0 && !this.stopping) {
          await this.waitStore.blpop([this.o.keys.byName.wake], waitSec);
        }
      } catch (error) {
        this.o.onError?.(error);
        await sleep(200);
      }
    }
  }

  private async startRun(run: ClaimedRun): Promise<void> {
    const { store, keys, client } = this.o;
    try {
      const ir = await this.o.queue.definition(run.fingerprint);
      await client.start(ir, JSON.parse(run.inputJson) as JsonValue, {
        executionId: run.executionId,
      });
    } catch (error) {
      // A previous claimer created it before its claim expired: this claim carries on with it.
      if (!(isOrdoError(error) && error.code === "EXECUTION_EXISTS")) {
        const permanent = isPermanent(error);
        if (permanent) this.stats.rejected++;
        else this.o.onError?.(error);
        await finishRunScript(store, keys, {
          runId: run.runId,
          status: permanent ? "failed" : "queued",
          reason: `start failed: ${(error as Error).message}`.slice(0, 500),
          token: run.token,
        });
        return;
      }
    }
    const outcome = await startRunScript(store, keys, {
      runId: run.runId,
      token: run.token,
      instanceId: this.o.instanceId,
    });
    if (outcome === "cancelled") {
      this.stats.cancelledAtStart++;
      await client.cancel(run.executionId, "run cancelled before it started").catch(() => {});
      return;
    }
    if (outcome === "stale") return; // another instance owns the run now and watches it
    this.stats.started++;
    this.watch(run.runId, run.executionId);
  }

  /** Records the run's end when its execution finishes (the engine's finish watcher, no polling). */
  private watch(runId: string, executionId: string): void {
    const done: Promise<void> = this.o.client
      .handle(executionId)
      .result()
      .catch(() => {}) // failed and cancelled executions reject; settle reads the status
      .then(async () => {
        if (await this.o.queue.settle(runId, executionId)) this.stats.finished++;
      })
      .catch((error) => this.o.onError?.(error))
      .finally(() => this.watching.delete(done));
    this.watching.add(done);
  }

  /** Runs this dispatcher started that are still being watched. */
  get watched(): number {
    return this.watching.size;
  }

  /**
   * Stops claiming. Started executions keep running (workers anywhere finish them); their runs
   * are recorded by any later reader or reconcile. `waitForRuns` waits for the watched ones.
   */
  async stop(options: { waitForRuns?: boolean } = {}): Promise<void> {
    this.stopping = true;
    await this.loop;
    if (options.waitForRuns) await Promise.all([...this.watching]);
    await this.waitStore?.close();
  }
}
