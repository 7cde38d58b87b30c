/**
 * Following one execution's events from its partition streams, cancellable with an AbortSignal
 * (an HTTP client that disconnects stops the read at once, even while the execution is quiet).
 * The one follow loop: `ExecutionHandle.events()`, the control plane and the SSE adapter all use
 * it. With `progress: true` it also merges the partition's progress stream (see follow-merge.ts).
 */
import { OrdoError } from "@ordo/core";
import { decodeLedgerEntry, type HotLedgerEvent } from "../engine/ledger.js";
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace, PartitionKeys } from "../hot/keys.js";
import { decodeProgressEntry, progressStreamKey } from "../hot/progress.js";
import { alreadyDelivered, EventMerger, type ExecutionEvent } from "./follow-merge.js";

/** Options of {@link followExecution}. */
export interface FollowOptions {
  /** Skip events with `seq` up to this one (SSE `Last-Event-ID` resume). Default 0. */
  readonly afterSeq?: number;
  /**
   * With `progress`: also skip progress events after ledger event `afterSeq` up to this progress
   * stream id (they were delivered before a reconnect). Default: none skipped.
   */
  readonly afterProgressId?: string;
  /** Stop after the terminal event [true]. */
  readonly untilFinished?: boolean;
  /** Poll interval while caught up, ms [50]. */
  readonly pollMs?: number;
  /** Ends the iteration (no error) when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Also yield the steps' progress events (`ctx.emit`, e.g. `llm.delta`) interleaved in the
   * order they happened; every event then carries `kind: "ledger" | "progress"`. Default false:
   * the ledger only, as before (progress events are ephemeral and may be trimmed; see
   * docs/concepts/observability.md).
   */
  readonly progress?: boolean;
}

/**
 * What a follow yields for options `O`: {@link ExecutionEvent} with `progress: true`, the plain
 * {@link HotLedgerEvent} without it, either when `progress` is only known to be a boolean.
 */
export type FollowedEvent<O extends FollowOptions> = O extends { readonly progress: true }
  ? ExecutionEvent
  : O extends { readonly progress?: false | undefined }
    ? HotLedgerEvent
    : HotLedgerEvent | ExecutionEvent;

const TERMINAL = /^execution\.(completed|failed|cancelled)$/;
/** Stream entries per read. */
const PAGE = 500;

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

/** One stream read from `from`; returns this execution's decoded entries and the next cursor. */
async function readPage<T extends { executionId: string }>(
  store: HotStore,
  key: string,
  from: string,
  executionId: string,
  decode: (id: string, fields: string[]) => T,
): Promise<{ events: T[]; next: string; full: boolean }> {
  const page = await store.xrange(key, from, "+", PAGE);
  const events: T[] = [];
  let next = from;
  for (const [id, fields] of page) {
    next = nextStreamId(id);
    const event = decode(id, fields);
    if (event.executionId === executionId) events.push(event);
  }
  return { events, next, full: page.length === PAGE };
}

async function firstLedgerId(store: HotStore, keys: PartitionKeys, executionId: string) {
  const first = await store.hget(keys.byName.x, `${executionId}:log0`);
  if (first === null) {
    throw new OrdoError("EXECUTION_NOT_FOUND", `No execution '${executionId}' in hot state.`, {
      details: { executionId },
    });
  }
  return first;
}

/**
 * Events of one execution: ledger events in seq order and, with `progress: true`, progress
 * events merged in. Throws `EXECUTION_NOT_FOUND` when hot state does not know the execution.
 *
 * @example
 * ```ts
 * for await (const e of followExecution(store, keyspace, id, { progress: true })) {
 *   console.log(e.kind, e.type);
 * }
 * ```
 */
export function followExecution<O extends FollowOptions = Record<never, never>>(
  store: HotStore,
  keyspace: Keyspace,
  executionId: string,
  options?: O,
): AsyncGenerator<FollowedEvent<O>> {
  const opts: FollowOptions = options ?? {};
  const events =
    opts.progress === true
      ? followMerged(store, keyspace, executionId, opts)
      : followLedger(store, keyspace, executionId, opts);
  return events as AsyncGenerator<FollowedEvent<O>>;
}

async function* followLedger(
  store: HotStore,
  keyspace: Keyspace,
  executionId: string,
  options: FollowOptions,
): AsyncGenerator<HotLedgerEvent> {
  const keys = keyspace.of(executionId);
  const { signal, afterSeq = 0 } = options;
  const untilFinished = options.untilFinished ?? true;
  let from = await firstLedgerId(store, keys, executionId);
  while (!signal?.aborted) {
    const page = await readPage(store, keys.byName.log, from, executionId, decodeLedgerEntry);
    from = page.next;
    for (const event of page.events) {
      if (event.seq <= afterSeq) continue;
      yield event;
      if (untilFinished && TERMINAL.test(event.type)) return;
    }
    if (!page.full) await pause(options.pollMs ?? 50, signal);
  }
}

async function* followMerged(
  store: HotStore,
  keyspace: Keyspace,
  executionId: string,
  options: FollowOptions,
): AsyncGenerator<ExecutionEvent> {
  const keys = keyspace.of(executionId);
  const progressKey = progressStreamKey(keys);
  const { signal } = options;
  const resume = { seq: options.afterSeq ?? 0, progressId: options.afterProgressId ?? "" };
  const untilFinished = options.untilFinished ?? true;
  let ledgerFrom = await firstLedgerId(store, keys, executionId);
  // Progress ids come from the same Redis clock: none of this execution precedes its first event.
  let progressFrom = `${ledgerFrom.split("-")[0]}-0`;
  const merger = new EventMerger();
  while (!signal?.aborted) {
    // Held progress may follow ledger events the shipper already trimmed: read the seq counter
    // first, so a complete ledger read proves nothing before it is still to come.
    const seq = merger.waitingForLedger
      ? Number((await store.hget(keys.byName.x, `${executionId}:seq`)) ?? 0)
      : 0;
    // Ledger first, then progress: the order EventMerger's certainty rules rely on.
    const ledger = await readPage(
      store,
      keys.byName.log,
      ledgerFrom,
      executionId,
      decodeLedgerEntry,
    );
    ledgerFrom = ledger.next;
    merger.addLedger(ledger.events);
    if (!ledger.full) merger.ledgerSeenUpTo(seq);
    // A progress backlog waiting for ledger events is not read further (bounded memory).
    const skip = merger.sizes.progress >= 4 * PAGE;
    const progress = skip
      ? { events: [], next: progressFrom, full: true }
      : await readPage(store, progressKey, progressFrom, executionId, decodeProgressEntry);
    progressFrom = progress.next;
    merger.addProgress(progress.events, !progress.full);
    for (const event of merger.drain()) {
      if (alreadyDelivered(event, resume)) continue;
      yield event;
      if (untilFinished && event.kind === "ledger" && TERMINAL.test(event.type)) return;
    }
    if (!ledger.full && !progress.full) await pause(options.pollMs ?? 50, signal);
  }
}
