/**
 * The throttling summary of `ordo demo`: from the ledger, for each limited provider, the most
 * attempts that ran at once (claim to report, throttled and policy-denied claims excluded), so
 * the demo can show that a limit held.
 */
import type { PipelineIR } from "@ordo/core";
import type { Client, HotLedgerEvent } from "@ordo/runtime";
import type { ProviderRun } from "./plugins.js";

/** One provider limit and what the run did with it. */
export interface ThrottleSummary {
  readonly scope: string;
  readonly limit: number;
  /** Most attempts of the scope that ran at the same time. */
  readonly observedMax: number;
  /**
   * What was measured: `provider calls` (the plugins' own run intervals: exact, they run only
   * while holding the lease) or `claims` (ledger claim to report: an upper bound, it includes
   * the time between claim and lease; used when the calls are not observable, e.g. external
   * workers).
   */
  readonly measured: "provider calls" | "claims";
  /** How many claims were denied by a limit and waited (ledger `concurrency.denied`). */
  readonly throttled: number;
  /**
   * How many claims an admission policy refused (ledger `policy.denied`). Counted apart from
   * `throttled`: such a step waits for the policy to change, not for a free slot.
   */
  readonly denied: number;
  readonly respected: boolean;
}

const END = new Set(["step.completed", "step.failed", "step.retry_scheduled", "step.cancelled"]);

/** Max overlap of [start, end] intervals (ms). */
function maxOverlap(intervals: readonly [number, number][]): number {
  const points = intervals.flatMap(([s, e]): [number, number][] => [
    [s, 1],
    [e, -1],
  ]);
  // Ends before starts at the same ms: a step that ended frees its lease for the next one.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of points) {
    now += d;
    max = Math.max(max, now);
  }
  return max;
}

/** Summaries for every provider-scoped concurrency limit of `ir` that names a provider. */
export async function throttleSummary(
  client: Client,
  ir: PipelineIR,
  executionId: string,
  runs?: readonly ProviderRun[],
): Promise<ThrottleSummary[]> {
  if (providerLimits(ir).length === 0) return [];
  const events: HotLedgerEvent[] = [];
  for await (const e of client.handle(executionId).events()) events.push(e);
  return summarizeThrottling(ir, executionId, events, runs);
}

function providerLimits(ir: PipelineIR) {
  return (ir.policies?.concurrency ?? []).filter(
    (l) => l.scope === "provider" && l.key !== undefined,
  );
}

/**
 * {@link throttleSummary} over ledger events already read (`events` of one execution, in order).
 *
 * @example
 * ```ts
 * summarizeThrottling(ir, "e-1", events, runs)[0];
 * // => { scope: "provider:openai", limit: 3, observedMax: 3, measured: "provider calls",
 * //      throttled: 12, denied: 0, respected: true }
 * ```
 */
export function summarizeThrottling(
  ir: PipelineIR,
  executionId: string,
  events: readonly HotLedgerEvent[],
  runs?: readonly ProviderRun[],
): ThrottleSummary[] {
  const providerOf = new Map(ir.steps.map((s) => [s.id, s.metadata.provider]));
  return providerLimits(ir).map((limit) => {
    const started = new Map<string, number>();
    const intervals: [number, number][] = [];
    let throttled = 0;
    let denied = 0;
    for (const e of events) {
      if (e.stepId === undefined || providerOf.get(e.stepId) !== limit.key) continue;
      if (e.type === "step.claimed") started.set(e.stepId, e.at);
      else if (e.type === "concurrency.denied" || e.type === "policy.denied") {
        // Either way the claim was given back before the plugin ran: no interval.
        if (e.type === "policy.denied") denied++;
        else throttled++;
        started.delete(e.stepId);
      } else if (END.has(e.type) && started.has(e.stepId)) {
        intervals.push([started.get(e.stepId)!, e.at]);
        started.delete(e.stepId);
      }
    }
    const calls = runs
      ?.filter((r) => r.executionId === executionId && r.provider === limit.key)
      .map((r): [number, number] => [r.start, r.end]);
    const measured = calls !== undefined && calls.length > 0 ? "provider calls" : "claims";
    const observedMax = maxOverlap(measured === "claims" ? intervals : calls!);
    return {
      scope: `provider:${limit.key}`,
      limit: limit.limit,
      observedMax,
      measured,
      throttled,
      denied,
      respected: observedMax <= limit.limit,
    };
  });
}
