/**
 * The ledger shipper: moves every partition's ledger stream from hot state to the durable store,
 * hash-chained, and writes the terminal snapshot of each execution that finalized.
 *
 * Guarantees: at-least-once shipping (the cursor advances only after the durable append) plus an
 * append that is idempotent by `(executionId, seq)` gives exactly-once storage, in seq order.
 * One shipper per partition at a time (a short lease); any number of shippers may run.
 */
import { randomBytes } from "node:crypto";
import { OrdoError } from "@ordo/core";
import { chainEvents } from "../durable/ledger-chain.js";
import { type DurableStore, GENESIS_HASH, type UnchainedLedgerEvent } from "../durable/types.js";
import { DefinitionCache } from "../engine/definition-cache.js";
import { type Connection, openHotStore } from "../hot/connection.js";
import type { HotStore } from "../hot/hot-store.js";
import { DEFAULT_PARTITIONS, DEFAULT_PREFIX, Keyspace } from "../hot/keys.js";
import { buildTerminalSnapshot } from "../replay/snapshot.js";
import { expiresAtFor, type RetentionConfig, type RetentionPolicy } from "../retention/policy.js";
import { RetentionResolver } from "../retention/resolve.js";
import { type ShipKeys, shipKeys } from "./keys.js";
import { ackShipped, takeShipLease } from "./scripts.js";
import { decodeStreamEntry, isTerminalEvent } from "./stream.js";

/** Options of {@link createLedgerShipper}. */
export interface LedgerShipperOptions {
  /** Hot state (as for clients and workers); default the process-wide embedded engine. */
  readonly connection?: Connection;
  /** An already open hot store to use instead of `connection`; the shipper never closes it. */
  readonly hot?: HotStore;
  /** Where events, payloads and snapshots go. */
  readonly store: DurableStore;
  /** Key prefix; must match the workers'. Default `ordo`. */
  readonly prefix?: string;
  /** Partition count; must match the workers'. Default 16. */
  readonly partitions?: number;
  /** Ship only these partitions (default all). */
  readonly only?: readonly number[];
  /** Stream entries read per round trip. Default 500. */
  readonly batch?: number;
  /** Lease of a partition, ms; renewed every batch. Default 10 000. */
  readonly leaseMs?: number;
  /**
   * Shipped entries stay in the stream this long (ms) before they are trimmed, so clients that
   * follow `events()` from hot state can still read them. Default 60 000; 0 trims at once.
   */
  readonly keepMs?: number;
  /** Pause between background passes when nothing was shipped, ms. Default 200. */
  readonly intervalMs?: number;
  /** Write terminal snapshots. Default true. */
  readonly snapshots?: boolean;
  /**
   * Deployment retention (`durableTtlMs` per pipeline). Each pipeline's IR policy
   * (`policies.retention.durableTtlMs`) applies too: override > IR > default. Without either,
   * records are kept forever.
   */
  readonly retention?: RetentionConfig;
  /** Shipper id in the lease. Default random. */
  readonly owner?: string;
  /** Background loop errors (the loop keeps going). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** What one pass shipped. */
export interface ShipResult {
  /** Events appended to the durable store now. */
  readonly shipped: number;
  /** Stream entries already stored (a re-ship after a crash), skipped. */
  readonly duplicates: number;
  /** Terminal snapshots written. */
  readonly snapshots: number;
  /** Partitions skipped because another shipper holds their lease. */
  readonly busy: number;
}

/** A ledger shipper. */
export interface LedgerShipper {
  readonly owner: string;
  /** Ships every (selected) partition until its stream is drained; for tests, CLI and cron. */
  shipOnce(): Promise<ShipResult>;
  /** Ships one partition until drained. */
  shipPartition(partition: number): Promise<ShipResult>;
  /** Starts a background loop of {@link shipOnce} passes (idempotent). */
  start(): void;
  /**
   * Stops the loop after the current pass (when started), then a final pass ships what is left;
   * releases the partition leases, so another shipper (e.g. `applyRetention`'s) can ship at once.
   */
  stop(): Promise<void>;
  /** Stops and closes the hot connection if the shipper opened it. */
  close(): Promise<void>;
}

interface Counters {
  shipped: number;
  duplicates: number;
  snapshots: number;
  busy: number;
}

class Shipper implements LedgerShipper {
  readonly owner: string;
  private readonly hot: HotStore;
  private readonly keyspace: Keyspace;
  private readonly definitions = new DefinitionCache();
  private readonly policies: RetentionResolver;
  private readonly batch: number;
  private readonly leaseMs: number;
  private loop: Promise<void> | undefined;
  /** Partitions whose lease this shipper took (released on close). */
  private readonly held = new Set<number>();
  private stopping = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: LedgerShipperOptions) {
    this.hot = options.hot ?? openHotStore(options.connection);
    this.keyspace = new Keyspace(
      options.prefix ?? DEFAULT_PREFIX,
      options.partitions ?? DEFAULT_PARTITIONS,
    );
    this.owner = options.owner ?? `shipper:${randomBytes(6).toString("hex")}`;
    this.batch = Math.max(1, options.batch ?? 500);
    this.leaseMs = Math.max(100, options.leaseMs ?? 10_000);
    this.policies = new RetentionResolver(this.hot, options.retention, options.store);
  }

