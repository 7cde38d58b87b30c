/**
 * `createControlPlane`: one facade over the run queue, the runtime instance registry, admission,
 * scale-out requests and execution control. Everything it knows lives in Redis (or the embedded
 * engine), so any number of processes can hold a control plane over the same deployment.
 */
import { type JsonValue, OrdoError } from "@ordo/core";
import type { DurableStore } from "../durable/types.js";
import { type Client, createClient } from "../engine/client.js";
import { type Connection, openHotStore } from "../hot/connection.js";
import type { HotStore } from "../hot/hot-store.js";
import { DEFAULT_PARTITIONS, DEFAULT_PREFIX, Keyspace } from "../hot/keys.js";
import { AdmissionPolicies } from "../throttle/admission-policy.js";
import {
  type AdmissionDecision,
  type AdmissionOptions,
  type AdmissionRequest,
  decideAdmission,
} from "./admission.js";
import { Dispatcher } from "./dispatcher.js";
import { type FollowedEvent, type FollowOptions, followExecution } from "./events.js";
import {
  type RuntimeInstance,
  type RuntimeInstanceOptions,
  startRuntimeInstance,
} from "./instance.js";
import { type ControlKeys, controlKeys } from "./keys.js";
import { RunQueue, type RunRequest } from "./queue.js";
import { InstanceRegistry } from "./registry.js";
import { type ReplayControl, replayControl } from "./replay.js";
import {
  readScaleRequests,
  type ScaleRequest,
  type ScalingMetrics,
  scalingMetrics,
} from "./scaling.js";

/** Options of {@link createControlPlane}. */
export interface ControlPlaneOptions {
  /** Hot state; must be the deployment's (default: the process-wide embedded engine). */
  readonly connection?: Connection;
  /** Client used to start, inspect and cancel executions; default one on `connection`. */
  readonly client?: Client;
  /** Key prefix, as the client's and workers' [ordo]. */
  readonly prefix?: string;
  /** Partition count, as the client's and workers' [16]. */
  readonly partitions?: number;
  /** Heartbeat age after which an instance is stale, ms [15 000]. */
  readonly staleAfterMs?: number;
  /** Claim deadline of a dispatcher between claim and start, ms [30 000]. */
  readonly claimTtlMs?: number;
  /** How long an admission hold for one instance lasts, ms [5 000]. */
  readonly targetHoldMs?: number;
  readonly admission?: AdmissionOptions;
  /** Durable store the ledger is shipped to; enables `replay` (audit, restore, rerun). */
  readonly durable?: DurableStore;
}

/** Result of {@link ControlPlane.submit}. */
export interface SubmitResult {
  readonly runId: string;
  readonly executionId: string;
  readonly decision: AdmissionDecision;
}

/**
 * Execution control through the client: the client's own control methods (same signatures and
 * error codes, see {@link Client}), plus following and awaiting an execution by id.
 */
export interface ExecutionControl
  extends Pick<Client, "status" | "cancel" | "pause" | "resume" | "submitInput"> {
  /**
   * Ledger events in seq order (ends after the terminal event unless `untilFinished: false`, or
   * when `signal` aborts); with `progress: true` also the steps' progress events, merged in the
   * order they happened. Throws `EXECUTION_NOT_FOUND`.
   */
  events<O extends FollowOptions = Record<never, never>>(
    executionId: string,
    options?: O,
  ): AsyncIterableIterator<FollowedEvent<O>>;
  /** The output mapping once completed (rejects `STEP_FAILED` / `CANCELLED`). */
  result(executionId: string, options?: { timeoutMs?: number }): Promise<JsonValue>;
}

/** The control-plane facade. */
export interface ControlPlane {
  readonly queue: RunQueue;
  readonly instances: InstanceRegistry;
  readonly executions: ExecutionControl;
  /** Audit, restore, rerun, diff and durable ledger (needs the `durable` option). */
  readonly replay: ReplayControl;
  /**
   * The deployment-wide step admission policy (`get`, `set`, `clear`): which providers, models
   * and operations steps may use right now. Workers apply a change within their cache time
   * (default 1 s); refused steps wait (ledger `policy.denied`) and run once it is cleared. Not
   * to be confused with {@link ControlPlane.admit} (which instance takes a queued run).
   *
   * @example
   * ```ts
   * await control.admissionPolicy.set(
   *   { blockedProviders: ["openai"], reason: "outage", retryAfterMs: 5000 },
   *   { requestedBy: "oncall" },
   * );
   * await control.admissionPolicy.clear();
   * ```
   */
  readonly admissionPolicy: AdmissionPolicies;
  /**
   * Admission, then enqueue: returns the run and the decision. Throws `ADMISSION_REJECTED`
   * (details: decision) when admission rejects; nothing is queued then.
   */
  submit(request: RunRequest): Promise<SubmitResult>;
  /** The admission decision a request would get now (nothing is queued). */
  admit(request?: AdmissionRequest): Promise<AdmissionDecision>;
  /** Scale-out requests published for autoscalers (stream ids ascending). */
  scaleRequests(options?: { after?: string; count?: number }): Promise<ScaleRequest[]>;
  /** Queue depth and capacity figures an autoscaler scales on. */
  scaling(): Promise<ScalingMetrics>;
  /** Registers this process as a runtime instance and starts dispatching queued runs. */
  startInstance(options?: RuntimeInstanceOptions): Promise<RuntimeInstance>;
  /** Closes connections the control plane opened (not a client you passed). */
  close(): Promise<void>;
}

