/**
 * Applying retention: archive-before-remove for terminal executions in hot state, then durable
 * expiry. Run it periodically (a worker option, a cron job or `applyRetention` in a script).
 */
import type { RemovalResult } from "../durable/types.js";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";
import { type DurableOps, type DurableOpsOptions, openOps } from "../replay/context.js";
import { shipPending } from "../replay/restore.js";
import { type RetentionConfig, type RetentionPolicy, retentionPolicyFor } from "./policy.js";
import { evictFromHot, type FinishedExecution, listFinished } from "./scripts.js";

/** Options of {@link applyRetention}. */
export interface ApplyRetentionOptions extends DurableOpsOptions {
  readonly retention: RetentionConfig;
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

interface Work {
  evicted: string[];
  compacted: string[];
  skipped: { executionId: string; reason: RetentionSkipReason }[];
}

/**
 * For each partition: ships pending ledger entries, then walks finished executions oldest first
 * and, per its pipeline's policy (`hot: "evict" | "compact"` after `hotAfterMs`), removes it
 * from hot state only when the durable store holds its terminal snapshot and every ledger event
 * (the script re-checks the ledger seq atomically). Then deletes expired durable records.
 * Policies with `hot: "keep"` (the default) leave executions alone.
 *
 * @example
 * ```ts
 * const result = await applyRetention({
 *   connection, store,
 *   retention: { default: { hot: "evict", hotAfterMs: 60_000, durableTtlMs: 30 * 86_400_000 } },
 * });
 * console.log(result.evicted.length, result.purged.events);
 * ```
 */
export async function applyRetention(options: ApplyRetentionOptions): Promise<RetentionResult> {
  const ops = openOps(options);
  const work: Work = { evicted: [], compacted: [], skipped: [] };
  try {
    for (let p = 0; p < ops.keyspace.partitions; p++) {
      await shipPending(ops.hot, ops.keyspace, options, p);
      await retainPartition(ops, ops.keyspace.part(p), options, work);
      // Ship the retention.* events the scripts just wrote.
      await shipPending(ops.hot, ops.keyspace, options, p);
    }
    const purged = await ops.store.purgeExpired(options.now ?? Date.now());
    return { ...work, purged };
  } finally {
    await ops.close();
  }
}

async function retainPartition(
  ops: DurableOps,
  keys: PartitionKeys,
  options: ApplyRetentionOptions,
  work: Work,
): Promise<void> {
  const now = options.now ?? Date.now();
  const limit = Math.max(1, options.limit ?? 200);
  // Page past the executions that stay (kept, compacted, too young, not archived yet).
  let offset = 0;
  for (;;) {
    const page = await listFinished(ops.hot, keys, { before: now, offset, limit });
    const meta = await executionMeta(ops.hot, keys, page);
    let evicted = 0;
    for (const [i, entry] of page.entries()) {
      const policy: RetentionPolicy = retentionPolicyFor(options.retention, meta[i]!.pipeline);
      const mode = policy.hot ?? "keep";
      if (mode === "keep" || (mode === "compact" && meta[i]!.compacted)) continue;
      if (entry.finishedAt + (policy.hotAfterMs ?? 0) > now) continue;
      const reason = await removeOne(ops, keys, entry.executionId, mode);
      if (reason !== undefined) work.skipped.push({ executionId: entry.executionId, reason });
      else if (mode === "compact") work.compacted.push(entry.executionId);
      else {
        work.evicted.push(entry.executionId);
        evicted++;
      }
    }
    if (page.length < limit) return;
    offset += page.length - evicted;
  }
}

async function executionMeta(hot: HotStore, keys: PartitionKeys, page: FinishedExecution[]) {
  if (page.length === 0) return [];
  const fields = page.flatMap((e) => [`${e.executionId}:name`, `${e.executionId}:compacted`]);
  const values = await hot.hmget(keys.byName.x, fields);
  return page.map((_, i) => ({
    pipeline: values[i * 2] ?? undefined,
    compacted: values[i * 2 + 1] === "1",
  }));
}

/** Archive check, then the atomic removal; returns why it was skipped, or undefined when done. */
async function removeOne(
  ops: DurableOps,
  keys: PartitionKeys,
  executionId: string,
  mode: "evict" | "compact",
): Promise<RetentionSkipReason | undefined> {
  const snapshot = await ops.store.getSnapshot(executionId);
  const head = await ops.store.ledgerHead(executionId);
  if (snapshot === null || snapshot.completedAt === null || head === null) return "not_archived";
  const outcome = await evictFromHot(ops.hot, keys, {
    executionId,
    mode,
    shippedSeq: head.seq,
    reason: "retention",
  });
  if (outcome.ok) return undefined;
  return outcome.reason === "not_shipped" ? "not_shipped" : "gone";
}
