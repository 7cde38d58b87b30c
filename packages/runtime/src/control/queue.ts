/**
 * The shared run queue (RunId level): runs wait in Redis, ordered by priority then FIFO, until a
 * runtime instance's dispatcher claims and starts them. A run id is the caller's handle for the
 * request; the execution id (pre-assigned at enqueue, distinct) is the engine's. Every state
 * change is one Lua script (`lua/queue*.lua`) and one event in the control log.
 */
import { randomUUID } from "node:crypto";
import { type JsonValue, OrdoError, type PipelineIR } from "@ordo/core";
import type { Client, PipelineSource } from "../engine/client.js";
import { type PreparedDefinition, prepareDefinition } from "../engine/definition.js";
import { InputValidators } from "../engine/input-schema.js";
import type { HotStore } from "../hot/hot-store.js";
import { EXECUTION_ID_PATTERN } from "../hot/keys.js";
import type { AdmissionDecision } from "./admission.js";
import type { ControlKeys } from "./keys.js";
import type { QueueStats, RunRecord, RunStatus } from "./records.js";
import {
  cancelRunScript,
  enqueueRunScript,
  finishRunScript,
  listRunsScript,
  pauseQueueScript,
  purgeRunsScript,
  queueStatsScript,
  readRunsScript,
} from "./scripts.js";

/** A run request. */
export interface RunRequest {
  /** Compiled IR or an sdk builder. */
  readonly pipeline: PipelineSource;
  readonly input: JsonValue;
  /** -1000..1000, higher first; default 0. */
  readonly priority?: number;
  readonly tenant?: string;
  /** Run id (`[A-Za-z0-9_.:-]{1,128}`); default a random `run_<uuid>`. Duplicates are rejected. */
  readonly runId?: string;
  /** Execution id the run will start; default a random UUID. Must differ from the run id. */
  readonly executionId?: string;
  /** Preferred instance, for admission. */
  readonly instanceId?: string;
  /** Free-form JSON kept with the run. */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

/** Filters of {@link RunQueue.list} and {@link RunQueue.page}. */
export interface ListRunsOptions {
  readonly status?: RunStatus;
  readonly tenant?: string;
  /** Where to continue: the `next` of the previous {@link RunPage}. */
  readonly cursor?: string;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

/** One page of runs. */
export interface RunPage {
  readonly runs: readonly RunRecord[];
  /** Cursor of the next page; absent when there are no more runs. */
  readonly next?: string;
}

/** One control-log event (queue, run and instance transitions). */
export interface ControlEvent {
  /** Stream id. */
  readonly id: string;
  /** e.g. `run.queued`, `queue.paused`, `instance.stale`. */
  readonly type: string;
  /** Epoch ms by the Redis clock. */
  readonly at: number;
  readonly runId?: string;
  readonly instanceId?: string;
  readonly reason?: string;
  readonly data?: string;
}

/** Options of the queue (set through `createControlPlane`). */
export interface RunQueueOptions {
  /** How long a claimed run may wait for its start before others may claim it, ms [30 000]. */
  readonly claimTtlMs?: number;
  /** How long an admission hold for one instance lasts, ms [5 000]. */
  readonly targetHoldMs?: number;
}

const TERMINAL = new Set(["completed", "failed", "cancelled"]);
const DEFAULT_PLACEMENT: AdmissionDecision = { kind: "queue", reason: "enqueued directly" };

function isCompilable(value: PipelineSource): value is { compile(): PipelineIR } {
  return typeof (value as { compile?: unknown }).compile === "function";
}

function notFound(runId: string): OrdoError {
  return new OrdoError("RUN_NOT_FOUND", `No run '${runId}' in the queue.`, { details: { runId } });
}

/** The run queue API. Create it with `createControlPlane` (field `queue`). */
export class RunQueue {
  private readonly prepared = new WeakMap<object, PreparedDefinition>();
  /** Rejects bad input at enqueue (400 at the API) rather than when a dispatcher starts the run. */
  private readonly inputs = new InputValidators();
  private readonly storedDefs = new Set<string>();
  private reconcileCursor: string | undefined;

  constructor(
    private readonly store: HotStore,
    private readonly keys: ControlKeys,
    private readonly client: Client,
    readonly options: RunQueueOptions = {},
  ) {}

  private prepare(source: PipelineSource): PreparedDefinition {
    const cached = this.prepared.get(source);
    if (cached) return cached;
    const def = prepareDefinition(isCompilable(source) ? source.compile() : source);
    this.prepared.set(source, def);
    return def;
  }

