/**
 * One typed wrapper per control script (`lua/queue*.lua`, `lua/instance*.lua`): named arguments
 * in, decoded result out. Error replies become `OrdoError`s through the one table in `hot/script-errors.ts`.
 */
import { OrdoError } from "@ordo/core";
import { callScript } from "../hot/call-script.js";
import type { HotStore, ScriptName } from "../hot/hot-store.js";
import { scriptErrorCode } from "../hot/script-errors.js";
import type { ControlKeys } from "./keys.js";
import {
  decodeInstance,
  decodeRun,
  fieldMap,
  type InstanceRecord,
  type QueueStats,
  type RunRecord,
  type RunStatus,
} from "./records.js";

/** Runs a control script; returns its reply array (first element: status word). */
async function call(
  store: HotStore,
  keys: ControlKeys,
  name: ScriptName,
  args: readonly (string | number)[],
): Promise<unknown[]> {
  return callScript(store, name, keys.all, args);
}

function fail(name: string, reply: unknown[], details: Record<string, unknown>): never {
  const word = String(reply[0]);
  const extra = reply[1] === undefined ? "" : ` (${String(reply[1])})`;
  throw new OrdoError(scriptErrorCode(word), `${name}: ${word}${extra}`, {
    details: { ...details, ...(reply[1] === undefined ? {} : { current: String(reply[1]) }) },
  });
}

/** Arguments of {@link enqueueRunScript}. */
export interface EnqueueArgs {
  readonly runId: string;
  readonly executionId: string;
  readonly priority: number;
  readonly tenant: string;
  readonly pipeline: string;
  readonly fingerprint: string;
  /** IR JSON, or '' when the definition is known to be stored. */
  readonly irJson: string;
  readonly inputJson: string;
  readonly targetInstanceId: string;
  readonly targetHoldMs: number;
  readonly maxQueued: number;
  readonly admissionKind: string;
  readonly admissionReason: string;
  /** Desired instance count of a scale-out request, 0 = none. */
  readonly scaleOutTo: number;
  readonly metadataJson: string;
}

/** `queueEnqueue`: the run's sequence number, or `"need-definition"`. */
export async function enqueueRunScript(
  store: HotStore,
  keys: ControlKeys,
  a: EnqueueArgs,
): Promise<number | "need-definition"> {
  const reply = await call(store, keys, "queueEnqueue", [
    a.runId,
    a.executionId,
    a.priority,
    a.tenant,
    a.pipeline,
    a.fingerprint,
    a.irJson,
    a.inputJson,
    a.targetInstanceId,
    a.targetHoldMs,
    a.maxQueued,
    a.admissionKind,
    a.admissionReason,
    a.scaleOutTo,
    a.metadataJson,
  ]);
  if (reply[0] === "OK") return Number(reply[1]);
  if (reply[0] === "NEED_DEFINITION") return "need-definition";
  return fail("enqueue", reply, { runId: a.runId });
}

/** A run handed to a dispatcher by a claim. */
export interface ClaimedRun {
  readonly runId: string;
  readonly executionId: string;
  readonly token: string;
  readonly fingerprint: string;
  readonly inputJson: string;
}

/** `queueClaim`: claimed runs, or why none could be claimed. */
export async function claimRunsScript(
  store: HotStore,
  keys: ControlKeys,
  a: { instanceId: string; claimTtlMs: number; max: number; scanLimit: number },
): Promise<{ runs: ClaimedRun[]; blocked?: "paused" | "not-accepting" }> {
  const reply = await call(store, keys, "queueClaim", [
    a.instanceId,
    a.claimTtlMs,
    a.max,
    a.scanLimit,
  ]);
  if (reply[0] === "PAUSED") return { runs: [], blocked: "paused" };
  if (reply[0] === "NOT_ACCEPTING") return { runs: [], blocked: "not-accepting" };
  if (reply[0] !== "OK") fail("claim", reply, { instanceId: a.instanceId });
  const runs = (reply[1] as unknown[][]).map((item) => ({
    runId: String(item[0]),
    executionId: String(item[1]),
    token: String(item[2]),
    fingerprint: String(item[3]),
    inputJson: String(item[4]),
  }));
  return { runs };
}

