/**
 * The runtime instance registry, in Redis (never process memory): any process of the deployment
 * sees the same instances, their capacity and their heartbeats. An instance whose heartbeat is
 * older than `staleAfterMs` is marked `stale` by the next sweep (any instance runs one with each
 * heartbeat) and the runs it had claimed but not started go back to the queue.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { type JsonValue, OrdoError } from "@ordo/core";
import type { HotStore } from "../hot/hot-store.js";
import type { ControlKeys } from "./keys.js";
import type { InstanceRecord } from "./records.js";
import {
  heartbeatInstanceScript,
  readInstancesScript,
  registerInstanceScript,
  sweepInstancesScript,
  updateInstanceScript,
} from "./scripts.js";

/** What an instance declares when it registers. */
export interface InstanceRegistration {
  /** Default {@link newInstanceId}. */
  readonly instanceId?: string;
  /** Runs it may have started at once. Default 4. */
  readonly runSlots?: number;
  /** Step attempts its workers run at once (informational, for dashboards and autoscalers). */
  readonly workerSlots?: number;
  readonly runtimeVersion?: string;
  /** e.g. Kubernetes namespace, pod and node names. */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

/**
 * A fresh instance id `{host}:{pid}:{random}`.
 *
 * @example
 * ```ts
 * newInstanceId(); // "worker-7f9c:4121:a1b2c3"
 * ```
 */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

function notFound(instanceId: string): OrdoError {
  return new OrdoError("INSTANCE_NOT_FOUND", `No runtime instance '${instanceId}' is registered.`, {
    details: { instanceId },
  });
}

/** The registry API. Create it with `createControlPlane` (field `instances`). */
export class InstanceRegistry {
  constructor(
    private readonly store: HotStore,
    private readonly keys: ControlKeys,
    /** Heartbeat age after which an instance is stale, ms. */
    readonly staleAfterMs: number,
  ) {}

  /**
   * Registers (or reactivates a stopped or stale) instance; returns its record.
   *
   * @example
   * ```ts
   * const me = await controlPlane.instances.register({ runSlots: 8, workerSlots: 32 });
   * ```
   */
  async register(registration: InstanceRegistration = {}): Promise<InstanceRecord> {
    const instanceId = registration.instanceId ?? newInstanceId();
    await registerInstanceScript(this.store, this.keys, {
      instanceId,
      host: hostname(),
      pid: process.pid,
      runSlots: registration.runSlots ?? 4,
      workerSlots: registration.workerSlots ?? 0,
      runtimeVersion: registration.runtimeVersion ?? "",
      metadataJson:
        registration.metadata === undefined ? "" : JSON.stringify(registration.metadata),
    });
    return this.require(instanceId);
  }

  /**
   * Records a heartbeat. Returns the status after it (a stale instance is ready again), or
   * undefined when the instance is unknown or stopped (it must register again).
   */
  async heartbeat(
    instanceId: string,
    load: { inFlightSteps?: number; workerSlots?: number } = {},
  ): Promise<string | undefined> {
    const status = await heartbeatInstanceScript(this.store, this.keys, {
      instanceId,
      inFlightSteps: load.inFlightSteps ?? 0,
      ...(load.workerSlots === undefined ? {} : { workerSlots: load.workerSlots }),
    });
    return status === "not-found" || status === "stopped" ? undefined : status;
  }

  /** One instance, or undefined. */
  async get(instanceId: string): Promise<InstanceRecord | undefined> {
    const [found] = await readInstancesScript(this.store, this.keys, {
      includeStopped: true,
      ids: [instanceId],
      staleAfterMs: this.staleAfterMs,
    });
    return found;
  }

  private async require(instanceId: string): Promise<InstanceRecord> {
    const found = await this.get(instanceId);
    if (found === undefined) throw notFound(instanceId);
    return found;
  }

  /** Instances ordered by id; stopped ones only with `includeStopped`. */
  async list(options: { includeStopped?: boolean } = {}): Promise<InstanceRecord[]> {
    const all = await readInstancesScript(this.store, this.keys, {
      includeStopped: options.includeStopped ?? false,
      staleAfterMs: this.staleAfterMs,
    });
    return all.filter((i): i is InstanceRecord => i !== undefined);
  }

  /** No new runs for this instance; started runs finish. Throws `INSTANCE_NOT_FOUND`. */
  async drain(instanceId: string, reason = "drain requested"): Promise<InstanceRecord> {
    await updateInstanceScript(this.store, this.keys, { action: "drain", instanceId, reason });
    return this.require(instanceId);
  }

  /** Ends a drain (ready again). Throws `INSTANCE_NOT_FOUND`, `WRONG_STATE` when stopped. */
  async undrain(instanceId: string, reason = "drain ended"): Promise<InstanceRecord> {
    await updateInstanceScript(this.store, this.keys, { action: "undrain", instanceId, reason });
    return this.require(instanceId);
  }

  /** Marks it stopped (kept, hidden by default) and requeues its claimed runs. */
  async unregister(instanceId: string, reason = "unregistered"): Promise<InstanceRecord> {
    await updateInstanceScript(this.store, this.keys, { action: "stop", instanceId, reason });
    return this.require(instanceId);
  }

  /**
   * Marks instances with a late heartbeat stale and requeues their claimed runs (and every
   * expired claim). Idempotent; any process may run it. Returns the ids it marked stale.
   */
  sweep(staleAfterMs = this.staleAfterMs): Promise<string[]> {
    return sweepInstancesScript(this.store, this.keys, {
      staleAfterMs,
      reason: `no heartbeat for ${staleAfterMs} ms`,
    });
  }
}
