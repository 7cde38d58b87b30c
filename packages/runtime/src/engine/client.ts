/**
 * The client: starts executions, reads their state, waits for results, follows their ledger and
 * cancels them. It never runs steps; workers do.
 */
import { randomUUID } from "node:crypto";
import { type JsonValue, OrdoError, type PipelineIR, POLICY_DEFAULTS } from "@ordo/core";
import { type Connection, openHotStore } from "../hot/connection.js";
import type { HotStore } from "../hot/hot-store.js";
import { DEFAULT_PARTITIONS, DEFAULT_PREFIX, EXECUTION_ID_PATTERN, Keyspace } from "../hot/keys.js";
import { cancelExecution, createExecution, setFingerprint } from "../hot/scripts.js";
import { expiresAtFor, retentionPolicyFor } from "../retention/policy.js";
import { type PreparedDefinition, prepareDefinition } from "./definition.js";
import { DefinitionCache } from "./definition-cache.js";
import type { ClientDurableOptions } from "./durable-options.js";
import {
  type ControlOptions,
  type PauseResult,
  pause,
  resume,
  type SubmitInputOptions,
  submit,
} from "./execution-control.js";
import { FinishWatcher } from "./finish-watcher.js";
import { type ExecutionHandle, ExecutionHandleImpl, type ExecutionState } from "./handle.js";
import { InputValidators } from "./input-schema.js";
import { externalizeJson, PayloadResolver } from "./payloads.js";
import { createMany, type StartManyOptions } from "./start-many.js";
import { fingerprintOf, readExecution, readExecutionHead } from "./state.js";

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Hot state (see {@link Connection}); default: the process-wide embedded engine. */
  readonly connection?: Connection;
  /** Key prefix; must match the workers'. Default `ordo`. */
  readonly prefix?: string;
  /** Partition count; must match the workers'. Default 16. */
  readonly partitions?: number;
  /**
   * The durable store workers externalize payloads to. With it, `status()` and `result()` return
   * externalized outputs as values (fetched and cached); without it they return the reference
   * objects `{ $payload: "sha256:…", size }`. Large inputs are externalized too.
   */
  readonly durable?: ClientDurableOptions;
}

/** A compiled IR, or anything with `compile(): PipelineIR` (the sdk builder). */
export type PipelineSource = PipelineIR | { compile(): PipelineIR };

/** Options of {@link Client.start}. */
export interface StartOptions {
  /** Execution id (`[A-Za-z0-9_.:-]{1,128}`); default a random UUID. */
  readonly executionId?: string;
}

/** The client API. */
export interface Client {
  /** Validates `input` against the pipeline's input schema, creates the execution, returns a handle. */
  start<TOutput = Record<string, JsonValue>>(
    pipeline: PipelineSource,
    input: JsonValue,
    options?: StartOptions,
  ): Promise<ExecutionHandle<TOutput>>;
  /**
   * Starts one execution per input in about one Redis round trip per partition (and per 500
   * executions of a partition), instead of one per execution; resolves to handles in input order.
   * Each execution is exactly what `start` would create (same hot state, same `execution.created`).
   *
   * Every input is validated first: a bad one throws `INPUT_INVALID` (or `PAYLOAD_TOO_LARGE`) with
   * `details.index` and nothing is created; so do bad or duplicate `executionIds` (`USAGE`).
   * Atomicity is per partition call: if one fails (an id exists: `EXECUTION_EXISTS`; the
   * connection drops: retryable `SCRIPT_ERROR`), the other calls may have succeeded, and the error's
   * `details.created` lists the execution ids known to exist. A call whose reply was lost may have
   * run too: retry with explicit `executionIds` so such an execution reports `EXECUTION_EXISTS`
   * instead of starting twice.
   *
   * @example
   * ```ts
   * const runs = await client.startMany(answerPipeline, [{ question: "a?" }, { question: "b?" }]);
   * const answers = await Promise.all(runs.map((run) => run.result()));
   * ```
   */
  startMany<TOutput = Record<string, JsonValue>>(
    pipeline: PipelineSource,
    inputs: readonly JsonValue[],
    options?: StartManyOptions,
  ): Promise<ExecutionHandle<TOutput>[]>;
  /** A handle for an existing execution (started by any client). */
  handle<TOutput = Record<string, JsonValue>>(executionId: string): ExecutionHandle<TOutput>;
  /** Current state; throws `EXECUTION_NOT_FOUND` for an unknown id. */
  status(executionId: string): Promise<ExecutionState>;
  /** Requests cancellation; throws `EXECUTION_NOT_FOUND` or `WRONG_STATE` (already terminal). */
  cancel(executionId: string, reason?: string): Promise<void>;
  /**
   * Pauses: nothing new is claimed, running steps finish (`pausing`, then `paused`). Idempotent.
   * Throws `EXECUTION_NOT_FOUND`, or `WRONG_STATE` when terminal or being cancelled.
   *
   * @example
   * ```ts
   * const { state } = await client.pause(run.executionId, { reason: "provider incident" });
   * ```
   */
  pause(executionId: string, options?: ControlOptions): Promise<PauseResult>;
  /**
   * Resumes a paused execution; resolves to the number of steps made ready again. Throws
   * `WRONG_STATE` when it is not paused (e.g. running) or is terminal.
   *
   * @example
   * ```ts
   * await client.resume(run.executionId);
   * ```
   */
  resume(executionId: string, options?: ControlOptions): Promise<number>;
  /**
   * Answers a waiting human-input step, once. Throws `INPUT_INVALID` (does not match the step's
   * response schema), `INPUT_NOT_AWAITED` (the step is not waiting: not reached yet, answered,
   * timed out, cancelled, or not a human-input step), `STEP_NOT_FOUND`, `EXECUTION_NOT_FOUND`.
   *
   * @example
   * ```ts
   * await client.submitInput(run.executionId, "approve", { approved: true }, { respondedBy: "ana" });
   * ```
   */
  submitInput(
    executionId: string,
    stepId: string,
    value: JsonValue,
    options?: SubmitInputOptions,
  ): Promise<void>;
  /** Closes the connection if the client opened it. */
  close(): Promise<void>;
}

