/**
 * A handle on one execution: wait for its result, read its state, follow its ledger, cancel it.
 */
import { type JsonValue, OrdoError, resolveValue, type ValueExpr } from "@ordo/core";
import type { ClientInternals } from "./client.js";
import { decodeLedgerEntry, type HotLedgerEvent } from "./ledger.js";
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

/** Options of {@link ExecutionHandle.events}. */
export interface EventsOptions {
  /** Stop after the terminal event (default true). */
  readonly untilFinished?: boolean;
  /** Poll interval while caught up, ms. Default 20. */
  readonly pollMs?: number;
}

/** A started (or looked-up) execution. */
export interface ExecutionHandle<TOutput = Record<string, JsonValue>> {
  readonly executionId: string;
  /**
   * Resolves with the pipeline output mapping once completed; rejects with `OrdoError`
   * `STEP_FAILED` (details: failed steps and errors) or `CANCELLED`.
   */
  result(options?: ResultOptions): Promise<TOutput>;
  status(): Promise<ExecutionState>;
  /** Ledger events of this execution in seq order (async iterator, polls hot state). */
  events(options?: EventsOptions): AsyncIterableIterator<HotLedgerEvent>;
  cancel(reason?: string): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stream id right after `id` (XRANGE start is inclusive). */
function nextStreamId(id: string): string {
  const [ms, seq] = id.split("-");
  return `${ms}-${Number(seq) + 1}`;
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

  async *events(options: EventsOptions = {}): AsyncIterableIterator<HotLedgerEvent> {
    const { store, keyspace } = this.client;
    const keys = keyspace.of(this.executionId);
    const first = await store.hget(keys.byName.x, `${this.executionId}:log0`);
    if (first === null) {
      throw new OrdoError("EXECUTION_NOT_FOUND", `No execution '${this.executionId}'.`);
    }
    let from = first;
    const untilFinished = options.untilFinished ?? true;
    for (;;) {
      const page = await store.xrange(keys.byName.log, from, "+", 500);
      for (const [id, fields] of page) {
        from = nextStreamId(id);
        const event = decodeLedgerEntry(id, fields);
        if (event.executionId !== this.executionId) continue;
        yield event;
        if (untilFinished && /^execution\.(completed|failed|cancelled)$/.test(event.type)) return;
      }
      if (page.length < 500) await sleep(options.pollMs ?? 20);
    }
  }
}
