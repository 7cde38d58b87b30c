/**
 * Automatic retention: a background loop that applies retention partition by partition every
 * `intervalMs`, from any number of workers without doing the work twice.
 *
 * Each partition has a retention turn: a lease key `{<prefix>:<p>}:retention:turn` taken with the
 * shipping lease script for `intervalMs` and not released after the pass, so in a fleet each
 * partition gets about one pass per interval whichever worker takes it (others find it held and
 * skip it). A long pass renews the turn before each page. Durable expiry (`purgeExpired`) runs by
 * whoever holds partition 0's turn.
 */
import { randomBytes } from "node:crypto";
import type { DurableStore, RemovalResult } from "../durable/types.js";
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";
import { takeShipLease } from "../ledger/scripts.js";
import type { LedgerShipper } from "../ledger/shipper.js";
import {
  newWork,
  type PartitionPass,
  passShipper,
  type RetentionResult,
  retainPartition,
} from "./apply.js";
import type { RetentionConfig } from "./policy.js";
import { RetentionResolver } from "./resolve.js";

/** Default pause between passes, ms (see docs/concepts/retention.md for why a minute). */
export const DEFAULT_RETENTION_INTERVAL_MS = 60_000;

/** Options of {@link createRetentionRunner}. */
export interface RetentionRunnerOptions {
  /** An open hot store; the runner never closes it. */
  readonly hot: HotStore;
  readonly keyspace: Keyspace;
  readonly store: DurableStore;
  /** Deployment policies (override > IR > default); default none (IR policies only). */
  readonly retention?: RetentionConfig;
  /** Pause between passes and length of a partition's turn, ms (> 0). */
  readonly intervalMs: number;
  /** Id in the turn leases. Default random. */
  readonly owner?: string;
  /** Errors of a background pass (the loop keeps going). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** A background retention loop. */
export interface RetentionRunner {
  /** One pass over the partitions whose turn this runner gets now (errors go to `onError`). */
  runOnce(now?: number): Promise<RetentionResult>;
  /** Starts passes every `intervalMs`, the first one interval after the call (idempotent). */
  start(): void;
  /** Stops the loop after the current pass. */
  stop(): Promise<void>;
}

class Runner implements RetentionRunner {
  private readonly owner: string;
  private readonly resolver: RetentionResolver;
  private readonly shipper: LedgerShipper;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  /** Set by stop(): a pass in progress ends after its current page. */
  private closing = false;

  constructor(private readonly options: RetentionRunnerOptions) {
    this.owner = options.owner ?? `retention:${randomBytes(6).toString("hex")}`;
    this.resolver = new RetentionResolver(options.hot, options.retention, options.store);
    this.shipper = passShipper(options.hot, options.keyspace, options.store, options.retention);
  }

  /** Takes or renews partition `p`'s turn for one interval; false when another runner has it. */
  private async takeTurn(p: number): Promise<boolean> {
    const lease = `{${this.options.keyspace.prefix}:${p}}:retention:turn`;
    // The shipping lease script is a generic "take if free or mine, with PX" on a string key;
    // the cursor it returns is ignored (it reads the lease key itself).
    const keys = {
      partition: p,
      lease,
      cursor: lease,
      log: this.options.keyspace.part(p).byName.log,
    };
    const taken = await takeShipLease(this.options.hot, keys, {
      owner: this.owner,
      leaseMs: Math.max(1, this.options.intervalMs),
    });
    return taken !== null;
  }

  async runOnce(now = Date.now()): Promise<RetentionResult> {
    const { hot, keyspace, store } = this.options;
    const work = newWork();
    let purged: RemovalResult = { events: 0, snapshots: 0, payloads: 0, metrics: 0, spans: 0 };
    for (let p = 0; p < keyspace.partitions; p++) {
      // A stopping worker finishes the page at hand, not the whole walk.
      if (this.closing || !(await this.takeTurn(p))) continue;
      const pass: PartitionPass = {
        hot,
        keyspace,
        store,
        resolver: this.resolver,
        shipper: this.shipper,
        limit: 200,
        now,
        keepGoing: async () => !this.closing && (await this.takeTurn(p)),
      };
      try {
        await retainPartition(pass, p, work);
        if (p === 0) purged = await store.purgeExpired(now);
      } catch (error) {
        // One partition's failure (e.g. LEDGER_GAP while shipping) does not stop the others.
        this.options.onError?.(error);
      }
    }
    return { ...work, purged };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.closing = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.intervalMs);
    // A pending pass never keeps the process alive.
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

/**
 * Creates a background retention loop over an open hot store. Workers with a durable store run
 * one (option `durable.retentionIntervalMs`); a maintenance process without workers calls
 * `applyRetention` on a timer instead.
 *
 * @example
 * ```ts
 * const runner = createRetentionRunner({ hot, keyspace, store, intervalMs: 60_000 });
 * runner.start();
 * // ... on shutdown:
 * await runner.stop();
 * ```
 */
export function createRetentionRunner(options: RetentionRunnerOptions): RetentionRunner {
  return new Runner(options);
}
