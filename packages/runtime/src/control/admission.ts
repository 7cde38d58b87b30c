/**
 * Admission: a pure decision over one run request, a snapshot of the registered instances and the
 * queue's pressure. Every decision carries a reason (recorded on the run and in the control log).
 * Every admitted run is queued in the shared run queue; `assign`, `prefer` and `least-loaded`
 * additionally hold it for one instance for a short while, `scale-out` also publishes a
 * scale-out request. Only `reject` leaves nothing queued.
 */
import { OrdoError } from "@ordo/core";
import type { InstanceRecord } from "./records.js";

/**
 * - `assign`: exactly one instance can take the run.
 * - `prefer`: the requested instance can take it.
 * - `least-loaded`: several can; the least loaded (by slot use) is chosen.
 * - `scale-out`: none can; a scale-out request is published and the run waits in the queue.
 * - `queue`: none can and no scale-out is possible; the run waits in the queue.
 * - `reject`: admission is disabled, the queue is full, or there is no capacity and no fallback.
 */
export type AdmissionKind = "assign" | "prefer" | "least-loaded" | "scale-out" | "queue" | "reject";

/** The outcome of {@link decideAdmission}. */
export interface AdmissionDecision {
  readonly kind: AdmissionKind;
  /** The chosen instance (assign, prefer, least-loaded). */
  readonly instanceId?: string;
  /** Desired instance count published with a scale-out request. */
  readonly scaleOutTo?: number;
  readonly reason: string;
}

/** What admission looks at in a run request. */
export interface AdmissionRequest {
  /** Preferred instance (e.g. one that has the run's data warm). */
  readonly instanceId?: string;
}

/** The instance facts admission uses (an {@link InstanceRecord} fits). */
export type AdmissionInstance = Pick<
  InstanceRecord,
  "instanceId" | "status" | "canAcceptRun" | "runSlots" | "runningRuns" | "claimedRuns"
> & { readonly availableRunSlots: number };

/** Queue pressure at decision time. */
export interface QueuePressure {
  /** Runs waiting in the queue (they take free slots before a new run). */
  readonly queued: number;
}

/** Admission options; defaults in brackets. */
export interface AdmissionOptions {
  /** Admit runs at all [true]. */
  readonly enabled?: boolean;
  /** Honour `request.instanceId` when that instance can take the run [true]. */
  readonly preferRequestedInstance?: boolean;
  /** Publish scale-out requests when no instance can take a run [true]. */
  readonly scaleOut?: boolean;
  /** Upper bound for scale-out (live instances) [unbounded]. */
  readonly maxInstances?: number;
  /** Queue runs no instance can take now [true]; false rejects them. */
  readonly queueFallback?: boolean;
  /** Reject new runs while this many wait in the queue [0 = unbounded]. */
  readonly maxQueuedRuns?: number;
}

function load(i: AdmissionInstance): number {
  return i.runSlots > 0 ? (i.runningRuns + i.claimedRuns) / i.runSlots : 1;
}

function byLoad(a: AdmissionInstance, b: AdmissionInstance): number {
  return (
    load(a) - load(b) ||
    a.runningRuns - b.runningRuns ||
    a.claimedRuns - b.claimedRuns ||
    (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0)
  );
}

/** Decision when no instance has a free slot left for this run. */
function noCapacity(
  instances: readonly AdmissionInstance[],
  options: AdmissionOptions,
  why: string,
): AdmissionDecision {
  const live = instances.filter((i) => i.status === "ready" || i.status === "draining").length;
  const max = options.maxInstances;
  if ((options.scaleOut ?? true) && (max === undefined || live < max)) {
    const to = max === undefined ? live + 1 : Math.min(live + 1, max);
    return { kind: "scale-out", scaleOutTo: to, reason: `${why}; requesting ${to} instance(s)` };
  }
  const capped = max === undefined ? "scale-out disabled" : `at max ${max} instance(s)`;
  if (options.queueFallback ?? true) return { kind: "queue", reason: `${why}; ${capped}; queued` };
  return { kind: "reject", reason: `${why}; ${capped}; queue fallback disabled` };
}

/**
 * Decides where a run goes. Pure: same inputs, same decision.
 *
 * @example
 * ```ts
 * import { decideAdmission } from "@ordo/runtime";
 * const decision = decideAdmission({}, await controlPlane.instances.list(), { queued: 0 });
 * // { kind: "least-loaded", instanceId: "host-a:41:x1", reason: "..." }
 * ```
 */
export function decideAdmission(
  request: AdmissionRequest,
  instances: readonly AdmissionInstance[],
  pressure: QueuePressure,
  options: AdmissionOptions = {},
): AdmissionDecision {
  if (request === null || typeof request !== "object") {
    throw new OrdoError("USAGE", "decideAdmission: the run request must be an object.");
  }
  if (options.enabled === false) return { kind: "reject", reason: "admission disabled" };
  const maxQueued = options.maxQueuedRuns ?? 0;
  if (maxQueued > 0 && pressure.queued >= maxQueued) {
    return { kind: "reject", reason: `queue full (${pressure.queued} of ${maxQueued} queued)` };
  }
  const available = instances.filter((i) => i.status === "ready" && i.canAcceptRun);
  const free = available.reduce((sum, i) => sum + i.availableRunSlots, 0);
  if (available.length === 0 || free <= pressure.queued) {
    const why =
      available.length === 0
        ? `no instance can accept a run (${instances.length} registered)`
        : `${pressure.queued} queued run(s) take the ${free} free slot(s)`;
    return noCapacity(instances, options, why);
  }
  const wanted = request.instanceId;
  let note = "";
  if (wanted !== undefined && (options.preferRequestedInstance ?? true)) {
    if (available.some((i) => i.instanceId === wanted)) {
      return { kind: "prefer", instanceId: wanted, reason: `requested instance ${wanted}` };
    }
    const found = instances.find((i) => i.instanceId === wanted);
    note = `requested ${wanted} unavailable (${found === undefined ? "unknown" : found.status}); `;
  }
  if (available.length === 1) {
    const only = available[0]!;
    return {
      kind: "assign",
      instanceId: only.instanceId,
      reason: `${note}only available instance`,
    };
  }
  const best = [...available].sort(byLoad)[0]!;
  return {
    kind: "least-loaded",
    instanceId: best.instanceId,
    reason: `${note}least loaded of ${available.length} (${best.runningRuns + best.claimedRuns}/${best.runSlots} slots used)`,
  };
}