/** Internal surface handles use. */
export interface ClientInternals {
  readonly store: HotStore;
  readonly keyspace: Keyspace;
  readonly watcher: FinishWatcher;
  definitionOf(executionId: string): Promise<PreparedDefinition>;
  status(executionId: string): Promise<ExecutionState>;
  cancel(executionId: string, reason?: string): Promise<void>;
}

function isCompilable(value: PipelineSource): value is { compile(): PipelineIR } {
  return typeof (value as { compile?: unknown }).compile === "function";
}

class ClientImpl implements Client, ClientInternals {
  readonly store: HotStore;
  readonly keyspace: Keyspace;
  readonly watcher: FinishWatcher;
  private readonly defs = new DefinitionCache();
  private readonly prepared = new WeakMap<object, PreparedDefinition>();
  private readonly inputs = new InputValidators();
  /** `${partition}:${fingerprint}` known to be stored, so create can skip sending it. */
  private readonly storedDefs = new Set<string>();
  private readonly durable: ClientDurableOptions | undefined;
  private readonly resolver: PayloadResolver | undefined;

  constructor(options: ClientOptions) {
    this.durable = options.durable;
    this.resolver = options.durable && new PayloadResolver(options.durable.store);
    this.store = openHotStore(options.connection);
    this.keyspace = new Keyspace(
      options.prefix ?? DEFAULT_PREFIX,
      options.partitions ?? DEFAULT_PARTITIONS,
    );
    this.watcher = new FinishWatcher(this.store, this.keyspace);
  }

  private prepare(source: PipelineSource): PreparedDefinition {
    const cached = this.prepared.get(source);
    if (cached) return cached;
    const def = prepareDefinition(isCompilable(source) ? source.compile() : source);
    this.prepared.set(source, def);
    this.defs.add(def);
    return def;
  }

  async start<TOutput>(
    pipeline: PipelineSource,
    input: JsonValue,
    options: StartOptions = {},
  ): Promise<ExecutionHandle<TOutput>> {
    const def = this.prepare(pipeline);
    this.inputs.check(def, input);
    const executionId = options.executionId ?? randomUUID();
    if (!EXECUTION_ID_PATTERN.test(executionId)) {
      throw new OrdoError(
        "USAGE",
        `Execution id '${executionId}' must match ${EXECUTION_ID_PATTERN}.`,
      );
    }
    const keys = this.keyspace.of(executionId);
    const known = `${keys.partition}:${def.fingerprint}`;
    const expiresAt = expiresAtFor(
      retentionPolicyFor(this.durable?.retention, def.ir.name, def.ir.policies?.retention),
      Date.now(),
    );
    const inputJson = await externalizeJson(
      this.durable?.store,
      JSON.stringify(input),
      {
        inlineMaxBytes: this.durable?.inlineMaxBytes ?? POLICY_DEFAULTS.inlineMaxBytes,
        maxPayloadBytes: this.durable?.maxPayloadBytes ?? POLICY_DEFAULTS.maxPayloadBytes,
        executionId,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      },
      `input of execution ${executionId}`,
    );
    const args = {
      executionId,
      fingerprint: def.fingerprint,
      inputJson,
      pipelineName: def.ir.name,
    };
    let result = await createExecution(
      this.store,
      keys,
      this.storedDefs.has(known) ? args : { ...args, definition: def },
    );
    if (!result.created) {
      result = await createExecution(this.store, keys, { ...args, definition: def });
    }
    this.storedDefs.add(known);
    return new ExecutionHandleImpl<TOutput>(this, executionId);
  }

