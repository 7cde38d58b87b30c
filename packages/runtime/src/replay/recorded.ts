/**
 * A recorded execution loaded for restore or rerun: audited first, refused when invalid
 * (SEED-SPEC 18.7: never act on a snapshot that fails validation).
 */
import { OrdoError, POLICY_DEFAULTS } from "@ordo/core";
import type { DurableStore, ExecutionSnapshot, StepSnapshot } from "../durable/types.js";
import { type PreparedDefinition, prepareDefinition } from "../engine/definition.js";
import type { ExternalPayload } from "../engine/payloads.js";
import { auditExecution, type ReplayReport } from "./audit.js";
import type { StepSnapshotExtra } from "./snapshot.js";

/** A recorded step output, in the form hot state held it. */
export interface RecordedOutput {
  /**
   * What hot state held: the canonical JSON when the output was inline, the reference
   * `{"$payload":"sha256:…","size":…}` when the worker externalized it (so restoring or forking a
   * 10 MB output puts a few bytes into Redis, and readers rehydrate it from the store as before).
   */
  readonly hotJson: string;
  /** The output was externalized: `hotJson` is a reference to `ref`. */
  readonly external: boolean;
  /** Payload ref (`sha256:<hex>`) of the canonical JSON in the durable store. */
  readonly ref: string;
  /** Content type of the stored payload. */
  readonly contentType: string;
}

/** A validated recorded execution. */
export interface RecordedExecution {
  readonly report: ReplayReport;
  readonly snapshot: ExecutionSnapshot;
  readonly definition: PreparedDefinition;
  /** Output of each step that has one, as hot state held it. */
  readonly outputs: ReadonlyMap<string, RecordedOutput>;
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
  const definition = prepareDefinition(snapshot.ir as Parameters<typeof prepareDefinition>[0]);
  const outputs = new Map<string, RecordedOutput>();
  for (const [id, step] of Object.entries(snapshot.steps)) {
    if (step.outputRef === undefined) continue;
    const payload = await store.getPayload(step.outputRef);
    if (payload === null) {
      throw new OrdoError(
        "PAYLOAD_NOT_FOUND",
        `Output ${step.outputRef} of step '${id}' vanished.`,
      );
    }
    const external = wasExternal(step, payload.size, inlineLimit(definition, id));
    const ref: ExternalPayload = { $payload: payload.ref, size: payload.size };
    outputs.set(id, {
      // Same text as the worker's externalizeJson: JSON.stringify({ $payload, size }).
      hotJson: external ? JSON.stringify(ref) : new TextDecoder().decode(payload.bytes),
      external,
      ref: payload.ref,
      contentType: payload.contentType,
    });
  }
  return { report, snapshot, definition, outputs };
}

/**
 * Whether hot state held the step's output as a reference. Snapshots record it
 * (`extra.outputStorage`); older ones do not, and then an output above the step's effective
 * inline limit counts as externalized. That limit is the step or pipeline
 * `retention.inlineMaxBytes` policy, else the default (64 KiB). A worker's `inlineMaxBytes` option
 * is recorded nowhere, so with such an option an older snapshot may come back in the other form;
 * readers with a durable store see the same value either way.
 */
export function wasExternal(step: StepSnapshot, size: number, inlineMaxBytes: number): boolean {
  const storage = (step.extra as StepSnapshotExtra | undefined)?.outputStorage;
  if (storage !== undefined) return storage === "external";
  return size > inlineMaxBytes;
}

function inlineLimit(definition: PreparedDefinition, stepId: string): number {
  return (
    definition.steps.get(stepId)?.policies?.retention?.inlineMaxBytes ??
    definition.ir.policies?.retention?.inlineMaxBytes ??
    POLICY_DEFAULTS.inlineMaxBytes
  );
}