  async shipOnce(): Promise<ShipResult> {
    const total: Counters = { shipped: 0, duplicates: 0, snapshots: 0, busy: 0 };
    const partitions =
      this.options.only ?? Array.from({ length: this.keyspace.partitions }, (_, p) => p);
    for (const p of partitions) {
      const r = await this.shipPartition(p);
      total.shipped += r.shipped;
      total.duplicates += r.duplicates;
      total.snapshots += r.snapshots;
      total.busy += r.busy;
    }
    return total;
  }

  async shipPartition(partition: number): Promise<ShipResult> {
    const keys = shipKeys(this.keyspace, partition);
    const counters: Counters = { shipped: 0, duplicates: 0, snapshots: 0, busy: 0 };
    for (;;) {
      const lease = await takeShipLease(this.hot, keys, {
        owner: this.owner,
        leaseMs: this.leaseMs,
      });
      if (lease === null) return { ...counters, busy: 1 };
      this.held.add(partition);
      const start = lease.cursor === "0-0" ? "-" : `(${lease.cursor}`;
      const page = await this.hot.xrange(keys.log, start, "+", this.batch);
      if (page.length === 0) return counters;
      await this.shipPage(keys, page, counters);
      const lastId = page.at(-1)![0];
      const kept = await ackShipped(this.hot, keys, {
        owner: this.owner,
        lastId,
        keepMs: this.options.keepMs ?? 60_000,
      });
      if (!kept || page.length < this.batch) return counters;
    }
  }

  /** Decodes, chains and appends one page; then snapshots executions that finalized in it. */
  private async shipPage(
    keys: ShipKeys,
    page: readonly [string, string[]][],
    counters: Counters,
  ): Promise<void> {
    const byExecution = new Map<string, UnchainedLedgerEvent[]>();
    for (const [id, fields] of page) {
      const { event } = decodeStreamEntry(id, fields);
      const list = byExecution.get(event.executionId) ?? [];
      list.push(event);
      byExecution.set(event.executionId, list);
    }
    const resolved = await this.policies.resolve(this.keyspace.part(keys.partition), [
      ...byExecution.keys(),
    ]);
    const terminal: string[] = [];
    for (const [executionId, events] of byExecution) {
      const { pipeline, policy } = resolved.get(executionId)!;
      const withPipeline = pipeline ? events.map((e) => ({ ...e, pipeline })) : events;
      const expiresAt = expiresAtFor(policy, Date.now());
      const r = await this.appendExecution(executionId, withPipeline, expiresAt);
      counters.shipped += r.appended;
      counters.duplicates += r.duplicates;
      if (events.some((e) => isTerminalEvent(e.type))) terminal.push(executionId);
    }
    if (this.options.snapshots === false) return;
    for (const executionId of terminal) {
      if (await this.snapshot(keys.partition, executionId, resolved.get(executionId)!.policy)) {
        counters.snapshots++;
      }
    }
  }

