/**
 * Aggregation of per-run results into one summary per workload (medians over runs), the JSON line
 * printed for it, the targets from the issue, and the markdown written to bench/RESULTS.md.
 */

import { median, round } from "./metrics.js";
import type { RunResult, SystemName } from "./protocol.js";
import type { WorkloadName } from "./workloads.js";

/** One workload's medians over runs; `null` when a system was not run or failed. */
export interface WorkloadSummary {
  readonly workload: WorkloadName;
  readonly label: string;
  readonly steps: number;
  readonly runs: number;
  readonly ordo_steps_per_s: number | null;
  readonly bullmq_steps_per_s: number | null;
  /** ordo_steps_per_s / bullmq_steps_per_s (ratio of medians). */
  readonly ratio: number | null;
  readonly embedded_steps_per_s: number | null;
  /**
   * BullMQ CPU per step / Ordo CPU per step (worker + redis-server, medians): how much less CPU
   * Ordo spends per step. Far less sensitive to other load on the machine than steps/s.
   */
  readonly cpu_efficiency_ratio: number | null;
  readonly ordo_dep_latency_p50_ms: number | null;
  readonly ordo_dep_latency_p99_ms: number | null;
  readonly ordo_flow_p99_ms: number | null;
  /** Commands sent by the worker process (client-side count) per step. */
  readonly ordo_roundtrips_per_step: number | null;
  /** Server commands per step including those run inside Lua scripts. */
  readonly ordo_redis_cmds_per_step: number | null;
  readonly ordo_script_calls_per_step: number | null;
  readonly ordo_peak_rss_mb: number | null;
  /** CPU microseconds per step in the worker process and in redis-server. */
  readonly ordo_worker_cpu_us_per_step: number | null;
  readonly ordo_redis_cpu_us_per_step: number | null;
  readonly bullmq_dep_latency_p50_ms: number | null;
  readonly bullmq_dep_latency_p99_ms: number | null;
  readonly bullmq_flow_p99_ms: number | null;
  readonly bullmq_roundtrips_per_step: number | null;
  readonly bullmq_peak_rss_mb: number | null;
  readonly bullmq_worker_cpu_us_per_step: number | null;
  readonly bullmq_redis_cpu_us_per_step: number | null;
  readonly embedded_dep_latency_p99_ms: number | null;
  readonly embedded_flow_p99_ms: number | null;
  readonly embedded_peak_rss_mb: number | null;
  /** Every run's steps/s, per system, to show the noise behind the medians. */
  readonly per_run_steps_per_s: Readonly<Partial<Record<SystemName, number[]>>>;
  readonly errors?: readonly string[];
}

type Metric = keyof Omit<RunResult, "system" | "workload" | "topCommands">;

type Med = (system: SystemName, metric: Metric, digits?: number) => number | null;

function cpuRatio(med: Med): number | null {
  const total = (system: SystemName) => {
    const worker = med(system, "workerCpuUsPerStep");
    const redis = med(system, "redisCpuUsPerStep");
    return worker === null || redis === null ? null : worker + redis;
  };
  const [ordo, bullmq] = [total("ordo"), total("bullmq")];
  return ordo && bullmq ? round(bullmq / ordo, 2) : null;
}

