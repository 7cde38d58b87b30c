/**
 * `ordo rerun <id> --from <step>`: fork a new execution of a recorded one that reuses the
 * recorded outputs of every completed step upstream of `step` (no plugin runs for them) and runs
 * `step` and everything else again on the workers.
 */
import { randomUUID } from "node:crypto";
import { ancestorsOf, OrdoError, topologicalOrder } from "@ordo/core";
import type { DurableStore } from "../durable/types.js";
import { EXECUTION_ID_PATTERN } from "../hot/keys.js";
import { type DurableOpsOptions, openOps } from "./context.js";
import { loadRecorded, type RecordedOutput } from "./recorded.js";
import { shipPending } from "./restore.js";
import { runForkScript } from "./scripts.js";

/** What to rerun. */
export interface RerunOptions {
  /** The step to run again; its completed ancestors are reused. */
  readonly from: string;
  /** Id of the new execution. Default a random UUID. */
  readonly executionId?: string;
}

/** Result of {@link rerunExecution}. */
export interface RerunResult {
  /** The new execution (follow it with `client.handle(executionId)`). */
  readonly executionId: string;
  readonly sourceId: string;
  /** Steps created completed from recorded outputs, in topological order. */
  readonly reused: readonly string[];
  /** Steps that will run again, in topological order. */
  readonly rerun: readonly string[];
}

/**
 * Validates the recorded execution (refusing with `REPLAY_INVALID` on any issue) and creates the
 * fork in one script. Throws `STEP_NOT_FOUND` for an unknown `from` and `EXECUTION_EXISTS` when
 * the new id is taken. The fork's ledger starts with `execution.created` (`data.forkedFrom`),
 * `execution.forked` and one `step.reused` per reused step.
 *
 * @example
 * ```ts
 * const fork = await rerunExecution({ connection, store }, "e1", { from: "answer" });
 * const result = await client.handle(fork.executionId).result();
 * ```
 */
export async function rerunExecution(
  options: DurableOpsOptions,
  sourceId: string,
  rerun: RerunOptions,
): Promise<RerunResult> {
  const executionId = rerun.executionId ?? randomUUID();
  if (!EXECUTION_ID_PATTERN.test(executionId)) {
    throw new OrdoError(
      "USAGE",
      `Execution id '${executionId}' must match ${EXECUTION_ID_PATTERN}.`,
    );
  }
  const ops = openOps(options);
  try {
    await shipPending(ops.hot, ops.keyspace, options, ops.keyspace.of(sourceId).partition);
    const recorded = await loadRecorded(ops.store, sourceId);
    const { snapshot, definition, outputs } = recorded;
    if (!definition.steps.has(rerun.from)) {
      throw new OrdoError(
        "STEP_NOT_FOUND",
        `Pipeline '${definition.ir.name}' has no step '${rerun.from}' (steps: ${[...definition.steps.keys()].join(", ")}).`,
        { details: { stepId: rerun.from } },
      );
    }
    const upstream = ancestorsOf(definition.ir, rerun.from);
    const order = topologicalOrder(definition.ir);
    const reused = order.filter(
      (id) => upstream.has(id) && snapshot.steps[id]?.status === "completed" && outputs.has(id),
    );
    await ownReusedPayloads(
      ops.store,
      executionId,
      reused.map((id) => outputs.get(id)!),
    );
    await runForkScript(ops.hot, ops.keyspace.of(executionId), {
      executionId,
      definition,
      inputJson: JSON.stringify(snapshot.input),
      sourceId,
      fromStep: rerun.from,
      // Externalized outputs stay references: the fork's dependents rehydrate them from the store.
      reused: reused.map((id) => ({ id, outputJson: outputs.get(id)!.hotJson })),
    });
    const kept = new Set(reused);
    return { executionId, sourceId, reused, rerun: order.filter((id) => !kept.has(id)) };
  } finally {
    await ops.close();
  }
}

/**
 * The fork references the source's externalized payloads: register it as an owner of each, so
 * deleting the source (retention) does not take a payload the fork still reads. Content-addressed,
 * so this re-put stores no second copy. No expiry is set: the payload lives while an owner does.
 */
async function ownReusedPayloads(
  store: DurableStore,
  executionId: string,
  outputs: readonly RecordedOutput[],
): Promise<void> {
  for (const output of outputs) {
    if (!output.external) continue;
    const payload = await store.getPayload(output.ref);
    if (payload === null) {
      throw new OrdoError("PAYLOAD_NOT_FOUND", `Reused output ${output.ref} vanished.`, {
        details: { ref: output.ref },
      });
    }
    await store.putPayload(payload.bytes, { contentType: output.contentType, executionId });
  }
}
