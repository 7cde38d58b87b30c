/**
 * Client-side execution control: pause, resume and human input. Each command is one script
 * (atomic, checked against the execution's current state); wrong-state commands fail with a
 * stable code (`WRONG_STATE`, `INPUT_NOT_AWAITED`, `INPUT_INVALID`, `EXECUTION_NOT_FOUND`,
 * `STEP_NOT_FOUND`) and a message that says what state the execution or step is in.
 */
import { type JsonSchema, type JsonValue, OrdoError } from "@ordo/core";
import { z } from "zod";
import { setFingerprint } from "../hot/scripts.js";
import { HUMAN_INPUT_TYPE } from "./admission.js";
import type { ClientInternals } from "./client.js";
import { pauseExecution, resumeExecution, submitInput } from "./control-scripts.js";
import { validatorFor } from "./input-schema.js";
import { fingerprintOfFacts } from "./state.js";

/** Options of `client.pause` / `client.resume`. */
export interface ControlOptions {
  /** Recorded in the ledger. */
  readonly reason?: string;
  /** Who asked (user or service id), recorded in the ledger. Default `client`. */
  readonly requestedBy?: string;
}

/** What `client.pause` found. */
export interface PauseResult {
  /** `paused` when no step runs; `pausing` while running steps finish. */
  readonly state: "pausing" | "paused";
  /** Steps still running (they finish; nothing new starts). */
  readonly running: number;
  /** The execution was already paused (the call changed nothing). */
  readonly alreadyPaused: boolean;
}

/** Options of `client.submitInput`. */
export interface SubmitInputOptions {
  /** Who answered; becomes `output.respondedBy` and the ledger's worker field. */
  readonly respondedBy?: string;
}

/** Pauses an execution: no new claims; running steps finish. */
export async function pause(
  client: ClientInternals,
  executionId: string,
  options: ControlOptions = {},
): Promise<PauseResult> {
  const r = await pauseExecution(client.store, client.keyspace.of(executionId), {
    executionId,
    reason: options.reason ?? "paused by client",
    requestedBy: options.requestedBy ?? "client",
  });
  return { state: r.running > 0 ? "pausing" : "paused", ...r };
}

/** Resumes a paused execution; returns how many parked steps became ready. */
export function resume(
  client: ClientInternals,
  executionId: string,
  options: ControlOptions = {},
): Promise<number> {
  return resumeExecution(client.store, client.keyspace.of(executionId), {
    executionId,
    reason: options.reason ?? "resumed by client",
    requestedBy: options.requestedBy ?? "client",
  });
}

/**
 * Answers a waiting human-input step: the value is checked against the step's `responseSchema`,
 * then accepted once, atomically (a second answer gets `INPUT_NOT_AWAITED`).
 */
export async function submit(
  client: ClientInternals,
  executionId: string,
  stepId: string,
  value: JsonValue,
  options: SubmitInputOptions = {},
): Promise<void> {
  const def = await client.definitionOf(executionId);
  const step = def.steps.get(stepId);
  if (step === undefined) {
    throw new OrdoError("STEP_NOT_FOUND", `Execution ${executionId} has no step '${stepId}'.`, {
      details: { executionId, stepId },
    });
  }
  if (step.type !== HUMAN_INPUT_TYPE) {
    throw new OrdoError(
      "INPUT_NOT_AWAITED",
      `Step '${stepId}' of execution ${executionId} is a ${step.type} step, not a human-input step.`,
      { details: { executionId, stepId, type: step.type } },
    );
  }
  const schema = step.config.responseSchema as JsonSchema | undefined;
  if (schema !== undefined) {
    const parsed = validatorFor(schema).safeParse(value);
    if (!parsed.success) {
      throw new OrdoError(
        "INPUT_INVALID",
        `Input for step '${stepId}' does not match its schema: ${z.prettifyError(parsed.error)}`,
        { details: { executionId, stepId, issues: parsed.error.issues.map((i) => i.message) } },
      );
    }
  }
  const output = {
    response: value,
    ...(options.respondedBy === undefined ? {} : { respondedBy: options.respondedBy }),
    respondedAt: new Date().toISOString(),
  };
  const keys = client.keyspace.of(executionId);
  const r = await submitInput(client.store, keys, {
    executionId,
    stepId,
    outputJson: JSON.stringify(output),
    respondedBy: options.respondedBy ?? "",
  });
  if (r.facts !== undefined) {
    // This answer ended the execution: store its fingerprint now (readers would compute it too).
    const fingerprint = fingerprintOfFacts(def.fingerprint, r.facts);
    await setFingerprint(client.store, keys, { executionId, fingerprint }).catch(() => undefined);
  }
}
