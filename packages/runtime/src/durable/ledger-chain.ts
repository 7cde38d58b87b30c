/**
 * The ledger hash chain: pure functions that link events and find the exact place a chain was
 * edited, cut or shuffled. No I/O; the stores and the shipper both use them.
 */
import { canonicalJson, OrdoError, sha256Hex } from "@ordo/core";
import {
  GENESIS_HASH,
  type LedgerEvent,
  type LedgerHead,
  type UnchainedLedgerEvent,
} from "./types.js";

/**
 * The hash an event must carry: sha256 hex of the canonical JSON of the event without `hash`
 * (so `prevHash` is covered and the events form a chain).
 *
 * @example
 * ```ts
 * const ok = hashLedgerEvent(event) === event.hash;
 * ```
 */
export function hashLedgerEvent(event: Omit<LedgerEvent, "hash"> | LedgerEvent): string {
  const { hash: _ignored, ...rest } = event as LedgerEvent;
  return sha256Hex(canonicalJson(rest));
}

/**
 * Link `events` (in order) after `prevHash`: each gets `prevHash` = the previous event's hash and
 * its own `hash`. Throws `INPUT_INVALID` if the events are not all of one execution with
 * contiguous `seq`s, or if they are not JSON.
 *
 * @example
 * ```ts
 * const chained = chainEvents(GENESIS_HASH, [
 *   { executionId: "e1", seq: 1, type: "execution.created", category: "execution", at: Date.now() },
 *   { executionId: "e1", seq: 2, type: "step.claimed", category: "step", at: Date.now(), stepId: "a" },
 * ]);
 * chained[1].prevHash === chained[0].hash; // true
 * ```
 */
export function chainEvents(
  prevHash: string,
  events: readonly UnchainedLedgerEvent[],
): LedgerEvent[] {
  const chained: LedgerEvent[] = [];
  let link = prevHash;
  for (const [index, event] of events.entries()) {
    const previous = events[index - 1];
    if (
      previous &&
      (event.executionId !== previous.executionId || event.seq !== previous.seq + 1)
    ) {
      throw new OrdoError(
        "INPUT_INVALID",
        `chainEvents needs contiguous events of one execution; got ${event.executionId}#${event.seq} after ${previous.executionId}#${previous.seq}.`,
        { details: { index } },
      );
    }
    // Drop a stale hash/prevHash if the caller passed already-chained events.
    const { hash: _h, prevHash: _p, ...body } = event as LedgerEvent;
    const unhashed = { ...body, prevHash: link };
    const hash = hashLedgerEvent(unhashed);
    chained.push({ ...unhashed, hash });
    link = hash;
  }
  return chained;
}

/** Codes {@link verifyChain} reports. */
export type ChainProblemCode =
  | "LEDGER_HASH_MISMATCH"
  | "LEDGER_GAP"
  | "LEDGER_REORDERED"
  | "LEDGER_BROKEN_LINK";

/** Result of {@link verifyChain}. */
export type ChainVerification =
  | { readonly ok: true; readonly count: number; readonly head: LedgerHead | null }
  | {
      readonly ok: false;
      readonly code: ChainProblemCode;
      /** The seq where the problem shows (for a gap: the first missing seq). */
      readonly seq: number;
      readonly message: string;
    };

/** Where a verified slice starts; default: the beginning of the ledger (genesis, seq 1). */
export interface VerifyChainOptions {
  /** The event just before the slice (e.g. the last one of the previous page). */
  readonly after?: LedgerHead;
}

/**
 * Check that `events` (as read, in order) are one intact chain: seqs contiguous from 1 (or from
 * `after.seq + 1`), every hash matching its content, every `prevHash` equal to the previous hash.
 * Reports the first problem: an edited event is `LEDGER_HASH_MISMATCH` (or `LEDGER_BROKEN_LINK`
 * on its successor if the editor re-hashed it), a removed event is `LEDGER_GAP`, a moved one is
 * `LEDGER_REORDERED`.
 *
 * @example
 * ```ts
 * const result = verifyChain(await store.readEvents("e1"));
 * if (!result.ok) console.error(result.code, result.seq, result.message);
 * ```
 */
export function verifyChain(
  events: readonly LedgerEvent[],
  options: VerifyChainOptions = {},
): ChainVerification {
  let expectedSeq = (options.after?.seq ?? 0) + 1;
  let link = options.after?.hash ?? GENESIS_HASH;
  const executionId = events[0]?.executionId;
  for (const [index, event] of events.entries()) {
    if (event.executionId !== executionId) {
      return problem(
        "LEDGER_BROKEN_LINK",
        event.seq,
        `event #${index} belongs to execution '${event.executionId}', not '${executionId}'`,
      );
    }
    if (event.seq !== expectedSeq) return seqProblem(events, index, expectedSeq);
    if (hashLedgerEvent(event) !== event.hash) {
      return problem(
        "LEDGER_HASH_MISMATCH",
        event.seq,
        `event seq ${event.seq} does not match its hash (its content was changed)`,
      );
    }
    if (event.prevHash !== link) {
      return problem(
        "LEDGER_BROKEN_LINK",
        event.seq,
        `event seq ${event.seq} does not link to the hash of seq ${event.seq - 1}`,
      );
    }
    link = event.hash;
    expectedSeq += 1;
  }
  const last = events.at(-1);
  return { ok: true, count: events.length, head: last ? { seq: last.seq, hash: last.hash } : null };
}

function seqProblem(
  events: readonly LedgerEvent[],
  index: number,
  expectedSeq: number,
): ChainVerification {
  const seq = events[index]!.seq;
  // The expected seq shows up later (or this seq was already seen): the events were shuffled.
  const later = events.slice(index + 1).some((e) => e.seq === expectedSeq);
  if (seq < expectedSeq || later) {
    return problem(
      "LEDGER_REORDERED",
      seq,
      `event seq ${seq} appears where seq ${expectedSeq} was expected`,
    );
  }
  return problem(
    "LEDGER_GAP",
    expectedSeq,
    `event seq ${expectedSeq} is missing (next present is seq ${seq})`,
  );
}

function problem(code: ChainProblemCode, seq: number, message: string): ChainVerification {
  return { ok: false, code, seq, message: `Ledger chain broken: ${message}.` };
}
