/**
 * Execution and step state: the status vocabulary, the pure status function the scripts implement
 * incrementally, the execution fingerprint, and reading a snapshot from hot state.
 */
import { canonicalJson, type JsonValue, sha256Hex } from "@ordo/core";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";
import type { FinalFacts } from "../hot/scripts.js";
import type { PreparedDefinition } from "./definition.js";
import { isExternalPayload } from "./payloads.js";

/** Execution statuses. `running` until finalized; the other three are terminal. */
export type ExecutionStatus = "running" | "completed" | "failed" | "cancelled";

/**
 * Step statuses. `pending` waits for dependencies; `retry` waits for its retry time; `throttled`
 * waits for a concurrency/rate limit (retry-after); `paused` is parked by a paused execution;
 * `waiting` is a human-input step waiting for `submitInput`; terminal: `completed`, `failed`,
 * `skipped` (trigger rule not met), `cancelled`.
 */
export type StepStatus =
  | "pending"
  | "ready"
  | "running"
  | "retry"
  | "throttled"
  | "paused"
  | "waiting"
  | "completed"
  | "failed"
  | "skipped"
  | "cancelled";

/** True for statuses a step never leaves. */
export function isTerminalStep(status: StepStatus): boolean {
  return (
    status === "completed" || status === "failed" || status === "skipped" || status === "cancelled"
  );
}

/** Graph facts the status function needs per step. */
export interface StatusGraphStep {
  readonly sink: boolean;
  /** Has an `any_success` dependent, which handles this step's failure. */
  readonly handled: boolean;
}

/**
 * The final status as a pure function of step states (what `finalize` in `lua/includes/settle.lua`
 * computes incrementally): undefined while any step is not terminal; `cancelled` when cancellation
 * was requested; `failed` when a failed step has no `any_success` dependent or a sink step did not
 * complete; else `completed`.
 */
export function deriveExecutionStatus(
  steps: ReadonlyMap<string, StepStatus>,
  graph: ReadonlyMap<string, StatusGraphStep>,
  cancelRequested: boolean,
): ExecutionStatus | undefined {
  let bad = false;
  for (const [id, status] of steps) {
    if (!isTerminalStep(status)) return undefined;
    const g = graph.get(id);
    if (status === "failed" && !g?.handled) bad = true;
    if (status !== "completed" && g?.sink) bad = true;
  }
  if (cancelRequested) return "cancelled";
  return bad ? "failed" : "completed";
}

/** A step's terminal facts that enter the execution fingerprint. */
export interface FingerprintStep {
  readonly status: StepStatus;
  /** Parsed output of a completed step. */
  readonly output?: JsonValue;
}

/**
 * SHA-256 over canonical JSON of the definition fingerprint, the input, and each step's terminal
 * status and output hash. Timings, attempts, tokens and worker ids are left out, so the same
 * pipeline and input with the same outcomes give the same fingerprint on 1 or 40 workers. An
 * externalized output (a payload reference, see `payloads.ts`) enters with the hash in its ref,
 * which is the hash of the same canonical JSON: externalizing never changes the fingerprint.
 */
export function executionFingerprint(
  definition: string,
  input: JsonValue,
  steps: ReadonlyMap<string, FingerprintStep>,
): string {
  const stepFacts: Record<string, JsonValue> = {};
  for (const [id, s] of steps) {
    stepFacts[id] = {
      status: s.status,
      output: outputHash(s.output),
    };
  }
  return sha256Hex(canonicalJson({ definition, input, steps: stepFacts }));
}

function outputHash(output: JsonValue | undefined): string | null {
  if (output === undefined) return null;
  if (isExternalPayload(output)) return output.$payload.slice("sha256:".length);
  return sha256Hex(canonicalJson(output));
}

