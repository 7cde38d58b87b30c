/**
 * Applying retention: archive-before-remove for terminal executions in hot state, then durable
 * expiry. Workers run it in the background (`durable.retentionIntervalMs`, see `runner.ts`); a
 * cron job or script calls `applyRetention`.
 */
import type { DurableStore, RemovalResult } from "../durable/types.js";
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";
import { createLedgerShipper, type LedgerShipper } from "../ledger/shipper.js";
import { type DurableOpsOptions, openOps } from "../replay/context.js";
import type { RetentionConfig } from "./policy.js";
import { RetentionResolver } from "./resolve.js";
import { evictFromHot, listFinished } from "./scripts.js";

/** Options of {@link applyRetention}. */
export interface ApplyRetentionOptions extends DurableOpsOptions {
  /**
   * Deployment policies: a default and per-pipeline overrides. Each pipeline's IR policy
   * (`policies.retention`) applies too: override > IR > default, field by field. Default none
   * (only IR policies apply).
   */
  readonly retention?: RetentionConfig;
  /** Finished executions read per round trip (every one is examined). Default 200. */
  readonly limit?: number;
  /** Current time, epoch ms (tests). Default `Date.now()`. */
  readonly now?: number;
}

/** Why an execution was left in hot state. */
export type RetentionSkipReason = "not_archived" | "not_shipped" | "gone";

/** What {@link applyRetention} did. */
export interface RetentionResult {
  readonly evicted: readonly string[];
  readonly compacted: readonly string[];
  /** Candidates whose policy applies but that could not be removed safely yet. */
  readonly skipped: readonly {
    readonly executionId: string;
    readonly reason: RetentionSkipReason;
  }[];
  /** Durable records removed by expiry. */
  readonly purged: RemovalResult;
}

/** Mutable collector of one pass's outcomes. */
export interface RetentionWork {
  evicted: string[];
  compacted: string[];
  skipped: { executionId: string; reason: RetentionSkipReason }[];
}

/** What a pass over one partition needs. */
export interface PartitionPass {
  readonly hot: HotStore;
  readonly keyspace: Keyspace;
  readonly store: DurableStore;
  readonly resolver: RetentionResolver;
  /**
   * Ships the partition before and after the walk. One shipper (one lease owner) for the whole
   * pass: a lease released by another owner lingers for up to 1 ms and would make the second
   * shipping call find the partition busy.
   */
  readonly shipper: LedgerShipper;
  /** Page size of the finished-set walk. */
  readonly limit: number;
  /** Epoch ms; executions finished after it are not looked at. */
  readonly now: number;
  /** Called before each page after the first; false stops the walk (the turn was lost). */
  readonly keepGoing?: () => Promise<boolean>;
}

/** An empty {@link RetentionWork}. */
export const newWork = (): RetentionWork => ({ evicted: [], compacted: [], skipped: [] });

/**
 * For each partition: ships pending ledger entries, then walks finished executions oldest first
 * and, per its effective policy (the deployment override, else the pipeline's IR
 * `policies.retention`, else the deployment default; `hot: "evict" | "compact"` after
 * `hotTtlMs`), removes it from hot state only when the durable store holds its terminal snapshot
 * and every ledger event (the script re-checks the ledger seq atomically). The ledger event
 * carries the policy's `reason` (default `retention`). Then deletes expired durable records.
 * Executions whose policy is `keep` (the default) stay.
 *
 * @example
 * ```ts
 * const result = await applyRetention({
 *   connection, store,
 *   retention: { default: { hot: "evict", hotTtlMs: 60_000, durableTtlMs: 30 * 86_400_000 } },
 * });
 * console.log(result.evicted.length, result.purged.events);
 * ```
 */
export async function applyRetention(options: ApplyRetentionOptions): Promise<RetentionResult> {
  const ops = openOps(options);
  const work = newWork();
  const now = options.now ?? Date.now();
  const shipper = passShipper(ops.hot, ops.keyspace, ops.store, options.retention);
  try {
    const pass: PartitionPass = {
      hot: ops.hot,
      keyspace: ops.keyspace,
      store: ops.store,
      resolver: new RetentionResolver(ops.hot, options.retention, ops.store),
      shipper,
      limit: Math.max(1, options.limit ?? 200),
      now,
    };
    for (let p = 0; p < ops.keyspace.partitions; p++) await retainPartition(pass, p, work);
    const purged = await ops.store.purgeExpired(now);
    return { ...work, purged };
  } finally {
    await shipper.close();
    await ops.close();
  }
}

/** The shipper of a retention pass over `hot` (never closes it), with the deployment's expiry. */
export function passShipper(
  hot: HotStore,
  keyspace: Keyspace,
  store: DurableStore,
  retention: RetentionConfig | undefined,
): LedgerShipper {
  return createLedgerShipper({
    hot,
    store,
    prefix: keyspace.prefix,
    partitions: keyspace.partitions,
    ...(retention === undefined ? {} : { retention }),
  });
}

/**
 * One partition: ship, compact or evict what its policy says, ship the `retention.*` events the
 * scripts wrote, release the shipping lease. Shipping is a no-op while another shipper holds the
 * partition (that one ships them).
 */
export async function retainPartition(
  pass: PartitionPass,
  partition: number,
  work: RetentionWork,
): Promise<void> {
  try {
    await pass.shipper.shipPartition(partition);
    await walkFinished(pass, partition, work);
    await pass.shipper.shipPartition(partition);
  } finally {
    // Not started, so stop() only lets the leases it took lapse.
    await pass.shipper.stop();
  }
}

async function walkFinished(pass: PartitionPass, partition: number, work: RetentionWork) {
  const keys = pass.keyspace.part(partition);
  // Page past the executions that stay (kept, compacted, too young, not archived yet).
  let offset = 0;
  for (let first = true; ; first = false) {
    if (!first && pass.keepGoing && !(await pass.keepGoing())) return;
    const page = await listFinished(pass.hot, keys, {
      before: pass.now,
      offset,
      limit: pass.limit,
    });
    const resolved = await pass.resolver.resolve(
      keys,
      page.map((e) => e.executionId),
    );
    let evicted = 0;
    for (const entry of page) {
      const { policy, compacted } = resolved.get(entry.executionId)!;
      const mode = policy.hot ?? "keep";
      if (mode === "keep" || (mode === "compact" && compacted)) continue;
      if (entry.finishedAt + (policy.hotTtlMs ?? 0) > pass.now) continue;
      const reason = policy.reason ?? "retention";
      const skip = await removeOne(pass, partition, entry.executionId, mode, reason);
      if (skip !== undefined) work.skipped.push({ executionId: entry.executionId, reason: skip });
      else if (mode === "compact") work.compacted.push(entry.executionId);
      else {
        work.evicted.push(entry.executionId);
        evicted++;
      }
    }
    if (page.length < pass.limit) return;
    offset += page.length - evicted;
  }
}

/** Archive check, then the atomic removal; returns why it was skipped, or undefined when done. */
async function removeOne(
  pass: PartitionPass,
  partition: number,
  executionId: string,
  mode: "evict" | "compact",
  reason: string,
): Promise<RetentionSkipReason | undefined> {
  const snapshot = await pass.store.getSnapshot(executionId);
  const head = await pass.store.ledgerHead(executionId);
  if (snapshot === null || snapshot.completedAt === null || head === null) return "not_archived";
  const outcome = await evictFromHot(pass.hot, pass.keyspace.part(partition), {
    executionId,
    mode,
    shippedSeq: head.seq,
    reason,
  });
  if (outcome.ok) return undefined;
  return outcome.reason === "not_shipped" ? "not_shipped" : "gone";
}
