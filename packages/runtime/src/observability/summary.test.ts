import { describe, expect, it } from "vitest";
import { quantile, summarizeMetrics } from "./summary.js";

describe("quantile", () => {
  it("takes the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.95)).toBe(95);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBe(0);
  });
});

describe("summarizeMetrics", () => {
  it("groups by name and optional label, with counts, sums and percentiles", () => {
    const points = [
      { name: "ordo.steps.completed", value: 1, at: 1 },
      { name: "ordo.steps.completed", value: 1, at: 2 },
      { name: "ordo.step.duration_ms", value: 30, at: 1, labels: { outcome: "completed" } },
      { name: "ordo.step.duration_ms", value: 10, at: 2, labels: { outcome: "completed" } },
      { name: "ordo.step.duration_ms", value: 90, at: 3, labels: { outcome: "failed" } },
    ];
    expect(summarizeMetrics(points)).toEqual([
      { name: "ordo.step.duration_ms", count: 3, sum: 130, p50: 30, p95: 90, p99: 90, max: 90 },
      { name: "ordo.steps.completed", count: 2, sum: 2, p50: 1, p95: 1, p99: 1, max: 1 },
    ]);
    expect(summarizeMetrics(points, "outcome").map((s) => [s.name, s.p50])).toEqual([
      ["ordo.step.duration_ms{outcome=completed}", 10],
      ["ordo.step.duration_ms{outcome=failed}", 90],
      ["ordo.steps.completed", 1],
    ]);
  });
});

describe("summarizeMetrics: queue wait next to step duration", () => {
  it("sorts ordo.step.queue_wait_ms right after ordo.step.duration_ms with its own percentiles", () => {
    const waits = Array.from({ length: 20 }, (_, i) => ({
      name: "ordo.step.queue_wait_ms",
      value: (i + 1) * 10,
      at: i,
    }));
    const rows = summarizeMetrics([
      { name: "ordo.steps.started", value: 1, at: 0 },
      ...waits,
      { name: "ordo.step.duration_ms", value: 5, at: 0 },
    ]);
    expect(rows.map((r) => r.name)).toEqual([
      "ordo.step.duration_ms",
      "ordo.step.queue_wait_ms",
      "ordo.steps.started",
    ]);
    // 20 values 10..200: nearest rank p50 = 10th = 100, p95 = 19th = 190.
    expect(rows[1]).toMatchObject({ count: 20, p50: 100, p95: 190, p99: 200, max: 200 });
  });
});