/** Builds the summary of one workload from all its runs (any system). */
export function summarize(
  workload: WorkloadName,
  label: string,
  steps: number,
  runs: number,
  results: readonly RunResult[],
  errors: readonly string[],
): WorkloadSummary {
  const med: Med = (system, metric, digits = 2) => {
    const values = results.filter((r) => r.system === system).map((r) => r[metric] as number);
    return round(median(values), digits);
  };
  const ordo = med("ordo", "stepsPerSec", 0);
  const bullmq = med("bullmq", "stepsPerSec", 0);
  const perRun: Partial<Record<SystemName, number[]>> = {};
  for (const r of results) {
    perRun[r.system] = [...(perRun[r.system] ?? []), Math.round(r.stepsPerSec)];
  }
  return {
    workload,
    label,
    steps,
    runs,
    ordo_steps_per_s: ordo,
    bullmq_steps_per_s: bullmq,
    ratio: ordo !== null && bullmq ? round(ordo / bullmq, 2) : null,
    embedded_steps_per_s: med("embedded", "stepsPerSec", 0),
    cpu_efficiency_ratio: cpuRatio(med),
    ordo_dep_latency_p50_ms: med("ordo", "depLatencyP50Ms", 3),
    ordo_dep_latency_p99_ms: med("ordo", "depLatencyP99Ms", 3),
    ordo_flow_p99_ms: med("ordo", "flowP99Ms", 1),
    ordo_roundtrips_per_step: med("ordo", "clientCommandsPerStep", 3),
    ordo_redis_cmds_per_step: med("ordo", "serverCommandsPerStep", 2),
    ordo_script_calls_per_step: med("ordo", "scriptCallsPerStep", 3),
    ordo_peak_rss_mb: med("ordo", "peakRssMb", 1),
    ordo_worker_cpu_us_per_step: med("ordo", "workerCpuUsPerStep", 0),
    ordo_redis_cpu_us_per_step: med("ordo", "redisCpuUsPerStep", 0),
    bullmq_dep_latency_p50_ms: med("bullmq", "depLatencyP50Ms", 3),
    bullmq_dep_latency_p99_ms: med("bullmq", "depLatencyP99Ms", 3),
    bullmq_flow_p99_ms: med("bullmq", "flowP99Ms", 1),
    bullmq_roundtrips_per_step: med("bullmq", "clientCommandsPerStep", 3),
    bullmq_peak_rss_mb: med("bullmq", "peakRssMb", 1),
    bullmq_worker_cpu_us_per_step: med("bullmq", "workerCpuUsPerStep", 0),
    bullmq_redis_cpu_us_per_step: med("bullmq", "redisCpuUsPerStep", 0),
    embedded_dep_latency_p99_ms: med("embedded", "depLatencyP99Ms", 3),
    embedded_flow_p99_ms: med("embedded", "flowP99Ms", 1),
    embedded_peak_rss_mb: med("embedded", "peakRssMb", 1),
    per_run_steps_per_s: perRun,
    ...(errors.length > 0 ? { errors } : {}),
  };
}

/** One target of the issue, checked against the summaries. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** null when the number was not measured in this run. */
  readonly pass: boolean | null;
}

function check(
  target: string,
  value: number | null | undefined,
  ok: (v: number) => boolean,
  unit = "",
): TargetCheck {
  if (value === null || value === undefined)
    return { target, measured: "not measured", pass: null };
  return { target, measured: `${value}${unit}`, pass: ok(value) };
}

/** The issue's targets (ratios are of medians over runs). */
export function checkTargets(summaries: readonly WorkloadSummary[]): TargetCheck[] {
  const by = (w: WorkloadName) => summaries.find((s) => s.workload === w);
  const checks = [
    check("fan-out: Ordo >= 2x BullMQ", by("fanout")?.ratio, (v) => v >= 2, "x"),
    check("diamond: Ordo >= 2x BullMQ", by("diamond")?.ratio, (v) => v >= 2, "x"),
    check("chain: Ordo >= 1.5x BullMQ", by("chain")?.ratio, (v) => v >= 1.5, "x"),
    check("independent: Ordo >= 1.5x BullMQ", by("independent")?.ratio, (v) => v >= 1.5, "x"),
    check(
      "chain: p99 dependency->dependent latency <= 2 ms",
      by("chain")?.ordo_dep_latency_p99_ms,
      (v) => v <= 2,
      " ms",
    ),
    check(
      "diamond: flow time p99 <= 70 ms",
      by("diamond")?.ordo_flow_p99_ms,
      (v) => v <= 70,
      " ms",
    ),
  ];
  for (const s of summaries) {
    checks.push(
      check(
        `${s.workload}: <= 1.5 Redis round trips per step`,
        s.ordo_roundtrips_per_step,
        (v) => v <= 1.5,
      ),
    );
  }
  checks.push(
    check(
      "embedded: >= 3,000 steps/s on the diamond workload",
      by("diamond")?.embedded_steps_per_s,
      (v) => v >= 3000,
      " steps/s",
    ),
  );
  return checks;
}

