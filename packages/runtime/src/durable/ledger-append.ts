/**
 * Backend-independent rules of `appendEvents`: validate a batch, split it per execution, and decide
 * against the stored hashes which events are new, which are re-shipped duplicates, and which break
 * the chain. Both stores call these, so they refuse exactly the same batches.
 */
import { OrdoError } from "@ordo/core";
import { z } from "zod";
import { hashLedgerEvent } from "./ledger-chain.js";
import { GENESIS_HASH, type LedgerEvent } from "./types.js";

const HEX64 = /^[0-9a-f]{64}$/;

// Strict: a field the stores do not know would not survive the MongoDB mapping, and the hash
// covers every field, so unknown fields are refused up front.
const ledgerEventSchema = z.strictObject({
  executionId: z.string().min(1),
  seq: z.number().int().min(1),
  type: z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+$/),
  category: z.string().min(1),
  outcome: z.string().optional(),
  at: z.number().int().min(0),
  runId: z.string().optional(),
  stepId: z.string().optional(),
  attempt: z.number().int().min(0).optional(),
  workerId: z.string().optional(),
  instanceId: z.string().optional(),
  claimToken: z.string().optional(),
  traceId: z.string().optional(),
  pipeline: z.string().optional(),
  reason: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  prevHash: z.string().regex(HEX64),
  hash: z.string().regex(HEX64),
});

/** The fields of a {@link LedgerEvent}, in the order the stores persist them. */
export const LEDGER_EVENT_FIELDS = Object.keys(ledgerEventSchema.shape) as (keyof LedgerEvent)[];

/**
 * Validate every event (shape and own hash) and group them per execution, sorted by seq, with
 * identical in-batch repeats removed. Throws `INPUT_INVALID`, `LEDGER_HASH_MISMATCH`,
 * `LEDGER_CONFLICT` (two different events with one seq), `LEDGER_GAP` or `LEDGER_BROKEN_LINK`
 * (inside the batch).
 */
export function groupBatch(events: readonly LedgerEvent[]): {
  groups: Map<string, LedgerEvent[]>;
  duplicates: number;
} {
  const bySeq = new Map<string, Map<number, LedgerEvent>>();
  let duplicates = 0;
  for (const [index, event] of events.entries()) {
    const parsed = ledgerEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new OrdoError(
        "INPUT_INVALID",
        `Ledger event #${index} is invalid: ${z.prettifyError(parsed.error)}`,
        {
          details: { index, executionId: event?.executionId, seq: event?.seq },
        },
      );
    }
    if (hashLedgerEvent(event) !== event.hash) {
      throw ledgerError(
        "LEDGER_HASH_MISMATCH",
        event,
        "its hash does not match its content; build events with chainEvents()",
      );
    }
    const group = bySeq.get(event.executionId) ?? new Map<number, LedgerEvent>();
    bySeq.set(event.executionId, group);
    const seen = group.get(event.seq);
    if (seen && seen.hash !== event.hash) {
      throw ledgerError(
        "LEDGER_CONFLICT",
        event,
        "the batch holds two different events with this seq",
      );
    }
    if (seen) duplicates += 1;
    else group.set(event.seq, event);
  }
  const groups = new Map<string, LedgerEvent[]>();
  for (const [executionId, group] of bySeq) {
    const sorted = [...group.values()].sort((a, b) => a.seq - b.seq);
    checkInternalChain(sorted);
    groups.set(executionId, sorted);
  }
  return { groups, duplicates };
}

function checkInternalChain(sorted: readonly LedgerEvent[]): void {
  for (let i = 1; i < sorted.length; i += 1) {
    const previous = sorted[i - 1]!;
    const event = sorted[i]!;
    if (event.seq !== previous.seq + 1) {
      throw ledgerError(
        "LEDGER_GAP",
        event,
        `the batch jumps from seq ${previous.seq} to ${event.seq}`,
      );
    }
    if (event.prevHash !== previous.hash) {
      throw ledgerError(
        "LEDGER_BROKEN_LINK",
        event,
        `its prevHash is not the hash of seq ${previous.seq}`,
      );
    }
  }
}

/**
 * Decide what to insert for one execution's sorted, internally valid group, given the stored
 * hashes for seqs `group[0].seq - 1 .. last seq` (a map seq -> hash; missing seqs are not stored).
 */
export function planAppend(
  group: readonly LedgerEvent[],
  stored: ReadonlyMap<number, string>,
): { toInsert: LedgerEvent[]; duplicates: number } {
  const toInsert: LedgerEvent[] = [];
  let duplicates = 0;
  for (const event of group) {
    const storedHash = stored.get(event.seq);
    if (storedHash === event.hash) {
      duplicates += 1;
      continue;
    }
    if (storedHash !== undefined) {
      throw ledgerError(
        "LEDGER_CONFLICT",
        event,
        "a different event with this seq is already stored",
      );
    }
    if (toInsert.length === 0) checkPredecessor(event, group, stored);
    toInsert.push(event);
  }
  return { toInsert, duplicates };
}

function checkPredecessor(
  event: LedgerEvent,
  group: readonly LedgerEvent[],
  stored: ReadonlyMap<number, string>,
): void {
  const before =
    event.seq === 1
      ? GENESIS_HASH
      : (group.find((e) => e.seq === event.seq - 1)?.hash ?? stored.get(event.seq - 1));
  if (before === undefined) {
    throw ledgerError(
      "LEDGER_GAP",
      event,
      `seq ${event.seq - 1} is not stored yet; ship events in order`,
    );
  }
  if (event.prevHash !== before) {
    throw ledgerError(
      "LEDGER_BROKEN_LINK",
      event,
      `its prevHash is not the stored hash of seq ${event.seq - 1}`,
    );
  }
}

function ledgerError(code: string, event: LedgerEvent, why: string): OrdoError {
  return new OrdoError(
    code,
    `Cannot append ledger event ${event.executionId}#${event.seq} (${event.type}): ${why}.`,
    {
      details: { executionId: event.executionId, seq: event.seq },
    },
  );
}
