/**
 * Live progress of an execution, one line per ledger event:
 *
 * ```
 * [CLAIMED]  search    worker-2  attempt 1
 * [DONE]     search    worker-2  attempt 1  3 ms
 * [RETRY]    moderate  worker-1  attempt 1  STEP_FAILED, next attempt in 100 ms
 * [DENIED]   answer    worker-1  attempt 1  provider openai blocked (outage); retry in 5000 ms
 * [########------------] 4/8 steps
 * ```
 *
 * Durations are from claim to completion by the hot-state clock (ms). Events of other kinds
 * (created, fingerprinted, plugin events) print nothing.
 */
import type { HotLedgerEvent } from "@ordo/runtime";
import type { TextSink } from "../io.js";

/** Options of {@link ProgressPrinter}. */
export interface ProgressOptions {
  /** Print a progress bar line after every step that reaches a final state. Default false. */
  readonly bar?: boolean;
  /** Width of the bar in characters. Default 24. */
  readonly barWidth?: number;
}

const FINAL_STEP_EVENTS = new Set([
  "step.completed",
  "step.failed",
  "step.skipped",
  "step.cancelled",
]);

/** Follows one execution's ledger events and prints them to a sink. */
export class ProgressPrinter {
  /** Steps that reached a final state (completed, failed, skipped, cancelled). */
  readonly finished = new Set<string>();
  /** Completed steps per worker id, for the summary. */
  readonly completedBy = new Map<string, number>();
  /** Retries scheduled so far. */
  retries = 0;
  private readonly claimedAt = new Map<string, number>();
  private readonly idWidth: number;
  private readonly workerWidth = 9;

  constructor(
    private readonly sink: TextSink | undefined,
    private readonly stepIds: readonly string[],
    private readonly options: ProgressOptions = {},
  ) {
    this.idWidth = Math.max(4, ...stepIds.map((id) => id.length));
  }

  /** Prints the line(s) for one event and updates the counters. */
  onEvent(event: HotLedgerEvent): void {
    const line = this.describe(event);
    if (line !== undefined) this.sink?.write(`${line}\n`);
    if (event.stepId !== undefined && FINAL_STEP_EVENTS.has(event.type)) {
      this.finished.add(event.stepId);
      if (this.options.bar) this.sink?.write(`${this.bar()}\n`);
    }
  }

  /** `[######------] 3/8 steps`. */
  bar(): string {
    const total = Math.max(1, this.stepIds.length);
    const width = this.options.barWidth ?? 24;
    const filled = Math.round((this.finished.size / total) * width);
    return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.finished.size}/${this.stepIds.length} steps`;
  }

  private describe(event: HotLedgerEvent): string | undefined {
    const step = event.stepId ?? "";
    const key = `${step}#${event.attempt ?? 1}`;
    switch (event.type) {
      case "step.claimed":
        this.claimedAt.set(key, event.at);
        return this.line("CLAIMED", event);
      case "step.completed": {
        if (event.workerId !== undefined) {
          this.completedBy.set(event.workerId, (this.completedBy.get(event.workerId) ?? 0) + 1);
        }
        const start = this.claimedAt.get(key);
        return this.line("DONE", event, start === undefined ? "" : `${event.at - start} ms`);
      }
      case "step.retry_scheduled": {
        this.retries += 1;
        const delay = event.data?.delayMs;
        const next = typeof delay === "number" ? `, next attempt in ${delay} ms` : "";
        return this.line("RETRY", event, `${event.reason ?? "error"}${next}`);
      }
      case "step.failed":
        return this.line("FAILED", event, event.reason ?? "");
      case "step.skipped":
        return this.line("SKIPPED", event, event.reason ?? "");
      case "step.cancelled":
        return this.line("CANCELLED", event, event.reason ?? "");
      case "step.recovered":
        return this.line("RECOVERED", event, "lease expired, back to ready");
      case "step.released":
        return this.line("RELEASED", event, "given back by a closing worker");
      case "step.stale_rejected":
        return this.line("STALE", event, "result rejected: the lease was lost");
      case "step.reused":
        return this.line("REUSED", event, "output reused");
      case "execution.cancel_requested":
        return `[CANCEL]    requested${event.reason ? `: ${event.reason}` : ""}`;
      case "concurrency.denied":
        return this.line("THROTTLED", event, event.reason ?? "limit reached");
      case "policy.denied":
        // The reason already names the rule, the value and when the step is offered again.
        return this.line("DENIED", event, event.reason ?? "refused by the admission policy");
      case "execution.pause_requested":
        return `[PAUSE]     requested${event.reason ? `: ${event.reason}` : ""} (running steps finish)`;
      case "execution.resumed":
        return `[RESUME]    ${event.reason ?? "resumed"}`;
      case "human_input.waiting":
        return this.line("WAITING", event, `input: ${String(event.data?.prompt ?? "")}`);
      case "human_input.submitted":
        return this.line("INPUT", event, "answer accepted");
      case "human_input.timed_out":
        return this.line("TIMEOUT", event, "no answer before the deadline");
      default:
        return undefined;
    }
  }

  private line(tag: string, event: HotLedgerEvent, note = ""): string {
    const parts = [
      (event.stepId ?? "").padEnd(this.idWidth),
      (event.workerId ?? "-").padEnd(this.workerWidth),
      event.attempt === undefined ? "" : `attempt ${event.attempt}`,
      note,
    ];
    return `${`[${tag}]`.padEnd(11)} ${parts.join("  ")}`.trimEnd();
  }
}
