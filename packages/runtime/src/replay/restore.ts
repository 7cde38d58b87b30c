/**
 * `ordo replay <id> --restore`: rebuild a finalized execution's hot state from its validated
 * snapshot (after retention evicted it, or on a fresh Redis), so clients can read its status
 * and results again and `rerun` can fork it. Never calls a plugin.
 */
import { OrdoError } from "@ordo/core";
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";
import { createLedgerShipper } from "../ledger/shipper.js";
import { decodeStreamEntry } from "../ledger/stream.js";
import type { ReplayReport } from "./audit.js";
import { type DurableOpsOptions, openOps } from "./context.js";
import { loadRecorded, type RecordedExecution } from "./recorded.js";
import { runRestoreScript } from "./scripts.js";

/** Result of {@link restoreExecution}. */
export interface RestoreResult {
  readonly executionId: string;
  /** The (valid) audit the restore was based on. */
  readonly report: ReplayReport;
  /** Stream id of the `snapshot.restored` event. */
  readonly firstEventId: string;
}

/**
 * Validates the snapshot (refusing with `REPLAY_INVALID` on any issue), ships pending ledger
 * entries of the partition, then writes the execution back into hot state in one script: status,
 * fingerprint, input, step statuses, attempts, outputs and errors. Outputs come back in the form
 * hot state held them: externalized ones as their payload reference (the value stays in the
 * durable store and readers rehydrate it), inline ones as JSON. The ledger continues at the
 * durable head (`snapshot.restored`). Throws `EXECUTION_EXISTS` when the execution is in hot
 * state already, and a retryable `WRONG_STATE` when its older stream entries are not shipped yet.
 *
 * @example
 * ```ts
 * const { report } = await restoreExecution({ connection: "redis://localhost:6379", store }, "e1");
 * report.valid; // true (an invalid one throws instead)
 * ```
 */
export async function restoreExecution(
  options: DurableOpsOptions,
  executionId: string,
): Promise<RestoreResult> {
  const ops = openOps(options);
  try {
    const keys = ops.keyspace.of(executionId);
    await shipPending(ops.hot, ops.keyspace, options, keys.partition);
    const recorded = await loadRecorded(ops.store, executionId);
    const head = await ops.store.ledgerHead(executionId);
    await assertShipped(ops.hot, keys.byName.log, executionId, head?.seq ?? 0);
    const firstEventId = await runRestoreScript(
      ops.hot,
      keys,
      restoreArgs(recorded, head?.seq ?? 0),
    );
    await shipPending(ops.hot, ops.keyspace, options, keys.partition);
    return { executionId, report: recorded.report, firstEventId };
  } finally {
    await ops.close();
  }
}

function restoreArgs(recorded: RecordedExecution, ledgerSeq: number) {
  const { snapshot, definition, outputs } = recorded;
  let bad = 0;
  const steps = definition.rows.map((row) => {
    const s = snapshot.steps[row.id]!;
    // Same rule as settle() in lua/includes/settle.lua.
    if (s.status === "failed" && !row.handled) bad++;
    else if (s.status !== "completed" && row.sink) bad++;
    return {
      id: row.id,
      status: s.status,
      attempt: s.attempt,
      recoveries: s.recoveryCount ?? 0,
      // The reference when the output was externalized, so hot state gets back what it held.
      outputJson: outputs.get(row.id)?.hotJson ?? "",
      errorJson: s.error === undefined ? "" : JSON.stringify(s.error),
    };
  });
  return {
    executionId: snapshot.executionId,
    definition,
    inputJson: JSON.stringify(snapshot.input),
    status: snapshot.status,
    startedAt: snapshot.createdAt,
    finishedAt: snapshot.completedAt ?? Date.now(),
    fingerprint: snapshot.executionFingerprint ?? "",
    ledgerSeq,
    bad,
    cancelled: snapshot.status === "cancelled",
    steps,
  };
}

/** Ships one partition (a no-op when another shipper holds it: it is shipping already). */
export async function shipPending(
  hot: HotStore,
  keyspace: Keyspace,
  options: DurableOpsOptions,
  partition: number,
): Promise<void> {
  const shipper = createLedgerShipper({
    hot,
    store: options.store,
    prefix: keyspace.prefix,
    partitions: keyspace.partitions,
    only: [partition],
    snapshots: true,
    ...(options.retention === undefined ? {} : { retention: options.retention }),
  });
  await shipper.shipPartition(partition);
  await shipper.close();
}

/** Refuses while the stream still holds unshipped events of the execution (their seqs would clash). */
async function assertShipped(hot: HotStore, log: string, executionId: string, seq: number) {
  let start = "-";
  for (;;) {
    const page = await hot.xrange(log, start, "+", 1000);
    for (const [id, fields] of page) {
      start = `(${id}`;
      const { event } = decodeStreamEntry(id, fields);
      if (event.executionId === executionId && event.seq > seq) {
        throw new OrdoError(
          "WRONG_STATE",
          `Execution '${executionId}' has ledger events not shipped yet (seq ${event.seq}); retry when the shipper caught up.`,
          { retryable: true, details: { executionId } },
        );
      }
    }
    if (page.length < 1000) return;
  }
}
