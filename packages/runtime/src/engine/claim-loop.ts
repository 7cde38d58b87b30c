/**
 * The worker's claim loop: claims for free slots from hinted partitions, and when nothing is
 * there blocks on the partitions' wake lists (BLPOP on a dedicated connection, no busy polling).
 * Every partition is swept (claimed from, which promotes due retries and recovers expired leases)
 * at least every `sweepIntervalMs`, and when a retry this worker scheduled falls due.
 */
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";
import { type ClaimedStep, claimSteps } from "../hot/scripts.js";
import type { WorkerSettings } from "./worker-options.js";

/** What the loop needs from its worker. */
export interface ClaimLoopHost {
  readonly store: HotStore;
  readonly keyspace: Keyspace;
  readonly settings: WorkerSettings;
  /** Slots free now (concurrency minus steps in flight). */
  room(): number;
  /** True once the worker is closing: the loop claims nothing more and ends. */
  closing(): boolean;
  /** Runs a claimed step in a new slot. */
  startSlot(item: ClaimedStep): void;
}

/** Interval of the re-sweeps after a retry's local due time, ms. */
const DUE_RECHECK_MS = 25;
/** How long after a retry's local due time the loop keeps re-sweeping when idle, ms. */
const DUE_RECHECK_WINDOW_MS = 250;

export class ClaimLoop {
  private blocking: HotStore | undefined;
  private slotFreed: (() => void) | undefined;
  /** When the earliest retry this worker scheduled falls due (ms epoch; +Infinity = none). */
  private nextDueAt = Number.POSITIVE_INFINITY;
  /**
   * Until when a due-time sweep that found nothing looks again (every {@link DUE_RECHECK_MS}):
   * the store's clock decides when a retry is due, and this process's clock may run a little
   * ahead of it (skew between machines, or timer rounding). Without it a retry swept a hair too
   * early waited for the next regular sweep (`sweepIntervalMs`, 1 s by default).
   */
  private recheckUntil = 0;
  /** True while `nextDueAt` is a re-sweep (not a retry's own due time). */
  private rechecking = false;
  private lastSweepAt = 0;
  private rotation = 0;

  constructor(private readonly host: ClaimLoopHost) {}

  /** A retry was scheduled `delayMs` from now: sweep when it is due rather than at the next tick. */
  retryScheduled(delayMs: number): void {
    const dueAt = Date.now() + delayMs;
    if (this.rechecking) {
      this.rechecking = false;
      this.nextDueAt = Number.POSITIVE_INFINITY;
    }
    this.nextDueAt = Math.min(this.nextDueAt, dueAt);
    this.recheckUntil = Math.max(this.recheckUntil, dueAt + DUE_RECHECK_WINDOW_MS);
  }

  /** A slot ended (or the worker is closing): a loop waiting for room goes on. */
  wake(): void {
    this.slotFreed?.();
    this.slotFreed = undefined;
  }

  /** Closes the blocking connection (an in-progress BLPOP then ends the loop's round). */
  async closeBlocking(): Promise<void> {
    const blocking = this.blocking;
    this.blocking = undefined;
    await blocking?.close();
  }

  /**
   * Runs until the worker closes. A failing store (network blip, cluster failover) never stops
   * the loop: it logs and backs off (50 ms doubling to 1 s) until the store answers again.
   */
  async run(): Promise<void> {
    this.blocking = this.host.store.duplicate();
    let hinted = this.everywhere();
    let backoff = 0;
    while (!this.host.closing()) {
      try {
        hinted = await this.once(hinted);
        backoff = 0;
      } catch (error) {
        if (this.host.closing()) break;
        backoff = Math.min(1_000, backoff === 0 ? 50 : backoff * 2);
        this.host.settings.logger.warn("claim loop error; retrying", {
          message: (error as Error).message,
          backoffMs: backoff,
        });
        await new Promise((r) => setTimeout(r, backoff));
        hinted = this.everywhere();
      }
    }
  }

  /** Every partition, starting one further each time so no partition is always served last. */
  private everywhere(): number[] {
    const n = this.host.keyspace.partitions;
    this.rotation = (this.rotation + 1) % n;
    return Array.from({ length: n }, (_, i) => (this.rotation + i) % n);
  }

  /** One round: claim from `hinted` partitions, or wait. Returns the partitions to try next. */
  private async once(hinted: number[]): Promise<number[]> {
    if (this.host.room() <= 0) {
      await new Promise<void>((resolve) => {
        this.slotFreed = resolve;
      });
      return hinted.length > 0 ? hinted : this.everywhere();
    }
    if (await this.claimFrom(hinted)) {
      // A re-sweep found the retry it was looking for (or other work): stop rechecking.
      if (this.rechecking) {
        this.rechecking = false;
        this.recheckUntil = 0;
        this.nextDueAt = Number.POSITIVE_INFINITY;
      }
      return this.everywhere();
    }
    if (this.host.closing()) return this.everywhere();
    return this.idle();
  }

  /** Claims up to the free room from each partition in turn; true when anything was claimed. */
  private async claimFrom(partitions: readonly number[]): Promise<boolean> {
    const { store, keyspace, settings } = this.host;
    let claimedAny = false;
    for (const p of partitions) {
      const room = this.host.room();
      if (room <= 0 || this.host.closing()) break;
      const items = await claimSteps(store, keyspace.part(p), {
        workerId: settings.workerId,
        max: room,
        defaultLeaseMs: settings.leaseMs,
      });
      if (items.length > 0) claimedAny = true;
      for (const item of items) this.host.startSlot(item);
    }
    return claimedAny;
  }

  /** Nothing claimed: block on the wake lists, then pick the partitions of the next round. */
  private async idle(): Promise<number[]> {
    const wakeKeys = this.host.keyspace.wakeKeys();
    const waitMs = Math.max(
      10,
      Math.min(this.host.settings.idleWaitMs, this.nextDueAt - Date.now()),
    );
    let popped: [string, string] | null;
    try {
      popped = await this.blocking!.blpop(wakeKeys, waitMs / 1000);
    } catch (error) {
      if (this.host.closing()) return [];
      throw error;
    }
    // A hint serves one partition, but every partition is swept at least every sweepIntervalMs,
    // so due retries and expired leases elsewhere are never starved by a stream of wake tokens;
    // a retry this worker scheduled triggers a sweep when due (nextDueAt).
    const now = Date.now();
    const retryDue = this.nextDueAt <= now;
    if (!retryDue && now - this.lastSweepAt < this.host.settings.sweepIntervalMs) {
      return popped === null ? [] : [wakeKeys.indexOf(popped[0])];
    }
    if (retryDue) {
      this.rechecking = now < this.recheckUntil;
      this.nextDueAt = this.rechecking ? now + DUE_RECHECK_MS : Number.POSITIVE_INFINITY;
    }
    this.lastSweepAt = now;
    return this.everywhere();
  }
}
