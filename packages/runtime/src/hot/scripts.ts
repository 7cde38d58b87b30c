/**
 * One typed wrapper per Lua script: named arguments in, decoded result out. Script error replies
 * (`{"STALE_TOKEN", ...}`) become `OrdoError`s through the single table in `script-errors.ts`.
 */
import { OrdoError } from "@ordo/core";
import { callScript } from "./call-script.js";
import type { HotStore, ScriptName } from "./hot-store.js";
import type { PartitionKeys } from "./keys.js";
import { scriptErrorCode } from "./script-errors.js";

/** A step handed to a worker by a claim. */
export interface ClaimedStep {
  readonly partition: number;
  readonly executionId: string;
  readonly stepId: string;
  /** Fencing token of this claim; complete/fail/heartbeat must present it. */
  readonly token: string;
  /** 1-based attempt (retries); recoveries do not count. */
  readonly attempt: number;
  /** How many times an expired lease of this step was recovered. */
  readonly recoveries: number;
  /** Definition fingerprint of the execution. */
  readonly fingerprint: string;
  /** Lease deadline, epoch ms by the Redis clock. */
  readonly leaseDeadline: number;
  /**
   * When the step became claimable, epoch ms by the Redis clock: made ready, or the due time of a
   * retry or throttle, or the lease deadline of a recovered attempt. Absent when an older script
   * version made it ready.
   */
  readonly readyAt?: number;
  /** When this claim happened, epoch ms by the Redis clock (`claimedAt - readyAt` = queue wait). */
  readonly claimedAt: number;
  /** Pipeline input, JSON text. */
  readonly inputJson: string;
  /** Output JSON text of each dependency that completed. */
  readonly depOutputs: Readonly<Record<string, string>>;
}

/** Final execution status reported by a script that finalized it. */
export type FinalStatus = "completed" | "failed" | "cancelled";

/** One step of a definition as the scripts store it (see createExecution.lua). */
export interface DefinitionRow {
  readonly id: string;
  readonly order: number;
  readonly dependencies: readonly string[];
  readonly dependents: readonly string[];
  readonly trigger: string;
  /** Lease ms; 0 = worker default. */
  readonly leaseMs: number;
  readonly sink: boolean;
  /** Has a dependent whose trigger is `any_success` (its failure is handled). */
  readonly handled: boolean;
}

function errorOf(name: ScriptName, reply: unknown[], details: Record<string, unknown>): OrdoError {
  const status = String(reply[0]);
  const code = scriptErrorCode(status);
  const extra = reply[1] === undefined ? "" : ` (current status: ${String(reply[1])})`;
  return new OrdoError(code, `${name}: ${status}${extra}`, {
    details: { ...details, ...(reply[1] === undefined ? {} : { status: String(reply[1]) }) },
  });
}

async function run(
  store: HotStore,
  name: ScriptName,
  keys: PartitionKeys,
  args: readonly (string | number)[],
  details: Record<string, unknown>,
): Promise<unknown[]> {
  const list = await callScript(store, name, keys.all, args, details);
  if (list[0] !== "OK") throw errorOf(name, list, details);
  return list;
}

function decodeItems(partition: number, raw: unknown): ClaimedStep[] {
  return (raw as unknown[][]).map((item) => {
    const depOutputs: Record<string, string> = {};
    for (let i = 10; i + 1 < item.length; i += 2) depOutputs[String(item[i])] = String(item[i + 1]);
    const readyAt = item[7] === "" ? undefined : Number(item[7]);
    return {
      partition,
      executionId: String(item[0]),
      stepId: String(item[1]),
      token: String(item[2]),
      attempt: Number(item[3]),
      recoveries: Number(item[4]),
      fingerprint: String(item[5]),
      leaseDeadline: Number(item[6]),
      ...(readyAt === undefined ? {} : { readyAt }),
      claimedAt: Number(item[8]),
      inputJson: String(item[9]),
      depOutputs,
    };
  });
}

/** Arguments of {@link createExecution}. */
export interface CreateExecutionArgs {
  readonly executionId: string;
  readonly fingerprint: string;
  readonly inputJson: string;
  readonly pipelineName: string;
  /** Sent only when the partition may not know the definition yet. */
  readonly definition?: { readonly irJson: string; readonly rows: readonly DefinitionRow[] };
}

/**
 * A definition as script arguments: IR JSON, row count, then 9 fields per row (the layout
 * `lua/includes/definition.lua` reads for createExecution, restoreExecution and forkExecution).
 */
export function definitionArgs(def: {
  readonly irJson: string;
  readonly rows: readonly DefinitionRow[];
}): (string | number)[] {
  const args: (string | number)[] = [def.irJson, def.rows.length];
  for (const r of def.rows) {
    args.push(r.id, r.order, r.dependencies.length, r.trigger, r.dependents.join(","));
    args.push(r.dependencies.join(","), r.leaseMs, r.sink ? "1" : "0", r.handled ? "1" : "0");
  }
  return args;
}

