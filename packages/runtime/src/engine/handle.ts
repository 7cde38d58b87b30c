/**
 * A handle on one execution: wait for its result, read its state, follow its ledger, cancel it.
 */
import { type JsonValue, OrdoError, resolveValue, type ValueExpr } from "@ordo/core";
import { type FollowedEvent, type FollowOptions, followExecution } from "../control/events.js";
import type { ClientInternals } from "./client.js";
import { type ExecutionStatus, readExecutionHead, type StepStatus } from "./state.js";

/** State of one step as the client reports it. */
export interface StepState {
  readonly status: StepStatus;
  /** 1-based attempt (retries). */
  readonly attempt: number;
  /** Expired leases recovered (crashed or stalled workers); not counted as attempts. */
  readonly recoveries: number;
  readonly output?: JsonValue;
  /** Last error: `{ code, message, retryable, ... }`. */
  readonly error?: JsonValue;
}

/** State of an execution. */
export interface ExecutionState {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly pipeline: string;
  readonly definitionFingerprint: string;
  /** Epoch ms (Redis clock). */
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly cancelRequested: boolean;
  /**
   * Set while a pause is in force: `pausing` while running steps finish, `paused` once none runs
   * (`status` stays `running`: the execution is not finished).
   */
  readonly control?: "pausing" | "paused";
  /** Execution fingerprint, once terminal (see docs/concepts/state-model.md). */
  readonly fingerprint?: string;
  readonly input: JsonValue;
  readonly steps: Readonly<Record<string, StepState>>;
}

/** Options of {@link ExecutionHandle.result}. */
export interface ResultOptions {
  /** Reject with `WRONG_STATE` after this many ms. Default: wait forever. */
  readonly timeoutMs?: number;
}

/**
 * Options of {@link ExecutionHandle.events}: those of the shared follow loop (`untilFinished`
 * [true], `pollMs` [20 here], `afterSeq`, `signal`, `progress` [false]).
 */
export type EventsOptions = FollowOptions;

/** A started (or looked-up) execution. */
export interface ExecutionHandle<TOutput = Record<string, JsonValue>> {
  readonly executionId: string;
  /**
   * Resolves with the pipeline output mapping once completed; rejects with `OrdoError`
   * `STEP_FAILED` (details: failed steps and errors) or `CANCELLED`.
   */
  result(options?: ResultOptions): Promise<TOutput>;
  status(): Promise<ExecutionState>;
  /**
   * Ledger events of this execution in seq order (async iterator, polls hot state). With
   * `progress: true`, the steps' progress events (`ctx.emit`, e.g. `llm.delta`) are merged in the
   * order they happened and every event carries `kind: "ledger" | "progress"`.
   *
   * @example
   * ```ts
   * let text = "";
   * for await (const e of run.events({ progress: true })) {
   *   if (e.kind === "progress" && e.type === "llm.delta") text += (e.data as { text: string }).text;
   * }
   * ```
   */
  events<O extends EventsOptions = Record<never, never>>(
    options?: O,
  ): AsyncIterableIterator<FollowedEvent<O>>;
  cancel(reason?: string): Promise<void>;
}

/** @internal */
export class ExecutionHandleImpl<TOutput> implements ExecutionHandle<TOutput> {
  readonly executionId: string;
  private readonly client: ClientInternals;

  constructor(client: ClientInternals, executionId: string) {
    this.client = client;
    this.executionId = executionId;
  }

  async result(options: ResultOptions = {}): Promise<TOutput> {
    const keys = this.client.keyspace.of(this.executionId);
    const head = await readExecutionHead(this.client.store, keys, this.executionId);
    if (head === null) {
      throw new OrdoError("EXECUTION_NOT_FOUND", `No execution '${this.executionId}'.`, {
        details: { executionId: this.executionId },
      });
    }
    if (head.status === "running") {
      const finished = this.client.watcher.wait(this.executionId);
      if (options.timeoutMs === undefined) await finished;
      else {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
        });
        const outcome = await Promise.race([finished, timedOut]);
        clearTimeout(timer);
        if (outcome === "timeout") {
          this.client.watcher.forget(this.executionId);
          throw new OrdoError("WRONG_STATE", `Execution '${this.executionId}' is still running.`, {
            retryable: true,
            details: { executionId: this.executionId },
          });
        }
      }
    }
    const state = await this.client.status(this.executionId);
    if (state.status === "cancelled") {
      throw new OrdoError("CANCELLED", `Execution '${this.executionId}' was cancelled.`, {
        details: { executionId: this.executionId },
      });
    }
    if (state.status === "failed") {
      const failed = Object.entries(state.steps)
        .filter(([, s]) => s.status === "failed")
        .map(([stepId, s]) => ({ stepId, error: s.error ?? null }));
      const first = failed[0];
      throw new OrdoError(
        "STEP_FAILED",
        `Execution '${this.executionId}' failed` +
          (first ? ` at step '${first.stepId}': ${JSON.stringify(first.error)}` : "."),
        { details: { executionId: this.executionId, failed } },
      );
    }
    const def = await this.client.definitionOf(this.executionId);
    const outputs: Record<string, JsonValue> = {};
    for (const [id, s] of Object.entries(state.steps)) {
      if (s.output !== undefined) outputs[id] = s.output;
    }
    return resolveValue((def.ir.output ?? {}) as ValueExpr, {
      input: state.input,
      steps: outputs,
    }) as TOutput;
  }

  status(): Promise<ExecutionState> {
    return this.client.status(this.executionId);
  }

  cancel(reason?: string): Promise<void> {
    return this.client.cancel(this.executionId, reason);
  }

  events<O extends EventsOptions = Record<never, never>>(
    options?: O,
  ): AsyncIterableIterator<FollowedEvent<O>> {
    const { store, keyspace } = this.client;
    return followExecution(store, keyspace, this.executionId, {
      ...options,
      pollMs: options?.pollMs ?? 20,
    }) as AsyncIterableIterator<FollowedEvent<O>>;
  }
}
