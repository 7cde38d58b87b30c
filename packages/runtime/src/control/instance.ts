/**
 * A runtime instance as the control plane sees it: registered in Redis, heartbeating, sweeping
 * stale peers, reconciling finished runs and dispatching queued runs into its run slots.
 */

import type { Dispatcher, DispatcherStats } from "./dispatcher.js";
import type { RunQueue } from "./queue.js";
import type { InstanceRecord } from "./records.js";
import type { InstanceRegistration, InstanceRegistry } from "./registry.js";

/** Options of `ControlPlane.startInstance`. */
export interface RuntimeInstanceOptions extends InstanceRegistration {
  /** Heartbeat (and sweep) interval, ms [2 000]. Keep well under the plane's `staleAfterMs`. */
  readonly heartbeatMs?: number;
  /** Reconcile running runs every this many heartbeats [5]. */
  readonly reconcileEvery?: number;
  /** Claim deadline, ms [30 000]. */
  readonly claimTtlMs?: number;
  /** Longest blocking wait of the dispatcher, ms [500]. */
  readonly idleWaitMs?: number;
  /** Reported with each heartbeat, e.g. `() => worker.stats.claimed - ...`. */
  readonly inFlightSteps?: () => number;
  /** Dispatch queued runs [true]; false registers and heartbeats only. */
  readonly dispatch?: boolean;
  readonly onError?: (error: unknown) => void;
}

/** A started runtime instance. */
export interface RuntimeInstance {
  readonly instanceId: string;
  readonly dispatcherStats: Readonly<DispatcherStats>;
  /** The registry record now. */
  record(): Promise<InstanceRecord | undefined>;
  /** Stops taking runs (started ones finish); `waitForRuns` waits until they did. */
  drain(options?: { waitForRuns?: boolean }): Promise<void>;
  /**
   * Stops dispatching and heartbeating and unregisters (status `stopped`; its claimed runs are
   * requeued). `waitForRuns` first waits for the runs it started.
   */
  close(options?: { waitForRuns?: boolean }): Promise<void>;
}

/** @internal Wiring used by `createControlPlane`. */
export interface InstanceParts {
  readonly registry: InstanceRegistry;
  readonly queue: RunQueue;
  readonly makeDispatcher: (instanceId: string) => Dispatcher;
}

/** @internal */
export async function startRuntimeInstance(
  parts: InstanceParts,
  options: RuntimeInstanceOptions,
): Promise<RuntimeInstance> {
  const { registry, queue } = parts;
  const record = await registry.register(options);
  const instanceId = record.instanceId;
  const dispatcher = parts.makeDispatcher(instanceId);
  const report = (error: unknown) => options.onError?.(error);
  let beats = 0;
  let closed = false;
  const beat = async () => {
    const load = { inFlightSteps: options.inFlightSteps?.() ?? 0 };
    const status = await registry.heartbeat(instanceId, load);
    // Lost record or unregistered by an operator while alive: only re-register the former.
    if (status === undefined && (await registry.get(instanceId)) === undefined && !closed) {
      await registry.register({ ...options, instanceId });
    }
    await registry.sweep();
    if (++beats % (options.reconcileEvery ?? 5) === 0) await queue.reconcile();
  };
  let inBeat = false;
  const timer = setInterval(() => {
    if (inBeat || closed) return;
    inBeat = true;
    beat()
      .catch(report)
      .finally(() => {
        inBeat = false;
      });
  }, options.heartbeatMs ?? 2_000);
  timer.unref();
  if (options.dispatch ?? true) dispatcher.start();
  return {
    instanceId,
    dispatcherStats: dispatcher.stats,
    record: () => registry.get(instanceId),
    async drain(drainOptions = {}) {
      await registry.drain(instanceId);
      await dispatcher.stop(drainOptions);
    },
    async close(closeOptions = {}) {
      await dispatcher.stop(closeOptions);
      closed = true;
      clearInterval(timer);
      await registry.unregister(instanceId, "instance closed");
    },
  };
}