  /**
   * Queues a run (accepted while the queue is paused or runs are executing). `placement` is the
   * admission decision to record (the facade's `submit` decides it); it must not be `reject`.
   * Throws `RUN_EXISTS` for a duplicate run id, `EXECUTION_EXISTS` for a reused execution id,
   * `QUEUE_FULL` past `maxQueued`, `INPUT_INVALID`, `USAGE` for malformed ids.
   *
   * @example
   * ```ts
   * const { runId, executionId } = await controlPlane.queue.enqueue({
   *   pipeline: answerPipeline,
   *   input: { question: "What is Ordo?" },
   *   priority: 10,
   * });
   * ```
   */
  async enqueue(
    request: RunRequest,
    placement: AdmissionDecision = DEFAULT_PLACEMENT,
    maxQueued = 0,
  ): Promise<{ runId: string; executionId: string; seq: number }> {
    const runId = request.runId ?? `run_${randomUUID()}`;
    const executionId = request.executionId ?? randomUUID();
    for (const [what, id] of [
      ["Run", runId],
      ["Execution", executionId],
    ] as const) {
      if (!EXECUTION_ID_PATTERN.test(id)) {
        throw new OrdoError("USAGE", `${what} id '${id}' must match ${EXECUTION_ID_PATTERN}.`);
      }
    }
    if (runId === executionId) {
      throw new OrdoError("USAGE", `Run id and execution id must differ ('${runId}').`);
    }
    const priority = request.priority ?? 0;
    if (!Number.isInteger(priority) || priority < -1000 || priority > 1000) {
      throw new OrdoError("USAGE", `Priority must be an integer in -1000..1000, got ${priority}.`);
    }
    const def = this.prepare(request.pipeline);
    this.inputs.check(def, request.input);
    const args = {
      runId,
      executionId,
      priority,
      tenant: request.tenant ?? "",
      pipeline: def.ir.name,
      fingerprint: def.fingerprint,
      irJson: this.storedDefs.has(def.fingerprint) ? "" : def.irJson,
      inputJson: JSON.stringify(request.input),
      targetInstanceId: placement.instanceId ?? "",
      targetHoldMs: this.options.targetHoldMs ?? 5_000,
      maxQueued,
      admissionKind: placement.kind,
      admissionReason: placement.reason,
      scaleOutTo: placement.kind === "scale-out" ? (placement.scaleOutTo ?? 1) : 0,
      metadataJson: request.metadata === undefined ? "" : JSON.stringify(request.metadata),
    };
    let seq = await enqueueRunScript(this.store, this.keys, args);
    if (seq === "need-definition") {
      seq = await enqueueRunScript(this.store, this.keys, { ...args, irJson: def.irJson });
    }
    this.storedDefs.add(def.fingerprint);
    return { runId, executionId, seq: seq as number };
  }

  /**
   * A run, or undefined. A `running` run whose execution has finished is brought up to date
   * first (any reader does it, so a run never stays `running` after its dispatcher died).
   */
  async get(runId: string): Promise<RunRecord | undefined> {
    const [run] = await readRunsScript(this.store, this.keys, [runId]);
    if (run?.status !== "running") return run;
    await this.reconcile([run]);
    return (await readRunsScript(this.store, this.keys, [runId]))[0];
  }

  /**
   * One page of runs, filtered by status and tenant. `queued`, `claimed` and `running` list in
   * the live order of that status (queued: the order they will be claimed); any other filter
   * lists every run oldest first. A page may hold fewer runs than `limit` and still have `next`
   * (each call scans a bounded window).
   */
  async page(options: ListRunsOptions = {}): Promise<RunPage> {
    const limit = Math.min(Math.max(1, options.limit ?? 100), 1000);
    const { runs, next } = await listRunsScript(this.store, this.keys, {
      status: options.status ?? "",
      tenant: options.tenant ?? "",
      cursor: options.cursor ?? "",
      limit,
      scanLimit: Math.max(limit * 10, 1000),
    });
    return next === "" ? { runs } : { runs, next };
  }

  /** Up to `limit` runs (default 100) matching the filters, following pages as needed. */
  async list(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    const limit = Math.min(Math.max(1, options.limit ?? 100), 1000);
    const out: RunRecord[] = [];
    let cursor = options.cursor;
    do {
      const page = await this.page({ ...options, limit: limit - out.length, cursor });
      out.push(...page.runs);
      cursor = page.next;
    } while (cursor !== undefined && out.length < limit);
    return out;
  }

  /**
   * Forgets terminal runs that finished at least `olderThanMs` ago (oldest first, at most `max`
   * per call; call again while it returns `max`). Returns how many it deleted.
   *
   * @example
   * ```ts
   * await controlPlane.queue.purge({ olderThanMs: 7 * 24 * 3600_000 }); // keep one week
   * ```
   */
  async purge(options: { olderThanMs: number; max?: number }): Promise<number> {
    const max = options.max ?? 1000;
    const { deleted } = await purgeRunsScript(this.store, this.keys, {
      olderThanMs: options.olderThanMs,
      max,
      scanLimit: max * 10,
    });
    return deleted;
  }

