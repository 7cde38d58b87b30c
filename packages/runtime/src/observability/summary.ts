/**
 * Summaries of recorded metric points (what `ordo metrics` prints): per metric name, the number
 * of points, their sum, and for durations and sizes the p50/p95/p99/max. Pure functions.
 */
import type { MetricPoint } from "../durable/types.js";

/** Summary of one metric name (and optional label value). */
export interface MetricSummary {
  readonly name: string;
  /** Points recorded. */
  readonly count: number;
  /** Sum of values (a counter's total). */
  readonly sum: number;
  /** Median value (nearest rank). */
  readonly p50: number;
  /** 95th percentile value (nearest rank). */
  readonly p95: number;
  /** 99th percentile value (nearest rank). */
  readonly p99: number;
  readonly max: number;
}

/** The value at quantile `q` (0..1) of ascending `sorted`, nearest rank; 0 when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/**
 * Summarizes points by name, sorted by name. With `by`, a label splits a name into
 * `<name>{<label>=<value>}` rows (e.g. `ordo.step.duration_ms{outcome=completed}`).
 *
 * @example
 * ```ts
 * summarizeMetrics([{ name: "ordo.step.duration_ms", value: 12, at: 0 }]);
 * // [{ name: "ordo.step.duration_ms", count: 1, sum: 12, p50: 12, p95: 12, p99: 12, max: 12 }]
 * ```
 */
export function summarizeMetrics(points: readonly MetricPoint[], by?: string): MetricSummary[] {
  const groups = new Map<string, number[]>();
  for (const p of points) {
    const label = by === undefined ? undefined : p.labels?.[by];
    const key = label === undefined ? p.name : `${p.name}{${by}=${label}}`;
    const list = groups.get(key) ?? [];
    list.push(p.value);
    groups.set(key, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return {
        name,
        count: sorted.length,
        sum: sorted.reduce((a, b) => a + b, 0),
        p50: quantile(sorted, 0.5),
        p95: quantile(sorted, 0.95),
        p99: quantile(sorted, 0.99),
        max: sorted.at(-1) ?? 0,
      };
    });
}
