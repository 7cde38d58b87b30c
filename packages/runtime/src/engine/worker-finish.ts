/**
 * What a worker does itself when a claim or an execution ends outside a step's own report: it
 * gives up a claim whose definition cannot be loaded, records the execution span, and stores the
 * execution fingerprint when it finalized one. All best effort: a failure here is logged (or left
 * to lease recovery), never thrown into the slot.
 */
import type { StepLogger } from "@ordo/step";
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";
import {
  type ClaimedStep,
  type FinalFacts,
  type FinalStatus,
  failStep,
  releaseStep,
  setFingerprint,
} from "../hot/scripts.js";
import type { Telemetry } from "../observability/telemetry.js";
import type { DefinitionCache } from "./definition-cache.js";
import { toStepError } from "./retry.js";
import { fingerprintOf, fingerprintOfFacts, readExecution, readExecutionHead } from "./state.js";

/** The parts of a worker these functions use. */
export interface FinishContext {
  readonly store: HotStore;
  readonly keyspace: Keyspace;
  readonly defs: DefinitionCache;
  readonly telemetry: Telemetry;
  readonly logger: StepLogger;
  readonly workerId: string;
  readonly leaseMs: number;
}

/**
 * The step's definition could not be loaded. Missing from hot state (evicted or never stored):
 * the step can never run, so it fails for good. Anything else (the store is unreachable): give
 * the step back at once rather than let its lease expire. Best effort either way: if this report
 * fails too, lease recovery takes over.
 */
export async function giveUpClaim(
  ctx: FinishContext,
  item: ClaimedStep,
  error: unknown,
): Promise<void> {
  const keys = ctx.keyspace.part(item.partition);
  const ref = { executionId: item.executionId, stepId: item.stepId, token: item.token };
  try {
    if ((error as { code?: unknown }).code === "EXECUTION_NOT_FOUND") {
      const info = toStepError(error);
      await failStep(ctx.store, keys, {
        ...ref,
        decision: "fail",
        delayMs: 0,
        errorJson: JSON.stringify({ ...info, retryable: false }),
        errorCode: info.code,
        workerId: ctx.workerId,
        claimNext: 0,
        leaseMs: ctx.leaseMs,
      });
    } else {
      await releaseStep(ctx.store, keys, { ...ref, workerId: ctx.workerId });
    }
  } catch {
    // lease recovery will return the step
  }
}

/** The finalizing worker records the execution span (reads when the execution started). */
export function traceExecution(
  ctx: FinishContext,
  item: ClaimedStep,
  pipeline: string,
  status: FinalStatus,
): void {
  // Skip the extra read when nothing would record the span (no sink, no OTel SDK).
  if (!ctx.telemetry.observesExecutions) return;
  const keys = ctx.keyspace.part(item.partition);
  void readExecutionHead(ctx.store, keys, item.executionId)
    .then((head) => {
      if (head !== null) {
        ctx.telemetry.executionFinished(item.executionId, pipeline, status, head.startedAt);
      }
    })
    .catch(() => undefined);
}

/**
 * The finalizing worker stores the execution fingerprint (any reader can recompute it too): from
 * the facts the finalizing script returned, else from a full read of the execution.
 */
export function storeFingerprint(
  ctx: FinishContext,
  item: ClaimedStep,
  status: FinalStatus,
  facts: FinalFacts | undefined,
): void {
  const keys = ctx.keyspace.part(item.partition);
  void (async () => {
    let fingerprint: string;
    if (facts !== undefined) fingerprint = fingerprintOfFacts(item.fingerprint, facts);
    else {
      const def = await ctx.defs.get(ctx.store, keys, item.fingerprint);
      const snapshot = await readExecution(ctx.store, keys, item.executionId, def);
      if (snapshot === null) return;
      fingerprint = fingerprintOf(snapshot);
    }
    await setFingerprint(ctx.store, keys, { executionId: item.executionId, fingerprint });
    ctx.logger.debug("execution finalized", { executionId: item.executionId, status });
  })().catch((error) =>
    ctx.logger.warn("fingerprint not stored", { message: (error as Error).message }),
  );
}
