/**
 * `ordo metrics`: summarizes the metric points workers wrote to the durable store (observability
 * mode `durable` or `both`): per metric, the number of points, their sum (a counter's total), and
 * p50/p95/p99/max for durations and sizes (e.g. `ordo.step.queue_wait_ms` next to
 * `ordo.step.duration_ms`).
 */
import { type MetricSummary, summarizeMetrics } from "@ordo/runtime";
import { defineCommand, EXIT, usageError } from "../command.js";
import { prettyJson } from "../output.js";
import { openDurable } from "./durable.js";

/** Histograms (values are durations or sizes) print percentiles; counters print their total. */
const HISTOGRAM = /(_ms|\.bytes)(\{|$)/;

export const metricsCommand = defineCommand({
  name: "metrics",
  summary: "Summarize step and execution metrics stored in the durable store.",
  usage:
    "ordo metrics [--store path|url] [--execution id] [--name metric] [--since ms] [--by label] [--json]",
  description: [
    'Reads metric points that workers with `observability: { mode: "durable" }` (or `both`)',
    "wrote, and prints one line per metric: counters with their total, durations (ms) and sizes",
    "(bytes) with count, p50, p95, p99 and max (queue wait, ordo.step.queue_wait_ms, sits next to",
    "step duration). --by splits each metric by a label (outcome, pipeline,",
    "step_type, status...). --since keeps points of the last <ms> milliseconds. --limit caps the",
    "points read (default 100000). With --json prints the summaries.",
  ].join("\n"),
  options: {
    store: {
      type: "string",
      valueName: "path|url",
      description: "SQLite file or mongodb:// URL of the durable store. Default .ordo/ordo.db.",
    },
    db: { type: "string", valueName: "name", description: "MongoDB database name. Default ordo." },
    execution: { type: "string", valueName: "id", description: "Only this execution's points." },
    name: { type: "string", valueName: "metric", description: "Only this metric." },
    since: { type: "string", valueName: "ms", description: "Only points of the last <ms> ms." },
    by: { type: "string", valueName: "label", description: "Split metrics by this label." },
    limit: { type: "string", valueName: "n", description: "Points read at most. Default 100000." },
    json: { type: "boolean", description: "Print JSON." },
  },
  positionals: { min: 0, max: 0 },
  async run({ values }, { io }) {
    const since = optionalInt(values.since, "--since");
    const limit = optionalInt(values.limit, "--limit") ?? 100_000;
    const store = await openDurable(values, io);
    try {
      const points = await store.queryMetrics({
        ...(values.execution === undefined ? {} : { executionId: values.execution }),
        ...(values.name === undefined ? {} : { name: values.name }),
        ...(since === undefined ? {} : { from: Date.now() - since }),
        limit,
      });
      const rows = summarizeMetrics(points, values.by);
      if (values.json) io.stdout.write(prettyJson(rows));
      else if (rows.length === 0) io.stdout.write("no metrics in the durable store\n");
      else io.stdout.write(formatRows(rows));
      return EXIT.OK;
    } finally {
      await store.close();
    }
  },
});

function optionalInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw usageError(`${flag} must be a non-negative integer`);
  return n;
}

function formatRows(rows: readonly MetricSummary[]): string {
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.map((r) => {
    const name = r.name.padEnd(width);
    if (!HISTOGRAM.test(r.name)) return `${name}  ${round(r.sum)}`;
    const unit = r.name.includes(".bytes") ? "B" : "ms";
    const stat = (label: string, v: number) => `${label} ${round(v)} ${unit}`;
    const stats = [stat("p50", r.p50), stat("p95", r.p95), stat("p99", r.p99), stat("max", r.max)];
    return `${name}  ${r.count}  ${stats.join("  ")}`;
  });
  return `${lines.join("\n")}\n`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, "");
}
