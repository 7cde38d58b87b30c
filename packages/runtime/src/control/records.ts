/**
 * Run and instance records as the control plane reports them, decoded from the flat field lists
 * the read scripts return (`lua/queueRead.lua`, `lua/instanceRead.lua`).
 */
import type { JsonValue } from "@ordo/core";

/**
 * Lifecycle of a queued run: `queued` -> `claimed` (a dispatcher holds it, with a deadline) ->
 * `running` (its execution exists) -> `completed` | `failed` | `cancelled`. A claim whose
 * deadline passes goes back to `queued`.
 */
export type RunStatus = "queued" | "claimed" | "running" | "completed" | "failed" | "cancelled";

/** Terminal run statuses. */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["completed", "failed", "cancelled"];

/** What admission decided for a run (see {@link AdmissionDecision}). */
export interface RunAdmission {
  readonly kind: string;
  readonly reason: string;
}

/** One run of the queue. Times are epoch ms by the Redis clock. */
export interface RunRecord {
  readonly runId: string;
  /** The execution this run starts (pre-assigned at enqueue, never equal to the run id). */
  readonly executionId: string;
  readonly status: RunStatus;
  /** 0..1000, higher first. */
  readonly priority: number;
  /** Enqueue order (FIFO within a priority). */
  readonly seq: number;
  readonly tenant?: string;
  readonly pipeline: string;
  readonly definitionFingerprint: string;
  readonly input: JsonValue;
  readonly enqueuedAt: number;
  readonly updatedAt: number;
  /** Instance holding the claim (status `claimed`). */
  readonly claimedBy?: string;
  readonly claimExpiresAt?: number;
  /** How many times the run was claimed (more than one: a claimer died or gave it back). */
  readonly claims: number;
  /** Instance admission assigned the run to (others skip it while that hold lasts). */
  readonly targetInstanceId?: string;
  readonly admission: RunAdmission;
  readonly cancelRequested: boolean;
  /** Why the run ended (or the cancel reason). */
  readonly reason?: string;
  /** Instance that started the execution. */
  readonly instanceId?: string;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

/** Instance states: `stale` = heartbeat late (its claims were requeued); `stopped` = unregistered. */
export type InstanceStatus = "ready" | "draining" | "stale" | "stopped";

/** A registered runtime instance and its capacity. */
export interface InstanceRecord {
  /** `{host}:{pid}:{random}`. */
  readonly instanceId: string;
  readonly status: InstanceStatus;
  readonly host: string;
  readonly pid: number;
  /** Runs this instance may have started at once. */
  readonly runSlots: number;
  /** Step attempts its workers run at once. */
  readonly workerSlots: number;
  /** Step attempts in flight at the last heartbeat. */
  readonly inFlightSteps: number;
  /** Runs it started that are still running. */
  readonly runningRuns: number;
  /** Runs it claimed but did not start yet. */
  readonly claimedRuns: number;
  /** `runSlots - runningRuns - claimedRuns`, at least 0. */
  readonly availableRunSlots: number;
  /** Ready, fresh heartbeat and a free run slot. */
  readonly canAcceptRun: boolean;
  readonly lastHeartbeatAt: number;
  /** Age of the last heartbeat when read, ms. */
  readonly heartbeatAgeMs: number;
  readonly registeredAt: number;
  readonly runtimeVersion: string;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

/** Queue counters. */
export interface QueueStats {
  readonly paused: boolean;
  /** Runs waiting to be claimed. */
  readonly queued: number;
  /** Runs claimed, not yet started. */
  readonly claimed: number;
  /** Runs started and not finished. */
  readonly running: number;
  /** Every run ever enqueued (terminal ones included). */
  readonly total: number;
}

/** Flat `[id, name1, value1, ...]` to a map (empty list = unknown). */
export function fieldMap(flat: unknown): Map<string, string> | undefined {
  if (!Array.isArray(flat) || flat.length === 0) return undefined;
  const map = new Map<string, string>([["id", String(flat[0])]]);
  for (let i = 1; i + 1 < flat.length; i += 2) map.set(String(flat[i]), String(flat[i + 1]));
  return map;
}

const num = (v: string | undefined): number => (v === undefined || v === "" ? 0 : Number(v));
const opt = (v: string | undefined): string | undefined =>
  v === undefined || v === "" ? undefined : v;

function parseJson(text: string | undefined): JsonValue | undefined {
  if (text === undefined || text === "") return undefined;
  return JSON.parse(text) as JsonValue;
}

/** Decodes one run from `queueRead` fields. */
export function decodeRun(f: Map<string, string>): RunRecord {
  const metadata = parseJson(f.get("meta")) as Record<string, JsonValue> | undefined;
  const positive = (name: string) => (num(f.get(name)) > 0 ? num(f.get(name)) : undefined);
  const optional = {
    tenant: opt(f.get("tenant")),
    claimedBy: opt(f.get("by")),
    claimExpiresAt: positive("cexp"),
    targetInstanceId: opt(f.get("target")),
    reason: opt(f.get("reason")),
    instanceId: opt(f.get("inst")),
    startedAt: positive("start"),
    finishedAt: positive("fin"),
    metadata,
  };
  return {
    runId: f.get("id")!,
    executionId: f.get("exec")!,
    status: f.get("status") as RunStatus,
    priority: num(f.get("prio")),
    seq: num(f.get("seq")),
    pipeline: f.get("pipe") ?? "",
    definitionFingerprint: f.get("fp") ?? "",
    input: parseJson(f.get("input")) ?? null,
    enqueuedAt: num(f.get("enq")),
    updatedAt: num(f.get("upd")),
    claims: num(f.get("claims")),
    admission: { kind: f.get("adm") ?? "", reason: f.get("admr") ?? "" },
    cancelRequested: f.get("cancel") === "1",
    ...(Object.fromEntries(
      Object.entries(optional).filter(([, v]) => v !== undefined),
    ) as Partial<RunRecord>),
  };
}

/** Decodes one instance from `instanceRead` fields; `now` is the Redis clock of the read. */
export function decodeInstance(
  f: Map<string, string>,
  now: number,
  staleAfterMs: number,
): InstanceRecord {
  const runSlots = num(f.get("slots"));
  const running = num(f.get("running"));
  const claimed = num(f.get("claimed"));
  const status = f.get("status") as InstanceStatus;
  const hb = num(f.get("hb"));
  const available = Math.max(0, runSlots - running - claimed);
  const metadata = parseJson(f.get("meta")) as Record<string, JsonValue> | undefined;
  return {
    instanceId: f.get("id")!,
    status,
    host: f.get("host") ?? "",
    pid: num(f.get("pid")),
    runSlots,
    workerSlots: num(f.get("wslots")),
    inFlightSteps: num(f.get("inflight")),
    runningRuns: running,
    claimedRuns: claimed,
    availableRunSlots: available,
    canAcceptRun: status === "ready" && available > 0 && now - hb <= staleAfterMs,
    lastHeartbeatAt: hb,
    heartbeatAgeMs: Math.max(0, now - hb),
    registeredAt: num(f.get("reg")),
    runtimeVersion: f.get("ver") ?? "",
    ...(metadata === undefined ? {} : { metadata }),
  };
}
