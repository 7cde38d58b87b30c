/**
 * Exact interleaving of one execution's ledger events and progress events, read from two streams
 * of the same partition. Every progress entry records the execution's ledger seq when it was
 * appended (`afterLedgerSeq`), and scripts run atomically, so a progress event comes after ledger
 * event `afterLedgerSeq` and before `afterLedgerSeq + 1`: no clock or stream-id comparison needed.
 *
 * The follower reads the ledger first, then the progress stream, in each round. Hence every
 * progress event that precedes a ledger event already read was read too (unless the progress
 * page was full), and a progress event whose `afterLedgerSeq` is past the last ledger event read
 * waits for the next round. Pure: no I/O, unit-tested on its own.
 */
import type { HotLedgerEvent } from "../engine/ledger.js";
import type { ProgressEvent } from "../hot/progress.js";

/** A ledger event as a follower with `progress: true` sees it. */
export interface LedgerExecutionEvent extends HotLedgerEvent {
  readonly kind: "ledger";
}

/**
 * What `events({ progress: true })` yields: ledger events (`kind: "ledger"`, durable, one `seq`
 * each) and progress events (`kind: "progress"`, ephemeral) in the order they happened.
 *
 * @example
 * ```ts
 * for await (const e of run.events({ progress: true })) {
 *   if (e.kind === "ledger") console.log(e.seq, e.type);
 *   else console.log("progress", e.stepId, e.type, e.data);
 * }
 * ```
 */
export type ExecutionEvent = LedgerExecutionEvent | ProgressEvent;

/** Where a resumed follower continues: after ledger `seq`, and after progress `progressId` there. */
export interface ResumePoint {
  readonly seq: number;
  /** Progress stream id already delivered after ledger event `seq`; "" = none. */
  readonly progressId: string;
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am === bm ? as - bs : am - bm;
}

/** Whether a resumed follower already delivered this event. */
export function alreadyDelivered(event: ExecutionEvent, resume: ResumePoint): boolean {
  if (event.kind === "ledger") return event.seq <= resume.seq;
  if (event.afterLedgerSeq !== resume.seq) return event.afterLedgerSeq < resume.seq;
  return resume.progressId !== "" && compareIds(event.id, resume.progressId) <= 0;
}

/** Buffers both streams of one execution and releases events once their order is certain. */
export class EventMerger {
  private readonly ledger: HotLedgerEvent[] = [];
  private readonly progress: ProgressEvent[] = [];
  private lastLedgerSeq = 0;
  private progressComplete = true;

  /** Buffered entries (a follower stops reading a stream while its buffer is this long). */
  get sizes(): { ledger: number; progress: number } {
    return { ledger: this.ledger.length, progress: this.progress.length };
  }

  /** Ledger events of this execution from this round's ledger read (read it first). */
  addLedger(events: readonly HotLedgerEvent[]): void {
    for (const e of events) {
      this.ledger.push(e);
      this.lastLedgerSeq = Math.max(this.lastLedgerSeq, e.seq);
    }
  }

  /**
   * The execution's ledger seq counter, read BEFORE this round's ledger read, which was not cut by
   * its page size: every ledger event up to `seq` was either read or trimmed from hot state (the
   * shipper trims shipped entries), so progress events after them need not wait for them.
   */
  ledgerSeenUpTo(seq: number): void {
    this.lastLedgerSeq = Math.max(this.lastLedgerSeq, seq);
  }

  /** Whether the next progress event waits for ledger events not read yet. */
  get waitingForLedger(): boolean {
    const p = this.progress[0];
    return p !== undefined && p.afterLedgerSeq > this.lastLedgerSeq;
  }

  /**
   * Progress events of this execution from this round's progress read (after the ledger read).
   * `complete` = the read reached the stream's end (not cut by a page size or skipped).
   */
  addProgress(events: readonly ProgressEvent[], complete: boolean): void {
    this.progress.push(...events);
    this.progressComplete = complete;
  }

  /** Takes every event whose place in the merged order is certain, in that order. */
  drain(): ExecutionEvent[] {
    const out: ExecutionEvent[] = [];
    for (;;) {
      const l = this.ledger[0];
      const p = this.progress[0];
      if (
        l !== undefined &&
        (p === undefined ? this.progressComplete : l.seq <= p.afterLedgerSeq)
      ) {
        out.push({ ...this.ledger.shift()!, kind: "ledger" });
      } else if (p !== undefined && p.afterLedgerSeq <= this.lastLedgerSeq) {
        out.push(this.progress.shift()!);
      } else {
        return out;
      }
    }
  }
}