/** One step in a {@link ExecutionSnapshot}. */
export interface StepSnapshot {
  readonly status: StepStatus;
  readonly attempt: number;
  readonly recoveries: number;
  /** Output JSON text (completed steps). */
  readonly outputJson?: string;
  /** Last error JSON text, if any attempt failed. */
  readonly errorJson?: string;
}

/** Execution state read from hot state. */
export interface ExecutionSnapshot {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly definition: string;
  readonly pipelineName: string;
  readonly inputJson: string;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly cancelRequested: boolean;
  /** Pause requested and not resumed (see `client.pause`). */
  readonly pauseRequested: boolean;
  /** Steps running now (claimed and not reported). */
  readonly running: number;
  readonly fingerprint?: string;
  readonly steps: ReadonlyMap<string, StepSnapshot>;
}

const X_FIELDS = [
  "status",
  "fp",
  "name",
  "input",
  "start",
  "fin",
  "cancel",
  "fpx",
  "pause",
  "run",
] as const;

/** Reads the execution head only (status, fingerprints); null when unknown. */
export async function readExecutionHead(
  store: HotStore,
  keys: PartitionKeys,
  executionId: string,
): Promise<Omit<ExecutionSnapshot, "steps"> | null> {
  const values = await store.hmget(
    keys.byName.x,
    X_FIELDS.map((f) => `${executionId}:${f}`),
  );
  const [status, fp, name, input, start, fin, cancel, fpx, pause, run] = values;
  if (status === null || status === undefined) return null;
  return {
    executionId,
    status: status as ExecutionStatus,
    definition: fp ?? "",
    pipelineName: name ?? "",
    inputJson: input ?? "null",
    startedAt: Number(start),
    ...(fin ? { finishedAt: Number(fin) } : {}),
    cancelRequested: cancel === "1",
    pauseRequested: pause === "1",
    running: Number(run ?? 0),
    ...(fpx ? { fingerprint: fpx } : {}),
  };
}

/** Reads the execution and every step of its definition (O(steps): for status and results). */
export async function readExecution(
  store: HotStore,
  keys: PartitionKeys,
  executionId: string,
  definition: PreparedDefinition,
): Promise<ExecutionSnapshot | null> {
  const head = await readExecutionHead(store, keys, executionId);
  if (head === null) return null;
  const fields = definition.rows.map((r) => `${executionId}|${r.id}`);
  const [st, att, rec, out, err] = await Promise.all(
    (["st", "att", "rec", "out", "err"] as const).map((k) => store.hmget(keys.byName[k], fields)),
  );
  const steps = new Map<string, StepSnapshot>();
  definition.rows.forEach((r, i) => {
    steps.set(r.id, {
      status: (st![i] ?? "pending") as StepStatus,
      attempt: Number(att![i] ?? 1),
      recoveries: Number(rec![i] ?? 0),
      ...(out![i] ? { outputJson: out![i]! } : {}),
      ...(err![i] ? { errorJson: err![i]! } : {}),
    });
  });
  return { ...head, steps };
}

/** The execution fingerprint from the facts a finalizing script returned. */
export function fingerprintOfFacts(definition: string, facts: FinalFacts): string {
  const steps = new Map<string, FingerprintStep>();
  for (const s of facts.steps) {
    steps.set(s.id, {
      status: s.status as StepStatus,
      ...(s.outputJson === undefined ? {} : { output: JSON.parse(s.outputJson) as JsonValue }),
    });
  }
  return executionFingerprint(definition, JSON.parse(facts.inputJson) as JsonValue, steps);
}

/** The execution fingerprint of a terminal snapshot. */
export function fingerprintOf(snapshot: ExecutionSnapshot): string {
  const steps = new Map<string, FingerprintStep>();
  for (const [id, s] of snapshot.steps) {
    steps.set(id, {
      status: s.status,
      ...(s.outputJson === undefined ? {} : { output: JSON.parse(s.outputJson) as JsonValue }),
    });
  }
  return executionFingerprint(snapshot.definition, JSON.parse(snapshot.inputJson), steps);
}
