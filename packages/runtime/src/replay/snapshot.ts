/**
 * The terminal snapshot: what a finalized execution leaves in the durable store. Built from hot
 * state by the ledger shipper when it ships the execution's terminal event (and by anyone who
 * needs it again: building is idempotent).
 */
import { canonicalJson, type JsonValue, OrdoError, sha256Hex } from "@ordo/core";
import type { DurableStore, ExecutionSnapshot, StepSnapshot } from "../durable/types.js";
import type { DefinitionCache } from "../engine/definition-cache.js";
import { isExternalPayload } from "../engine/payloads.js";
import { fingerprintOf, readExecution, readExecutionHead } from "../engine/state.js";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";

/** `extra` fields Ordo keeps in each {@link StepSnapshot}. */
export type StepSnapshotExtra = {
  /**
   * sha256 hex of the canonical JSON of the output: the value the execution fingerprint covers,
   * and the hex part of `outputRef` (the payload holds that canonical JSON).
   */
  readonly outputHash?: string;
  /**
   * How hot state held the output: `external` when the worker externalized it (hot state kept the
   * reference `{"$payload":"sha256:…","size":…}`), `inline` when it kept the JSON itself. Restore and rerun
   * write the same form back. Absent in snapshots built before this field existed.
   */
  readonly outputStorage?: "inline" | "external";
};

/** What {@link buildTerminalSnapshot} needs. */
export interface SnapshotSource {
  readonly hot: HotStore;
  readonly keys: PartitionKeys;
  readonly store: DurableStore;
  readonly definitions: DefinitionCache;
  /** Expiry of the snapshot and its payloads (epoch ms); default kept forever. */
  readonly expiresAt?: number;
}

/**
 * Reads a finalized execution from hot state, stores each output as a content-addressed payload
 * (canonical JSON) and upserts the snapshot with the execution fingerprint and the current
 * durable ledger head. The fingerprint is the engine's (`executionFingerprint`: definition,
 * input, each step's terminal status and output hash), taken from hot state when the finalizing
 * worker stored it, else computed here from the same facts.
 *
 * Throws `EXECUTION_NOT_FOUND` (not in hot state) or `WRONG_STATE` (still running).
 *
 * @example
 * ```ts
 * const snapshot = await buildTerminalSnapshot({ hot, keys: keyspace.of(id), store, definitions }, id);
 * snapshot.executionFingerprint; // "3f1c…"
 * ```
 */
export async function buildTerminalSnapshot(
  source: SnapshotSource,
  executionId: string,
): Promise<ExecutionSnapshot> {
  const { hot, keys, store } = source;
  const head = await readExecutionHead(hot, keys, executionId);
  if (head === null) {
    throw new OrdoError("EXECUTION_NOT_FOUND", `No execution '${executionId}' in hot state.`, {
      details: { executionId },
    });
  }
  if (head.status === "running") {
    throw new OrdoError("WRONG_STATE", `Execution '${executionId}' is still running.`, {
      details: { executionId, status: head.status },
    });
  }
  const definition = await source.definitions.get(hot, keys, head.definition);
  const hotState = await readExecution(hot, keys, executionId, definition);
  if (hotState === null) {
    throw new OrdoError("EXECUTION_NOT_FOUND", `Execution '${executionId}' vanished.`);
  }
  const retention = source.expiresAt === undefined ? {} : { expiresAt: source.expiresAt };
  const steps: Record<string, StepSnapshot> = {};
  for (const [id, s] of hotState.steps) {
    let output: { outputRef: string; extra: StepSnapshotExtra } | undefined;
    const parsed = s.outputJson === undefined ? undefined : (JSON.parse(s.outputJson) as JsonValue);
    if (isExternalPayload(parsed)) {
      // Externalized by the worker: the payload is stored already, as the same canonical JSON.
      output = {
        outputRef: parsed.$payload,
        extra: { outputHash: parsed.$payload.slice(7), outputStorage: "external" },
      };
    } else if (parsed !== undefined) {
      const canonical = canonicalJson(parsed);
      const ref = await store.putPayload(canonical, {
        contentType: "application/json",
        executionId,
        ...retention,
      });
      output = {
        outputRef: ref.ref,
        extra: { outputHash: sha256Hex(canonical), outputStorage: "inline" },
      };
    }
    steps[id] = {
      status: s.status,
      attempt: s.attempt,
      retryCount: s.attempt - 1,
      recoveryCount: s.recoveries,
      ...(output === undefined ? {} : { outputRef: output.outputRef, extra: output.extra }),
      ...(s.errorJson === undefined ? {} : { error: errorObject(s.errorJson) }),
    };
  }
  const snapshot: ExecutionSnapshot = {
    executionId,
    pipeline: definition.ir.name,
    pipelineVersion: definition.ir.version,
    status: hotState.status,
    definitionFingerprint: hotState.definition,
    executionFingerprint: hotState.fingerprint ?? fingerprintOf(hotState),
    ledgerHead: await store.ledgerHead(executionId),
    createdAt: hotState.startedAt,
    completedAt: hotState.finishedAt ?? null,
    ir: definition.ir,
    input: JSON.parse(hotState.inputJson) as JsonValue,
    steps,
  };
  await store.putSnapshot(snapshot, retention);
  return snapshot;
}

function errorObject(text: string): Record<string, unknown> {
  const parsed = JSON.parse(text) as unknown;
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : { value: parsed };
}
