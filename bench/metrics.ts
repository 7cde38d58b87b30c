/**
 * In-process timing of no-op steps, and the numbers derived from it.
 *
 * The step body (Ordo plugin `run`, BullMQ processor) stamps its start and end with
 * `performance.now()` (milliseconds, monotonic, same process for every step since the bench runs
 * one worker process). Dependency->dependent latency of a step = its start minus the latest end
 * of its dependencies: that span holds the dependency's completion round trip, the scheduling of
 * the dependent and its claim, which is exactly what the engine adds between two steps.
 */
import { performance } from "node:perf_hooks";
import type { BenchGraph } from "./workloads.js";

interface Span {
  start: number;
  end: number;
}

/** Collects step spans keyed by (graph key, node id); graph keys are execution or flow ids. */
export class StepRecorder {
  private readonly spans = new Map<string, Span>();
  private readonly done = new Map<string, number>();

  /** Called first thing in the step body. */
  started(graphKey: string, nodeId: string): void {
    this.spans.set(`${graphKey}\u0000${nodeId}`, { start: performance.now(), end: Number.NaN });
  }

  /** Called last thing in the step body. */
  ended(graphKey: string, nodeId: string): void {
    const span = this.spans.get(`${graphKey}\u0000${nodeId}`);
    if (span) span.end = performance.now();
  }

  /** Marks a whole graph (execution / flow) as finished, as observed by the system's own signal. */
  graphDone(graphKey: string, at: number = performance.now()): void {
    if (!this.done.has(graphKey)) this.done.set(graphKey, at);
  }

  /** Number of recorded step starts (also counts retries' restarts only once per step). */
  get startedCount(): number {
    return this.spans.size;
  }

  span(graphKey: string, nodeId: string): Span | undefined {
    return this.spans.get(`${graphKey}\u0000${nodeId}`);
  }

  doneAt(graphKey: string): number | undefined {
    return this.done.get(graphKey);
  }
}

/**
 * Dependency->dependent latencies (ms) over all graphs. `depsOf` gives each node's dependencies
 * in the system's own model (Ordo: the DAG; BullMQ: the node's children in its flow tree).
 */
export function dependencyLatencies(
  recorder: StepRecorder,
  graphs: readonly BenchGraph[],
  graphKeys: readonly string[],
  depsOf: (graphIndex: number, nodeId: string) => readonly string[],
): number[] {
  const out: number[] = [];
  graphs.forEach((graph, g) => {
    const key = graphKeys[g]!;
    for (const node of graph.nodes) {
      const deps = depsOf(g, node.id);
      const span = recorder.span(key, node.id);
      if (deps.length === 0 || !span) continue;
      let lastEnd = Number.NEGATIVE_INFINITY;
      for (const dep of deps)
        lastEnd = Math.max(lastEnd, recorder.span(key, dep)?.end ?? Number.NaN);
      if (Number.isFinite(lastEnd)) out.push(span.start - lastEnd);
    }
  });
  return out;
}

/** Flow times (ms): from each graph's submit time to its completion signal. */
export function flowTimes(
  recorder: StepRecorder,
  graphKeys: readonly string[],
  submittedAt: readonly number[],
): number[] {
  const out: number[] = [];
  graphKeys.forEach((key, g) => {
    const done = recorder.doneAt(key);
    if (done !== undefined) out.push(done - submittedAt[g]!);
  });
  return out;
}

/** Nearest-rank percentile of `values` (unsorted is fine); NaN when empty. `q` in [0, 1]. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Median of a non-empty list (mean of the two middles for even lengths); NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to `digits` decimals, keeping NaN as null for JSON output. */
export function round(value: number, digits = 2): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