/** `queueStart`: `started`, `cancelled` (cancel the execution) or `stale` (claim lost). */
export async function startRunScript(
  store: HotStore,
  keys: ControlKeys,
  a: { runId: string; token: string; instanceId: string },
): Promise<"started" | "cancelled" | "stale"> {
  const reply = await call(store, keys, "queueStart", [a.runId, a.token, a.instanceId]);
  if (reply[0] === "OK") return "started";
  if (reply[0] === "CANCELLED") return "cancelled";
  if (reply[0] === "STALE_TOKEN") return "stale";
  return fail("start", reply, { runId: a.runId });
}

/** `queueFinish`: the status now stored and whether this call changed it. */
export async function finishRunScript(
  store: HotStore,
  keys: ControlKeys,
  a: { runId: string; status: RunStatus; reason: string; token?: string },
): Promise<{ changed: boolean; status: RunStatus } | "stale"> {
  const reply = await call(store, keys, "queueFinish", [
    a.runId,
    a.status,
    a.reason,
    a.token ?? "",
  ]);
  if (reply[0] === "OK") return { changed: true, status: reply[1] as RunStatus };
  if (reply[0] === "ALREADY") return { changed: false, status: reply[1] as RunStatus };
  if (reply[0] === "STALE_TOKEN") return "stale";
  return fail("finish", reply, { runId: a.runId });
}

/** `queueCancel` outcome. */
export type CancelOutcome =
  | { readonly kind: "cancelled"; readonly executionId: string }
  | { readonly kind: "running"; readonly executionId: string }
  | { readonly kind: "terminal"; readonly status: RunStatus };

/** `queueCancel`. */
export async function cancelRunScript(
  store: HotStore,
  keys: ControlKeys,
  a: { runId: string; reason: string; requestedBy: string },
): Promise<CancelOutcome> {
  const reply = await call(store, keys, "queueCancel", [a.runId, a.reason, a.requestedBy]);
  if (reply[0] === "CANCELLED") return { kind: "cancelled", executionId: String(reply[1]) };
  if (reply[0] === "RUNNING") return { kind: "running", executionId: String(reply[1]) };
  if (reply[0] === "TERMINAL") return { kind: "terminal", status: reply[1] as RunStatus };
  return fail("cancel", reply, { runId: a.runId });
}

/** `queuePause`: whether the state changed. */
export async function pauseQueueScript(
  store: HotStore,
  keys: ControlKeys,
  a: { paused: boolean; reason: string; requestedBy: string },
): Promise<boolean> {
  const reply = await call(store, keys, "queuePause", [
    a.paused ? "1" : "0",
    a.reason,
    a.requestedBy,
  ]);
  return Number(reply[1]) === 1;
}

/** `queueRead get`: runs by id (undefined for unknown ids). */
export async function readRunsScript(
  store: HotStore,
  keys: ControlKeys,
  runIds: readonly string[],
): Promise<(RunRecord | undefined)[]> {
  const reply = await call(store, keys, "queueRead", ["get", ...runIds]);
  return reply.slice(2).map((flat) => {
    const f = fieldMap(flat);
    return f === undefined ? undefined : decodeRun(f);
  });
}

/** `queueRead list`: one page of runs and the cursor of the next ('' = no more). */
export async function listRunsScript(
  store: HotStore,
  keys: ControlKeys,
  a: { status: string; tenant: string; cursor: string; limit: number; scanLimit: number },
): Promise<{ runs: RunRecord[]; next: string }> {
  const reply = await call(store, keys, "queueRead", [
    "list",
    a.status,
    a.tenant,
    a.cursor,
    a.limit,
    a.scanLimit,
  ]);
  const runs = reply.slice(3).flatMap((flat) => {
    const f = fieldMap(flat);
    return f === undefined ? [] : [decodeRun(f)];
  });
  return { runs, next: String(reply[2] ?? "") };
}