/** createExecution.lua. Returns `needDefinition` when the definition must be sent. */
export async function createExecution(
  store: HotStore,
  keys: PartitionKeys,
  a: CreateExecutionArgs,
): Promise<{ created: true; firstEventId: string } | { created: false; needDefinition: true }> {
  const args: (string | number)[] = [a.executionId, a.fingerprint, a.inputJson, a.pipelineName];
  if (a.definition === undefined) args.push("0");
  else args.push("1", ...definitionArgs(a.definition));
  const reply = (await store.runScript("createExecution", keys.all, args.map(String))) as unknown[];
  if (reply[0] === "NEED_DEF") return { created: false, needDefinition: true };
  if (reply[0] !== "OK") {
    throw errorOf("createExecution", reply, { executionId: a.executionId });
  }
  return { created: true, firstEventId: String(reply[1]) };
}

/** Arguments of {@link createExecutions}: executions of one definition in one partition. */
export interface CreateExecutionsArgs {
  readonly fingerprint: string;
  readonly pipelineName: string;
  /** At least one; ids must belong to the partition of `keys`. */
  readonly executions: readonly { readonly executionId: string; readonly inputJson: string }[];
  /** Sent only when the partition may not know the definition yet. */
  readonly definition?: { readonly irJson: string; readonly rows: readonly DefinitionRow[] };
}

/**
 * createExecutions.lua: all of `executions` or none (atomic within the partition). Returns
 * `needDefinition` when the definition must be sent; throws `EXECUTION_EXISTS` (details name the
 * id) when one exists, and a retryable `SCRIPT_ERROR` when the call itself failed.
 */
export async function createExecutions(
  store: HotStore,
  keys: PartitionKeys,
  a: CreateExecutionsArgs,
): Promise<{ created: true; firstEventIds: string[] } | { created: false; needDefinition: true }> {
  const args: (string | number)[] = [a.fingerprint, a.pipelineName, a.executions.length];
  args.push(a.definition === undefined ? "0" : "1");
  for (const e of a.executions) args.push(e.executionId, e.inputJson);
  if (a.definition !== undefined) args.push(...definitionArgs(a.definition));
  const details = { partition: keys.partition, executions: a.executions.length };
  const reply = await callScript(store, "createExecutions", keys.all, args, details);
  if (reply[0] === "NEED_DEF") return { created: false, needDefinition: true };
  if (reply[0] !== "OK") {
    const executionId = reply[1] === undefined ? undefined : String(reply[1]);
    const what = executionId === undefined ? "" : ` (execution '${executionId}')`;
    throw new OrdoError(scriptErrorCode(reply[0]), `createExecutions: ${String(reply[0])}${what}`, {
      details: { ...details, ...(executionId === undefined ? {} : { executionId }) },
    });
  }
  return { created: true, firstEventIds: reply.slice(1).map(String) };
}

/** claimSteps.lua: up to `max` ready steps of one partition. */
export async function claimSteps(
  store: HotStore,
  keys: PartitionKeys,
  a: { workerId: string; max: number; defaultLeaseMs: number },
): Promise<ClaimedStep[]> {
  const reply = await run(store, "claimSteps", keys, [a.workerId, a.max, a.defaultLeaseMs], {});
  return decodeItems(keys.partition, reply[1]);
}

/** Terminal facts returned by the call that finalized an execution (for its fingerprint). */
export interface FinalFacts {
  readonly inputJson: string;
  /** Every step in definition order; `outputJson` only for steps with an output. */
  readonly steps: readonly { id: string; status: string; outputJson?: string }[];
}

/** Result of complete/fail: the finalization (if this call ended the execution) and next claims. */
export interface SettleResult {
  readonly finalStatus: FinalStatus | undefined;
  readonly next: ClaimedStep[];
  /** Present when this call finalized the execution (and did not store the fingerprint). */
  readonly facts?: FinalFacts;
  /** The execution fingerprint this call stored (single-step pipelines). */
  readonly storedFingerprint?: string;
}

/**
 * Decodes the facts a finalizing script returns (`final_facts` in lua/includes/settle.lua:
 * `{inputJson, step1, status1, output1 or '', ...}`); undefined when it returned none.
 */
export function decodeFacts(raw: unknown): FinalFacts | undefined {
  const list = (raw ?? []) as unknown[];
  if (list.length === 0) return undefined;
  const steps: { id: string; status: string; outputJson?: string }[] = [];
  for (let i = 1; i + 2 < list.length; i += 3) {
    const out = String(list[i + 2] ?? "");
    steps.push({
      id: String(list[i]),
      status: String(list[i + 1]),
      ...(out === "" ? {} : { outputJson: out }),
    });
  }
  return { inputJson: String(list[0]), steps };
}

/** Decodes a script's final-status field: '' (nothing finalized) becomes undefined. */
export function decodeFinalStatus(value: unknown): FinalStatus | undefined {
  const text = String(value ?? "");
  return text === "" ? undefined : (text as FinalStatus);
}

