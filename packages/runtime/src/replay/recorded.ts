/**
 * A recorded execution loaded for restore or rerun: audited first, refused when invalid
 * (SEED-SPEC 18.7: never act on a snapshot that fails validation).
 */
import { OrdoError } from "@ordo/core";
import type { DurableStore, ExecutionSnapshot } from "../durable/types.js";
import { type PreparedDefinition, prepareDefinition } from "../engine/definition.js";
import { auditExecution, type ReplayReport } from "./audit.js";

/** A validated recorded execution. */
export interface RecordedExecution {
  readonly report: ReplayReport;
  readonly snapshot: ExecutionSnapshot;
  readonly definition: PreparedDefinition;
  /** Output JSON text (canonical) of each step that has one. */
  readonly outputs: ReadonlyMap<string, string>;
}

/**
 * Audits and loads `executionId`. Throws `SNAPSHOT_NOT_FOUND` without a snapshot and
 * `REPLAY_INVALID` (with `details.issues`) when the audit finds any problem.
 */
export async function loadRecorded(
  store: DurableStore,
  executionId: string,
): Promise<RecordedExecution> {
  const report = await auditExecution(store, executionId);
  const snapshot = report.snapshotFound ? await store.getSnapshot(executionId) : null;
  if (snapshot === null) {
    throw new OrdoError("SNAPSHOT_NOT_FOUND", `No snapshot of execution '${executionId}'.`, {
      details: { executionId },
    });
  }
  if (!report.valid) {
    const first = report.issues[0]!;
    throw new OrdoError(
      "REPLAY_INVALID",
      `Execution '${executionId}' failed replay validation (${report.issues.length} issue(s), first: ${first.code} ${first.message}); refusing to act on it. Run 'ordo replay ${executionId}' for the report.`,
      { details: { executionId, issues: report.issues } },
    );
  }
  const outputs = new Map<string, string>();
  for (const [id, step] of Object.entries(snapshot.steps)) {
    if (step.outputRef === undefined) continue;
    const payload = await store.getPayload(step.outputRef);
    if (payload === null) {
      throw new OrdoError(
        "PAYLOAD_NOT_FOUND",
        `Output ${step.outputRef} of step '${id}' vanished.`,
      );
    }
    outputs.set(id, new TextDecoder().decode(payload.bytes));
  }
  return {
    report,
    snapshot,
    definition: prepareDefinition(snapshot.ir as Parameters<typeof prepareDefinition>[0]),
    outputs,
  };
}