/** `queuePurge`: how many terminal runs were forgotten and how many were scanned. */
export async function purgeRunsScript(
  store: HotStore,
  keys: ControlKeys,
  a: { olderThanMs: number; max: number; scanLimit: number },
): Promise<{ deleted: number; scanned: number }> {
  const reply = await call(store, keys, "queuePurge", [a.olderThanMs, a.max, a.scanLimit]);
  return { deleted: Number(reply[1]), scanned: Number(reply[2]) };
}

/** `queueRead stats`. */
export async function queueStatsScript(store: HotStore, keys: ControlKeys): Promise<QueueStats> {
  const r = await call(store, keys, "queueRead", ["stats"]);
  return {
    paused: r[2] === "1",
    queued: Number(r[3]),
    claimed: Number(r[4]),
    running: Number(r[5]),
    total: Number(r[6]),
  };
}

/** Arguments of {@link registerInstanceScript}. */
export interface RegisterArgs {
  readonly instanceId: string;
  readonly host: string;
  readonly pid: number;
  readonly runSlots: number;
  readonly workerSlots: number;
  readonly runtimeVersion: string;
  readonly metadataJson: string;
}

/** `instanceRegister`: the previous status ('' when new). */
export async function registerInstanceScript(
  store: HotStore,
  keys: ControlKeys,
  a: RegisterArgs,
): Promise<string> {
  const reply = await call(store, keys, "instanceRegister", [
    a.instanceId,
    a.host,
    a.pid,
    a.runSlots,
    a.workerSlots,
    a.runtimeVersion,
    a.metadataJson,
  ]);
  return String(reply[1]);
}

/** `instanceHeartbeat`: the status after the heartbeat, or why it was refused. */
export async function heartbeatInstanceScript(
  store: HotStore,
  keys: ControlKeys,
  a: { instanceId: string; inFlightSteps: number; workerSlots?: number },
): Promise<string | "not-found" | "stopped"> {
  const reply = await call(store, keys, "instanceHeartbeat", [
    a.instanceId,
    a.inFlightSteps,
    a.workerSlots ?? "",
  ]);
  if (reply[0] === "OK") return String(reply[1]);
  return reply[0] === "STOPPED" ? "stopped" : "not-found";
}

/** `instanceUpdate` drain | undrain | stop: the new status. */
export async function updateInstanceScript(
  store: HotStore,
  keys: ControlKeys,
  a: { action: "drain" | "undrain" | "stop"; instanceId: string; reason: string },
): Promise<string> {
  const reply = await call(store, keys, "instanceUpdate", [a.action, a.instanceId, a.reason]);
  if (reply[0] === "OK") return String(reply[1]);
  return fail(a.action, reply, { instanceId: a.instanceId });
}

/** `instanceUpdate sweep`: ids of the instances this call marked stale. */
export async function sweepInstancesScript(
  store: HotStore,
  keys: ControlKeys,
  a: { staleAfterMs: number; reason: string },
): Promise<string[]> {
  const reply = await call(store, keys, "instanceUpdate", ["sweep", a.staleAfterMs, a.reason]);
  return reply.slice(1).map(String);
}

/** `instanceRead`: instances by id (undefined when unknown) or all, ordered by id. */
export async function readInstancesScript(
  store: HotStore,
  keys: ControlKeys,
  a: { includeStopped: boolean; ids?: readonly string[]; staleAfterMs: number },
): Promise<(InstanceRecord | undefined)[]> {
  const reply = await call(store, keys, "instanceRead", [
    a.includeStopped ? "1" : "0",
    ...(a.ids ?? []),
  ]);
  const now = Number(reply[1]);
  return reply.slice(2).map((flat) => {
    const f = fieldMap(flat);
    return f === undefined ? undefined : decodeInstance(f, now, a.staleAfterMs);
  });
}