/**
 * Creates a control plane.
 *
 * @example
 * ```ts
 * import { createControlPlane, createWorker } from "@ordo/runtime";
 *
 * const connection = "redis://localhost:6379";
 * const worker = createWorker({ connection, plugins });
 * const control = createControlPlane({ connection });
 * const instance = await control.startInstance({ runSlots: 4 });
 * const { runId, decision } = await control.submit({ pipeline, input: { q: "hi" }, priority: 5 });
 * console.log(decision.kind, (await control.queue.get(runId))?.status);
 * ```
 */
export function createControlPlane(options: ControlPlaneOptions = {}): ControlPlane {
  const p = openParts(options);
  return {
    queue: p.queue,
    instances: p.instances,
    replay: replayControl({
      durable: options.durable,
      connection: options.connection,
      prefix: p.keyspace.prefix,
      partitions: p.keyspace.partitions,
    }),
    executions: executionControl(p),
    admissionPolicy: new AdmissionPolicies(p.store, p.keyspace.prefix),
    admit: (request) => admitWith(p, request),
    submit: (request) => submitWith(p, request),
    scaleRequests: (o = {}) => readScaleRequests(p.store, p.keys, o),
    scaling: () => scalingMetrics(p.queue, p.instances),
    startInstance: (instanceOptions = {}) => startInstanceWith(p, instanceOptions),
    async close() {
      for (const instance of [...p.started]) await instance.close().catch(() => {});
      if (p.ownClient) await p.client.close();
      await p.store.close();
    },
  };
}

/** What the facade's methods share. */
interface Parts {
  readonly options: ControlPlaneOptions;
  readonly store: HotStore;
  readonly keys: ControlKeys;
  readonly keyspace: Keyspace;
  readonly client: Client;
  /** The client was created here (and is closed by `close()`). */
  readonly ownClient: boolean;
  readonly queue: RunQueue;
  readonly instances: InstanceRegistry;
  /** Instances started through this control plane and not closed yet. */
  readonly started: Set<RuntimeInstance>;
}

function openParts(options: ControlPlaneOptions): Parts {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const store = openHotStore(options.connection);
  const keys = controlKeys(prefix);
  const client =
    options.client ??
    createClient({
      ...(options.connection === undefined ? {} : { connection: options.connection }),
      prefix,
      ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
    });
  return {
    options,
    store,
    keys,
    keyspace: new Keyspace(prefix, options.partitions ?? DEFAULT_PARTITIONS),
    client,
    ownClient: options.client === undefined,
    queue: new RunQueue(store, keys, client, {
      claimTtlMs: options.claimTtlMs ?? 30_000,
      targetHoldMs: options.targetHoldMs ?? 5_000,
    }),
    instances: new InstanceRegistry(store, keys, options.staleAfterMs ?? 15_000),
    started: new Set(),
  };
}

function executionControl({ client, store, keyspace }: Parts): ExecutionControl {
  return {
    status: (id) => client.status(id),
    cancel: (id, reason) => client.cancel(id, reason),
    pause: (id, o) => client.pause(id, o),
    resume: (id, o) => client.resume(id, o),
    submitInput: (id, stepId, value, o) => client.submitInput(id, stepId, value, o),
    events: (id, eventOptions) => followExecution(store, keyspace, id, eventOptions),
    result: (id, resultOptions) => client.handle<JsonValue>(id).result(resultOptions),
  };
}

async function admitWith(p: Parts, request: AdmissionRequest = {}): Promise<AdmissionDecision> {
  const [list, stats] = await Promise.all([p.instances.list(), p.queue.stats()]);
  return decideAdmission(request, list, { queued: stats.queued }, p.options.admission ?? {});
}

async function submitWith(p: Parts, request: RunRequest): Promise<SubmitResult> {
  const wanted = request.instanceId === undefined ? {} : { instanceId: request.instanceId };
  const decision = await admitWith(p, wanted);
  if (decision.kind === "reject") {
    throw new OrdoError("ADMISSION_REJECTED", `Run rejected: ${decision.reason}.`, {
      retryable: true,
      details: { decision: { ...decision } },
    });
  }
  const maxQueued = p.options.admission?.maxQueuedRuns ?? 0;
  const run = await p.queue.enqueue(request, decision, maxQueued);
  return { runId: run.runId, executionId: run.executionId, decision };
}

async function startInstanceWith(p: Parts, o: RuntimeInstanceOptions): Promise<RuntimeInstance> {
  const makeDispatcher = (instanceId: string) =>
    new Dispatcher({
      store: p.store,
      keys: p.keys,
      queue: p.queue,
      client: p.client,
      instanceId,
      claimTtlMs: o.claimTtlMs ?? p.options.claimTtlMs ?? 30_000,
      idleWaitMs: o.idleWaitMs ?? 500,
      ...(o.onError === undefined ? {} : { onError: o.onError }),
    });
  const instance = await startRuntimeInstance(
    { registry: p.instances, queue: p.queue, makeDispatcher },
    o,
  );
  p.started.add(instance);
  return {
    ...instance,
    async close(closeOptions) {
      p.started.delete(instance);
      await instance.close(closeOptions);
    },
  };
}
