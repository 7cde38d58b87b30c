/**
 * Typed wrappers over the execution-control and waiting scripts: `pauseExecution`,
 * `resumeExecution`, `deferStep` (throttled claim), `awaitInput` and `submitInput` (human input).
 * Script error replies map to `OrdoError` codes through the one table in `hot/script-errors.ts`.
 */
import { OrdoError } from "@ordo/core";
import { callScript } from "../hot/call-script.js";
import type { HotStore, ScriptName } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";
import { scriptErrorCode } from "../hot/script-errors.js";
import {
  decodeFacts,
  decodeFinalStatus,
  type FinalFacts,
  type FinalStatus,
} from "../hot/scripts.js";

const HINTS: Readonly<Record<string, string>> = {
  pauseExecution: "only a running execution that is not being cancelled can be paused",
  resumeExecution: "only a paused execution can be resumed",
  submitInput: "input is accepted once, and only while the step is waiting for it",
};

async function run(
  store: HotStore,
  name: ScriptName,
  keys: PartitionKeys,
  args: readonly (string | number)[],
  details: Record<string, unknown>,
): Promise<unknown[]> {
  const list = await callScript(store, name, keys.all, args, details);
  if (list[0] === "OK") return list;
  const code = scriptErrorCode(list[0]);
  const status = list[1] === undefined ? undefined : String(list[1]);
  const where = Object.entries(details)
    .map(([k, v]) => `${k} '${String(v)}'`)
    .join(", ");
  const hint = HINTS[name] === undefined ? "" : `: ${HINTS[name]}`;
  const message = `${name} refused for ${where}${status === undefined ? "" : ` (status: ${status})`}${hint}.`;
  throw new OrdoError(code, message, {
    details: { ...details, ...(status === undefined ? {} : { status }) },
  });
}

/** pauseExecution.lua: returns how many steps still run and whether it was paused already. */
export async function pauseExecution(
  store: HotStore,
  keys: PartitionKeys,
  a: { executionId: string; reason: string; requestedBy: string },
): Promise<{ running: number; alreadyPaused: boolean }> {
  const r = await run(
    store,
    "pauseExecution",
    keys,
    [a.executionId, a.reason, JSON.stringify({ requestedBy: a.requestedBy })],
    { executionId: a.executionId },
  );
  return { running: Number(r[1]), alreadyPaused: r[2] === "1" };
}

/** resumeExecution.lua: returns how many parked steps became ready. */
export async function resumeExecution(
  store: HotStore,
  keys: PartitionKeys,
  a: { executionId: string; reason: string; requestedBy: string },
): Promise<number> {
  const r = await run(
    store,
    "resumeExecution",
    keys,
    [a.executionId, a.reason, JSON.stringify({ requestedBy: a.requestedBy })],
    { executionId: a.executionId },
  );
  return Number(r[1]);
}

/** A claimed step's reference (fenced by its token). */
export interface ClaimRef {
  readonly executionId: string;
  readonly stepId: string;
  readonly token: string;
  readonly workerId: string;
}

/**
 * deferStep.lua: parks a throttled (or policy-refused) claim in `delayed`; returns the final
 * status if it ended one. `event` is the ledger event (default `concurrency.denied`).
 */
export async function deferStep(
  store: HotStore,
  keys: PartitionKeys,
  a: ClaimRef & {
    retryAfterMs: number;
    reason: string;
    detailsJson: string;
    event?: "concurrency.denied" | "policy.denied";
  },
): Promise<{ finalStatus?: FinalStatus; dueAt: number }> {
  const r = await run(
    store,
    "deferStep",
    keys,
    [
      a.executionId,
      a.stepId,
      a.token,
      a.workerId,
      a.retryAfterMs,
      a.reason,
      a.detailsJson,
      a.event ?? "concurrency.denied",
    ],
    { executionId: a.executionId, stepId: a.stepId },
  );
  const finalStatus = decodeFinalStatus(r[1]);
  return { ...(finalStatus === undefined ? {} : { finalStatus }), dueAt: Number(r[2]) };
}

/** awaitInput.lua: the claimed human-input step starts waiting (deadline 0 = none). */
export async function awaitInput(
  store: HotStore,
  keys: PartitionKeys,
  a: ClaimRef & { timeoutMs: number; requestJson: string },
): Promise<{ finalStatus?: FinalStatus; deadline: number }> {
  const r = await run(
    store,
    "awaitInput",
    keys,
    [a.executionId, a.stepId, a.token, a.workerId, a.timeoutMs, a.requestJson],
    { executionId: a.executionId, stepId: a.stepId },
  );
  const finalStatus = decodeFinalStatus(r[1]);
  return { ...(finalStatus === undefined ? {} : { finalStatus }), deadline: Number(r[2]) };
}

/** submitInput.lua: completes a waiting step with `outputJson`. */
export async function submitInput(
  store: HotStore,
  keys: PartitionKeys,
  a: { executionId: string; stepId: string; outputJson: string; respondedBy: string },
): Promise<{ finalStatus?: FinalStatus; facts?: FinalFacts }> {
  const r = await run(
    store,
    "submitInput",
    keys,
    [a.executionId, a.stepId, a.outputJson, a.respondedBy],
    { executionId: a.executionId, stepId: a.stepId },
  );
  const finalStatus = decodeFinalStatus(r[1]);
  const facts = decodeFacts(r[2]);
  return {
    ...(finalStatus === undefined ? {} : { finalStatus }),
    ...(facts === undefined ? {} : { facts }),
  };
}

/** wakeStep.lua: makes a throttled step ready now (a lease it waited for was released). */
export async function wakeStep(
  store: HotStore,
  keys: PartitionKeys,
  a: { executionId: string; stepId: string },
): Promise<boolean> {
  const r = await run(store, "wakeStep", keys, [a.executionId, a.stepId], {
    executionId: a.executionId,
    stepId: a.stepId,
  });
  return Number(r[1]) === 1;
}
