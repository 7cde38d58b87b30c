/**
 * Following one execution's ledger events from the partition stream, cancellable with an
 * AbortSignal (an HTTP client that disconnects stops the read at once, even while the execution
 * is quiet). Reads the same stream entries as `ExecutionHandle.events()`.
 */
import { OrdoError } from "@ordo/core";
import { decodeLedgerEntry, type HotLedgerEvent } from "../engine/ledger.js";
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";

/** Options of {@link followExecution}. */
export interface FollowOptions {
  /** Skip events with `seq` up to this one (SSE `Last-Event-ID` resume). Default 0. */
  readonly afterSeq?: number;
  /** Stop after the terminal event [true]. */
  readonly untilFinished?: boolean;
  /** Poll interval while caught up, ms [50]. */
  readonly pollMs?: number;
  /** Ends the iteration (no error) when aborted. */
  readonly signal?: AbortSignal;
}

const TERMINAL = /^execution\.(completed|failed|cancelled)$/;

function nextStreamId(id: string): string {
  const [ms, seq] = id.split("-");
  return `${ms}-${Number(seq) + 1}`;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** @internal Ledger events of one execution in seq order. Throws `EXECUTION_NOT_FOUND`. */
export async function* followExecution(
  store: HotStore,
  keyspace: Keyspace,
  executionId: string,
  options: FollowOptions = {},
): AsyncGenerator<HotLedgerEvent> {
  const keys = keyspace.of(executionId);
  const first = await store.hget(keys.byName.x, `${executionId}:log0`);
  if (first === null) {
    throw new OrdoError("EXECUTION_NOT_FOUND", `No execution '${executionId}' in hot state.`, {
      details: { executionId },
    });
  }
  const { signal, afterSeq = 0 } = options;
  const untilFinished = options.untilFinished ?? true;
  let from = first;
  while (!signal?.aborted) {
    const page = await store.xrange(keys.byName.log, from, "+", 500);
    for (const [id, fields] of page) {
      from = nextStreamId(id);
      const event = decodeLedgerEntry(id, fields);
      if (event.executionId !== executionId || event.seq <= afterSeq) continue;
      yield event;
      if (untilFinished && TERMINAL.test(event.type)) return;
    }
    if (page.length < 500) await pause(options.pollMs ?? 50, signal);
  }
}
