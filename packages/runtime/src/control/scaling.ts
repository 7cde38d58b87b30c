/**
 * Scale-out requests and scaling figures for autoscalers (KEDA, custom operators). Requests are
 * entries of the `{<prefix>:ctl}:scale` stream, published by admission atomically with the run
 * they are for; see docs/guides/autoscaling.md.
 */
import type { HotStore } from "../hot/hot-store.js";
import type { ControlKeys } from "./keys.js";
import type { RunQueue } from "./queue.js";
import type { InstanceRegistry } from "./registry.js";

/** One published scale-out request. */
export interface ScaleRequest {
  /** Stream id (consumers resume after it). */
  readonly id: string;
  readonly runId: string;
  /** Instance count admission asked for. */
  readonly desiredInstances: number;
  /** Queued runs when it was published. */
  readonly queued: number;
  readonly reason: string;
  /** Epoch ms by the Redis clock. */
  readonly at: number;
}

/** Figures an autoscaler scales on (also served at `GET /scaling`). */
export interface ScalingMetrics {
  readonly queued: number;
  readonly claimed: number;
  readonly running: number;
  readonly paused: boolean;
  /** Ready or draining instances with a fresh heartbeat. */
  readonly liveInstances: number;
  /** Free run slots over ready instances. */
  readonly freeRunSlots: number;
  readonly totalRunSlots: number;
  /**
   * Instances needed to run everything queued and running now, at the average slot count of the
   * live instances (at least 1 when anything waits; 0 when idle).
   */
  readonly desiredInstances: number;
}

/** @internal */
export async function readScaleRequests(
  store: HotStore,
  keys: ControlKeys,
  options: { after?: string; count?: number },
): Promise<ScaleRequest[]> {
  const start = options.after === undefined ? "-" : `(${options.after}`;
  const page = await store.xrange(keys.byName.scale, start, "+", options.count ?? 100);
  return page.map(([id, flat]) => {
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
    return {
      id,
      runId: f.get("run") ?? "",
      desiredInstances: Number(f.get("desired") ?? 0),
      queued: Number(f.get("queued") ?? 0),
      reason: f.get("reason") ?? "",
      at: Number(f.get("at") ?? 0),
    };
  });
}

/** @internal */
export async function scalingMetrics(
  queue: RunQueue,
  registry: InstanceRegistry,
): Promise<ScalingMetrics> {
  const [stats, list] = await Promise.all([queue.stats(), registry.list()]);
  const live = list.filter(
    (i) =>
      (i.status === "ready" || i.status === "draining") &&
      i.heartbeatAgeMs <= registry.staleAfterMs,
  );
  const ready = live.filter((i) => i.status === "ready");
  const totalRunSlots = ready.reduce((sum, i) => sum + i.runSlots, 0);
  const freeRunSlots = ready.reduce((sum, i) => sum + i.availableRunSlots, 0);
  const perInstance = ready.length > 0 ? totalRunSlots / ready.length : 1;
  const demand = stats.queued + stats.claimed + stats.running;
  return {
    queued: stats.queued,
    claimed: stats.claimed,
    running: stats.running,
    paused: stats.paused,
    liveInstances: live.length,
    freeRunSlots,
    totalRunSlots,
    desiredInstances: demand === 0 ? 0 : Math.max(1, Math.ceil(demand / Math.max(1, perInstance))),
  };
}