  /** Chains `events` onto the stored head, skipping the ones already stored (a re-ship). */
  private async appendExecution(
    executionId: string,
    events: readonly UnchainedLedgerEvent[],
    expiresAt: number | undefined,
  ): Promise<{ appended: number; duplicates: number }> {
    const head = await this.options.store.ledgerHead(executionId);
    const fresh = events.filter((e) => e.seq > (head?.seq ?? 0));
    const duplicates = events.length - fresh.length;
    if (fresh.length === 0) return { appended: 0, duplicates };
    const expected = (head?.seq ?? 0) + 1;
    if (fresh[0]!.seq !== expected) {
      // Stream entries of this execution were lost (trimmed unshipped, or a failover): the chain
      // cannot continue. The cursor does not move, so an operator sees the same error again.
      throw new OrdoError(
        "LEDGER_GAP",
        `Ledger of '${executionId}' continues at seq ${fresh[0]!.seq} but the durable head is seq ${expected - 1}.`,
        { details: { executionId, expected, found: fresh[0]!.seq } },
      );
    }
    const chained = chainEvents(head?.hash ?? GENESIS_HASH, fresh);
    const r = await this.options.store.appendEvents(
      chained,
      expiresAt === undefined ? {} : { expiresAt },
    );
    return { appended: r.appended, duplicates: duplicates + r.duplicates };
  }

  /** Writes the terminal snapshot; false when the execution already left hot state. */
  private async snapshot(partition: number, executionId: string, policy: RetentionPolicy) {
    const expiresAt = expiresAtFor(policy, Date.now());
    try {
      await buildTerminalSnapshot(
        {
          hot: this.hot,
          keys: this.keyspace.part(partition),
          store: this.options.store,
          definitions: this.definitions,
          ...(expiresAt === undefined ? {} : { expiresAt }),
        },
        executionId,
      );
      return true;
    } catch (error) {
      // Evicted or restored-and-gone executions keep the snapshot they already have.
      if ((error as OrdoError).code === "EXECUTION_NOT_FOUND") return false;
      throw error;
    }
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        let shipped = 0;
        try {
          shipped = (await this.shipOnce()).shipped;
        } catch (error) {
          this.options.onError?.(error);
        }
        if (shipped === 0 && !this.stopping) await this.pause();
      }
    })();
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.intervalMs ?? 200);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    if (this.loop) {
      this.stopping = true;
      this.wakeUp?.();
      await this.loop;
      this.loop = undefined;
      await this.shipOnce();
    }
    await this.releaseLeases();
  }

  /**
   * Lets the held leases lapse now (1 ms) instead of after leaseMs, and waits that out, so a
   * shipper started after this resolves never finds them busy.
   */
  private async releaseLeases(): Promise<void> {
    if (this.held.size === 0) return;
    for (const p of this.held) {
      await takeShipLease(this.hot, shipKeys(this.keyspace, p), { owner: this.owner, leaseMs: 1 });
    }
    this.held.clear();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.options.hot === undefined) await this.hot.close();
  }
}

/**
 * Creates a ledger shipper. Workers (or a separate process) run one in the background; the CLI
 * and tests call `shipOnce()`.
 *
 * @example
 * ```ts
 * import { createLedgerShipper, openSqliteStore } from "@ordo/runtime";
 *
 * const store = await openSqliteStore({ path: ".ordo/ordo.db" });
 * const shipper = createLedgerShipper({ connection: "redis://localhost:6379", store });
 * shipper.start(); // ships continuously; snapshots finalized executions
 * // ... on shutdown:
 * await shipper.close(); // a final pass ships what is left
 * ```
 */
export function createLedgerShipper(options: LedgerShipperOptions): LedgerShipper {
  return new Shipper(options);
}