  /**
   * Cancels a run. Queued or claimed: cancelled at once, never starts. Running: the cancel is
   * forwarded to its execution (`client.cancel`); the run ends `cancelled` with it. Terminal: no
   * change. Throws `RUN_NOT_FOUND`. `requestedBy` is recorded with the event. Returns the run as
   * it is after the call.
   *
   * @example
   * ```ts
   * const run = await controlPlane.queue.cancel("run_42", "customer withdrew the request");
   * ```
   */
  async cancel(runId: string, reason = "cancelled", requestedBy = ""): Promise<RunRecord> {
    const outcome = await cancelRunScript(this.store, this.keys, { runId, reason, requestedBy });
    if (outcome.kind === "running") {
      try {
        await this.client.cancel(outcome.executionId, reason);
      } catch (error) {
        // Already terminal (or not created yet): reconcile below records the real outcome.
        const code = (error as { code?: string }).code;
        if (code !== "WRONG_STATE" && code !== "EXECUTION_NOT_FOUND") throw error;
      }
    }
    const run = await this.get(runId);
    if (run === undefined) throw notFound(runId);
    return run;
  }

  /** Stops claims (started runs go on; enqueue still accepted). True when it changed the state. */
  pause(reason = "", requestedBy = ""): Promise<boolean> {
    return pauseQueueScript(this.store, this.keys, { paused: true, reason, requestedBy });
  }

  /** Restarts claims. True when it changed the state. */
  resume(reason = "", requestedBy = ""): Promise<boolean> {
    return pauseQueueScript(this.store, this.keys, { paused: false, reason, requestedBy });
  }

  /** Queue counters and the paused flag. */
  stats(): Promise<QueueStats> {
    return queueStatsScript(this.store, this.keys);
  }

  /** Control-log events after stream id `after` (exclusive; default from the start). */
  async events(options: { after?: string; count?: number } = {}): Promise<ControlEvent[]> {
    const start = options.after === undefined ? "-" : `(${options.after}`;
    const page = await this.store.xrange(this.keys.byName.log, start, "+", options.count ?? 100);
    return page.map(([id, flat]) => {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
      const optional = { runId: f.get("run"), instanceId: f.get("i"), reason: f.get("r") };
      return {
        id,
        type: f.get("t") ?? "unknown",
        at: Number(f.get("at") ?? 0),
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
        ...(f.has("d") ? { data: f.get("d")! } : {}),
      };
    });
  }

  /** The IR stored for a definition fingerprint (what dispatchers start). */
  async definition(fingerprint: string): Promise<PipelineIR> {
    const json = await this.store.hget(this.keys.byName.defs, fingerprint);
    if (json === null) {
      throw new OrdoError("SCRIPT_ERROR", `Definition ${fingerprint} is missing from the queue.`);
    }
    return JSON.parse(json) as PipelineIR;
  }

  /**
   * Records the terminal status of running runs whose executions finished. Pass runs to check,
   * or none to check the next window of `limit` running runs (successive calls walk them all).
   * Returns how many runs it finished.
   */
  async reconcile(runs?: readonly RunRecord[], limit = 200): Promise<number> {
    let list = runs;
    if (list === undefined) {
      // Walk the running runs a window at a time, so a long list is covered over several calls.
      const page = await this.page({ status: "running", limit, cursor: this.reconcileCursor });
      this.reconcileCursor = page.next;
      list = page.runs;
    }
    let finished = 0;
    for (const run of list) {
      if (run.status === "running" && (await this.settle(run.runId, run.executionId))) finished++;
    }
    return finished;
  }

  /**
   * Records the run's terminal status if its execution finished; true when this call did it.
   * An execution missing from hot state while its run is `running` (evicted) ends the run as
   * `failed` with reason `execution not found`.
   */
  async settle(runId: string, executionId: string): Promise<boolean> {
    let status: string;
    let reason: string;
    try {
      status = (await this.client.status(executionId)).status;
      reason = `execution ${status}`;
    } catch (error) {
      if ((error as { code?: string }).code !== "EXECUTION_NOT_FOUND") throw error;
      status = "failed";
      reason = "execution not found";
    }
    if (!TERMINAL.has(status)) return false;
    const done = await finishRunScript(this.store, this.keys, {
      runId,
      status: status as RunStatus,
      reason,
    });
    return done !== "stale" && done.changed;
  }
}