  async startMany<TOutput>(
    pipeline: PipelineSource,
    inputs: readonly JsonValue[],
    options: StartManyOptions = {},
  ): Promise<ExecutionHandle<TOutput>[]> {
    const def = this.prepare(pipeline);
    const context = {
      store: this.store,
      keyspace: this.keyspace,
      inputs: this.inputs,
      storedDefs: this.storedDefs,
      durable: this.durable,
    };
    const ids = await createMany(context, def, inputs, options);
    return ids.map((id) => new ExecutionHandleImpl<TOutput>(this, id));
  }

  handle<TOutput>(executionId: string): ExecutionHandle<TOutput> {
    return new ExecutionHandleImpl<TOutput>(this, executionId);
  }

  async definitionOf(executionId: string): Promise<PreparedDefinition> {
    const keys = this.keyspace.of(executionId);
    const head = await readExecutionHead(this.store, keys, executionId);
    if (head === null) throw notFound(executionId);
    return this.defs.get(this.store, keys, head.definition);
  }

  async status(executionId: string): Promise<ExecutionState> {
    const keys = this.keyspace.of(executionId);
    const def = await this.definitionOf(executionId);
    const snap = await readExecution(this.store, keys, executionId, def);
    if (snap === null) throw notFound(executionId);
    let fingerprint = snap.fingerprint;
    if (fingerprint === undefined && snap.status !== "running") {
      // The finalizing worker died before storing it: any reader computes the same value.
      fingerprint = await setFingerprint(this.store, keys, {
        executionId,
        fingerprint: fingerprintOf(snap),
      });
    }
    const steps: Record<string, ExecutionState["steps"][string]> = {};
    for (const [id, s] of snap.steps) {
      steps[id] = {
        status: s.status,
        attempt: s.attempt,
        recoveries: s.recoveries,
        ...(s.outputJson === undefined ? {} : { output: await this.rehydrate(s.outputJson) }),
        ...(s.errorJson === undefined ? {} : { error: JSON.parse(s.errorJson) as JsonValue }),
      };
    }
    return {
      executionId,
      status: snap.status,
      pipeline: snap.pipelineName,
      definitionFingerprint: snap.definition,
      startedAt: snap.startedAt,
      ...(snap.finishedAt === undefined ? {} : { finishedAt: snap.finishedAt }),
      cancelRequested: snap.cancelRequested,
      ...(snap.pauseRequested && snap.status === "running"
        ? { control: snap.running > 0 ? ("pausing" as const) : ("paused" as const) }
        : {}),
      ...(fingerprint === undefined ? {} : { fingerprint }),
      input: await this.rehydrate(snap.inputJson),
      steps,
    };
  }

  /** Parses hot JSON; a payload reference becomes its value when this client has the store. */
  private rehydrate(json: string): Promise<JsonValue> | JsonValue {
    const value = JSON.parse(json) as JsonValue;
    return this.resolver === undefined ? value : this.resolver.resolve(value);
  }

  async cancel(executionId: string, reason = "cancelled by client"): Promise<void> {
    await cancelExecution(this.store, this.keyspace.of(executionId), { executionId, reason });
  }

  pause(executionId: string, options?: ControlOptions): Promise<PauseResult> {
    return pause(this, executionId, options);
  }

  resume(executionId: string, options?: ControlOptions): Promise<number> {
    return resume(this, executionId, options);
  }

  submitInput(
    executionId: string,
    stepId: string,
    value: JsonValue,
    options?: SubmitInputOptions,
  ): Promise<void> {
    return submit(this, executionId, stepId, value, options);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

function notFound(executionId: string): OrdoError {
  return new OrdoError("EXECUTION_NOT_FOUND", `No execution '${executionId}' in hot state.`, {
    details: { executionId },
  });
}

/**
 * Creates a client.
 *
 * @example
 * ```ts
 * import { createClient } from "@ordo/runtime";
 * import { answerPipeline } from "./pipeline.js";
 *
 * const client = createClient({ connection: "redis://localhost:6379" });
 * const run = await client.start(answerPipeline, { question: "What is Ordo?" });
 * console.log(await run.result()); // the pipeline's output mapping
 * ```
 */
export function createClient(options: ClientOptions = {}): Client {
  return new ClientImpl(options);
}