/** Facts about the machine and versions printed above the table. */
export interface RunMeta {
  readonly date: string;
  readonly commit: string;
  readonly cpu: string;
  readonly cpus: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly redis: string;
  readonly bullmq: string;
  readonly ordo: string;
  readonly runs: number;
  readonly concurrency: number;
  readonly quick: boolean;
  readonly transport: string;
}

const cell = (v: number | null | undefined, unit = ""): string =>
  v === null || v === undefined ? "–" : `${v.toLocaleString("en-US")}${unit}`;

/** Renders bench/RESULTS.md: environment, table, targets, then the methodology text. */
export function renderMarkdown(
  meta: RunMeta,
  summaries: readonly WorkloadSummary[],
  methodology: string,
): string {
  const rows = summaries.map(
    (s) =>
      `| ${s.label} | ${s.steps} | ${cell(s.ordo_steps_per_s)} | ${cell(s.bullmq_steps_per_s)} | ` +
      `${cell(s.ratio, "x")} | ${cell(s.cpu_efficiency_ratio, "x")} | ${cell(s.embedded_steps_per_s)} | ${cell(s.ordo_dep_latency_p50_ms)} / ` +
      `${cell(s.ordo_dep_latency_p99_ms)} | ${cell(s.bullmq_dep_latency_p50_ms)} / ` +
      `${cell(s.bullmq_dep_latency_p99_ms)} | ${cell(s.ordo_flow_p99_ms)} / ${cell(s.bullmq_flow_p99_ms)} | ` +
      `${cell(s.ordo_roundtrips_per_step)} (${cell(s.ordo_redis_cmds_per_step)}) | ` +
      `${cell(s.bullmq_roundtrips_per_step)} | ${cell(s.ordo_peak_rss_mb)} / ${cell(s.bullmq_peak_rss_mb)} |`,
  );
  const targets = checkTargets(summaries).map(
    (t) =>
      `| ${t.target} | ${t.measured} | ${t.pass === null ? "not measured" : t.pass ? "pass" : "**miss**"} |`,
  );
  const noise = summaries.map(
    (s) =>
      `- ${s.label}: ${Object.entries(s.per_run_steps_per_s)
        .map(([system, values]) => `${system} ${values.join(", ")}`)
        .join("; ")}${s.errors ? ` (errors: ${s.errors.length}, see console)` : ""}`,
  );
  return [
    "# Ordo vs BullMQ benchmark",
    "",
    "Generated by `npm run bench` (bench/run.ts); do not edit by hand. Methodology below the tables.",
    "",
    `- Date: ${meta.date}; commit ${meta.commit}${meta.quick ? "; **--quick smoke sizes**" : ""}`,
    `- Machine: ${meta.cpu}, ${meta.cpus} CPUs, ${meta.memoryGb} GB RAM; Node ${meta.node}`,
    `- Redis ${meta.redis} (${meta.transport}, persistence off); BullMQ ${meta.bullmq}; Ordo ${meta.ordo}`,
    `- Runs per workload and system: ${meta.runs} (medians reported); worker concurrency ${meta.concurrency}; one worker process`,
    "",
    "| workload | steps | Ordo steps/s | BullMQ steps/s | ratio | CPU/step BullMQ : Ordo | embedded steps/s | Ordo dep->dependent p50 / p99 ms | BullMQ dep->dependent p50 / p99 ms | flow p99 ms Ordo / BullMQ | Ordo round trips/step (server cmds incl. Lua) | BullMQ round trips/step | peak RSS MiB Ordo / BullMQ |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    "## Targets",
    "",
    "| target | measured (median) | result |",
    "| --- | ---: | --- |",
    ...targets,
    "",
    "## Steps/s of every run",
    "",
    ...noise,
    "",
    methodology.trim(),
    "",
  ].join("\n");
}
