/**
 * Runs a batch: starts one execution per ticket (all at once; the runtime queues the work) and
 * waits for every result.
 */
import type { Client } from "@ordo/runtime";
import type { TriageResult } from "./pipeline.js";
import type { Ticket } from "./tickets.js";

type Pipeline = Parameters<Client["start"]>[0];

/** What {@link runBatch} returns. */
export interface BatchReport {
  readonly results: TriageResult[];
  /** Wall-clock milliseconds from the first start to the last result. */
  readonly elapsedMs: number;
}

/**
 * Starts `tickets.length` executions of `pipeline` and resolves with their outputs, in ticket
 * order. Rejects with the first failed execution's error.
 *
 * @example
 * ```ts
 * const { results, elapsedMs } = await runBatch(ordo.client, triage, makeTickets(130));
 * ```
 */
export async function runBatch(
  client: Client,
  pipeline: Pipeline,
  tickets: readonly Ticket[],
  timeoutMs = 60_000,
): Promise<BatchReport> {
  const started = performance.now();
  const runs = await Promise.all(
    tickets.map((t) => client.start<TriageResult>(pipeline, { id: t.id, text: t.text })),
  );
  const results = await Promise.all(runs.map((run) => run.result({ timeoutMs })));
  return { results, elapsedMs: Math.round(performance.now() - started) };
}
