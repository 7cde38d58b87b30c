/** `ordo timeline`: an execution's ledger as a readable timeline with per-step durations. */
import type { LedgerEvent } from "@ordo/runtime";
import { defineCommand, EXIT } from "../command.js";
import { prettyJson } from "../output.js";
import { DURABLE_OPTIONS, withStore } from "./durable.js";

/** One step's summary line of the timeline. */
interface StepSpan {
  readonly stepId: string;
  status: string;
  attempts: number;
  firstClaimAt?: number;
  endAt?: number;
}

const ENDS: Readonly<Record<string, string>> = {
  "step.completed": "completed",
  "step.reused": "completed",
  "step.failed": "failed",
  "step.skipped": "skipped",
  "step.cancelled": "cancelled",
  "step.retry_scheduled": "retry",
};

export const timelineCommand = defineCommand({
  name: "timeline",
  summary: "Show an execution's ledger as a timeline with per-step durations.",
  usage: "ordo timeline <executionId> [--store path|url] [--redis URL] [--json]",
  description: [
    "Reads the ledger from the durable store and prints each event at its offset from the",
    "execution's start, then one line per step: final status, attempts and the time from its",
    "first claim to its end. With --json prints { executionId, startedAt, events, steps }.",
  ].join("\n"),
  options: DURABLE_OPTIONS,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const executionId = positionals[0]!;
    return withStore(values, io, async (store) => {
      const events = await store.readEvents(executionId);
      if (events.length === 0) {
        io.stderr.write(`timeline ${executionId}: no events in the durable store\n`);
        return EXIT.INVALID;
      }
      const spans = stepSpans(events);
      if (values.json) {
        io.stdout.write(
          prettyJson({ executionId, startedAt: events[0]!.at, events, steps: spans }),
        );
      } else {
        io.stdout.write(formatTimeline(executionId, events, spans));
      }
      return EXIT.OK;
    });
  },
});

function stepSpans(events: readonly LedgerEvent[]): StepSpan[] {
  const spans = new Map<string, StepSpan>();
  for (const e of events) {
    if (e.category !== "step" || e.stepId === undefined) continue;
    let span = spans.get(e.stepId);
    if (span === undefined) {
      span = { stepId: e.stepId, status: "pending", attempts: 0 };
      spans.set(e.stepId, span);
    }
    if (e.type === "step.claimed") {
      span.status = "running";
      span.firstClaimAt ??= e.at;
      span.attempts = Math.max(span.attempts, e.attempt ?? 1);
    }
    const end = ENDS[e.type];
    if (end !== undefined) {
      span.status = end;
      span.endAt = e.at;
    }
  }
  return [...spans.values()];
}

function formatTimeline(
  executionId: string,
  events: readonly LedgerEvent[],
  spans: readonly StepSpan[],
): string {
  const start = events[0]!.at;
  const pipeline = events.find((e) => e.pipeline !== undefined)?.pipeline;
  const width = Math.max(4, ...spans.map((s) => s.stepId.length));
  const lines = [
    `execution ${executionId}${pipeline ? ` (${pipeline})` : ""}: ${events.length} events from ${new Date(start).toISOString()}`,
  ];
  for (const e of events) {
    const offset = `+${e.at - start} ms`.padStart(10);
    const what = e.category === "step" ? e.type.slice("step.".length) : e.type;
    const extra = [
      e.attempt === undefined ? "" : `attempt ${e.attempt}`,
      e.workerId === undefined ? "" : `worker ${e.workerId}`,
      e.reason ?? "",
    ].filter(Boolean);
    lines.push(
      `${offset}  ${(e.stepId ?? "").padEnd(width)}  ${what.padEnd(16)}  ${extra.join("  ")}`.trimEnd(),
    );
  }
  lines.push("steps:");
  for (const s of spans) {
    const duration =
      s.firstClaimAt !== undefined && s.endAt !== undefined ? `${s.endAt - s.firstClaimAt} ms` : "";
    lines.push(
      `  ${s.stepId.padEnd(width)}  ${s.status.padEnd(9)}  attempts ${s.attempts}  ${duration}`.trimEnd(),
    );
  }
  return `${lines.join("\n")}\n`;
}
