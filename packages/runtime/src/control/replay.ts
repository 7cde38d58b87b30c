/**
 * Replay through the control plane: audit, restore, rerun from a step, diff against a new
 * definition, and the durable ledger — over the durable store the ledger is shipped to. Following
 * SEED-SPEC 8, "re-execute everything" is deliberately not offered: a rerun reuses recorded
 * outputs upstream of the chosen step.
 */
import { OrdoError, type PipelineIR } from "@ordo/core";
import type { DurableStore, LedgerEvent, ReadEventsQuery } from "../durable/types.js";
import type { Connection } from "../hot/connection.js";
import {
  type AgainstReport,
  auditExecution,
  diffAgainst,
  type ReplayReport,
  type RerunOptions,
  type RerunResult,
  type RestoreResult,
  rerunExecution,
  restoreExecution,
} from "../replay/index.js";

/** Replay operations of the control plane (need `durable` in its options). */
export interface ReplayControl {
  /** Whether a durable store is configured (otherwise every method throws `USAGE`). */
  readonly enabled: boolean;
  /** Validates the recorded ledger and snapshot and recomputes the fingerprint. */
  audit(executionId: string): Promise<ReplayReport>;
  /** Puts a recorded (evicted) execution back into hot state; refused when the audit fails. */
  restore(executionId: string): Promise<RestoreResult>;
  /** A new execution reusing recorded outputs upstream of `options.from`. */
  rerun(executionId: string, options: RerunOptions): Promise<RerunResult>;
  /** Which steps a changed definition would make diverge from the recording. */
  against(executionId: string, ir: PipelineIR): Promise<AgainstReport>;
  /** The hash-chained durable ledger of an execution. */
  ledger(executionId: string, query?: ReadEventsQuery): Promise<LedgerEvent[]>;
}

/** @internal */
export function replayControl(options: {
  durable: DurableStore | undefined;
  connection: Connection | undefined;
  prefix: string;
  partitions: number;
}): ReplayControl {
  const store = (): DurableStore => {
    if (options.durable === undefined) {
      throw new OrdoError(
        "USAGE",
        "Replay needs a durable store: pass `durable` to createControlPlane (openSqliteStore or openMongoStore).",
      );
    }
    return options.durable;
  };
  const ops = () => ({
    store: store(),
    prefix: options.prefix,
    partitions: options.partitions,
    ...(options.connection === undefined ? {} : { connection: options.connection }),
  });
  return {
    enabled: options.durable !== undefined,
    audit: async (id) => auditExecution(store(), id),
    restore: async (id) => restoreExecution(ops(), id),
    rerun: async (id, rerun) => rerunExecution(ops(), id, rerun),
    async against(id, ir) {
      const snapshot = await store().getSnapshot(id);
      if (snapshot === null) {
        throw new OrdoError("SNAPSHOT_NOT_FOUND", `No snapshot of execution '${id}'.`, {
          details: { executionId: id },
        });
      }
      return diffAgainst(snapshot, ir);
    },
    ledger: async (id, query) => store().readEvents(id, query),
  };
}