/** Identifies one claim of one step. */
export interface StepClaimRef {
  readonly executionId: string;
  readonly stepId: string;
  readonly token: string;
}

/** completeStep.lua: accept the output and claim up to `claimNext` further steps. */
export async function completeStep(
  store: HotStore,
  keys: PartitionKeys,
  a: StepClaimRef & {
    outputJson: string;
    workerId: string;
    claimNext: number;
    leaseMs: number;
    /** Execution fingerprint to store if this completes a single-step execution. */
    fingerprintIfLast?: string;
    /** JSON object of usage the plugin reported (tokens, cost), recorded in `step.completed`. */
    usageJson?: string;
  },
): Promise<SettleResult> {
  const reply = await run(
    store,
    "completeStep",
    keys,
    [
      a.executionId,
      a.stepId,
      a.token,
      a.outputJson,
      a.workerId,
      a.claimNext,
      a.leaseMs,
      a.fingerprintIfLast ?? "",
      a.usageJson ?? "",
    ],
    { executionId: a.executionId, stepId: a.stepId },
  );
  const facts = decodeFacts(reply[3]);
  const stored = reply[4] ? String(reply[4]) : undefined;
  return {
    finalStatus: decodeFinalStatus(reply[1]),
    next: decodeItems(keys.partition, reply[2]),
    ...(facts === undefined ? {} : { facts }),
    ...(stored === undefined ? {} : { storedFingerprint: stored }),
  };
}

/** failStep.lua: apply a retry-or-fail decision made by the worker. */
export async function failStep(
  store: HotStore,
  keys: PartitionKeys,
  a: StepClaimRef & {
    decision: "retry" | "fail";
    delayMs: number;
    errorJson: string;
    errorCode: string;
    workerId: string;
    claimNext: number;
    leaseMs: number;
  },
): Promise<SettleResult & { outcome: "retry" | "failed" | "cancelled"; attempt: number }> {
  const reply = await run(
    store,
    "failStep",
    keys,
    [
      a.executionId,
      a.stepId,
      a.token,
      a.decision,
      Math.max(0, Math.floor(a.delayMs)),
      a.errorJson,
      a.errorCode,
      a.workerId,
      a.claimNext,
      a.leaseMs,
    ],
    { executionId: a.executionId, stepId: a.stepId },
  );
  const facts = decodeFacts(reply[5]);
  return {
    finalStatus: decodeFinalStatus(reply[1]),
    next: decodeItems(keys.partition, reply[2]),
    outcome: reply[3] as "retry" | "failed" | "cancelled",
    attempt: Number(reply[4]),
    ...(facts === undefined ? {} : { facts }),
  };
}

/** heartbeatStep.lua: extend the lease; tells whether the execution was cancelled. */
export async function heartbeatStep(
  store: HotStore,
  keys: PartitionKeys,
  a: StepClaimRef & { leaseMs: number },
): Promise<{ leaseDeadline: number; cancelled: boolean }> {
  const reply = await run(
    store,
    "heartbeatStep",
    keys,
    [a.executionId, a.stepId, a.token, a.leaseMs],
    { executionId: a.executionId, stepId: a.stepId },
  );
  return { leaseDeadline: Number(reply[1]), cancelled: reply[2] === "1" };
}

/** releaseStep.lua: give a claimed step back (shutdown) without spending an attempt. */
export async function releaseStep(
  store: HotStore,
  keys: PartitionKeys,
  a: StepClaimRef & { workerId: string },
): Promise<{ finalStatus: FinalStatus | undefined }> {
  const reply = await run(
    store,
    "releaseStep",
    keys,
    [a.executionId, a.stepId, a.token, a.workerId],
    { executionId: a.executionId, stepId: a.stepId },
  );
  return { finalStatus: decodeFinalStatus(reply[1]) };
}

/** recoverLeases.lua: promote due retries and recover expired leases of one partition. */
export async function recoverLeases(
  store: HotStore,
  keys: PartitionKeys,
  a: { limit: number },
): Promise<{ promoted: number; recovered: number }> {
  const reply = await run(store, "recoverLeases", keys, [a.limit], {});
  return { promoted: Number(reply[1]), recovered: Number(reply[2]) };
}

/** cancelExecution.lua. */
export async function cancelExecution(
  store: HotStore,
  keys: PartitionKeys,
  a: { executionId: string; reason: string },
): Promise<{ finalStatus: FinalStatus | undefined; running: number }> {
  const reply = await run(store, "cancelExecution", keys, [a.executionId, a.reason], {
    executionId: a.executionId,
  });
  return {
    finalStatus: decodeFinalStatus(reply[1]),
    running: Number(reply[2]),
  };
}

/** setFingerprint.lua: first writer wins; returns the stored fingerprint. */
export async function setFingerprint(
  store: HotStore,
  keys: PartitionKeys,
  a: { executionId: string; fingerprint: string },
): Promise<string> {
  const reply = await run(store, "setFingerprint", keys, [a.executionId, a.fingerprint], {
    executionId: a.executionId,
  });
  return String(reply[1]);
}
