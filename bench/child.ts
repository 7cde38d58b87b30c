/**
 * Worker child: runs one (system, workload) measurement sent by bench/run.ts over IPC, reports a
 * {@link RunResult} and exits. A fresh process per measurement keeps peak RSS per run and stops
 * one system's warm caches or leftover timers from touching the other's numbers.
 */
import { Redis } from "ioredis";
import { dependencyLatencies, flowTimes, percentile, StepRecorder } from "./metrics.js";
import type {
  ChildMessage,
  RawRun,
  RunContext,
  RunRequest,
  RunResult,
  SystemRunner,
} from "./protocol.js";
import { CommandMeter, readCounters, redisOptions, type ServerCounters } from "./redis.js";
import { buildWorkload, type WorkloadSpec } from "./workloads.js";

async function loadRunner(request: RunRequest): Promise<SystemRunner> {
  // Imported lazily so a broken or missing side does not stop the other from being measured.
  if (request.system === "bullmq") return (await import("./bullmq.js")).runBullmq;
  const ordo = await import("./ordo.js");
  return request.system === "embedded" ? ordo.runEmbedded : ordo.runOrdo;
}

interface Counted {
  client: number;
  server: ServerCounters;
  topCommands: Record<string, number>;
}

async function measureOnce(request: RunRequest): Promise<RunResult> {
  const meter = new CommandMeter();
  meter.install();
  const workload = buildWorkload(request.workload, request.quick);
  const recorder = new StepRecorder();
  const probe = request.target ? new Redis(redisOptions(request.target)) : null;
  let before: ServerCounters = { commands: 0, scripts: 0 };
  const counted: Counted = { client: 0, server: { commands: 0, scripts: 0 }, topCommands: {} };
  const ctx: RunContext = {
    request,
    recorder,
    measure: {
      async begin() {
        if (probe) before = await readCounters(probe);
        meter.start();
      },
      async end() {
        meter.stop();
        counted.client = meter.count;
        counted.topCommands = Object.fromEntries(
          [...meter.byName].sort((a, b) => b[1] - a[1]).slice(0, 8),
        );
        if (!probe) return;
        const after = await readCounters(probe);
        // The two INFO calls of `before` are counted in `after`.
        counted.server = {
          commands: after.commands - before.commands - 2,
          scripts: after.scripts - before.scripts,
        };
      },
    },
  };
  const runner = await loadRunner(request);
  const raw = await runner(workload, ctx);
  probe?.disconnect();
  return summarize(request, workload, raw, recorder, counted);
}

function summarize(
  request: RunRequest,
  workload: WorkloadSpec,
  raw: RawRun,
  recorder: StepRecorder,
  counted: Counted,
): RunResult {
  const latencies = dependencyLatencies(recorder, workload.graphs, raw.graphKeys, raw.depsOf);
  const flows = flowTimes(recorder, raw.graphKeys, raw.submittedAt);
  const steps = workload.steps;
  return {
    system: request.system,
    workload: request.workload,
    steps,
    wallMs: raw.wallMs,
    stepsPerSec: (steps / raw.wallMs) * 1000,
    depLatencyP50Ms: percentile(latencies, 0.5),
    depLatencyP99Ms: percentile(latencies, 0.99),
    flowP50Ms: percentile(flows, 0.5),
    flowP99Ms: percentile(flows, 0.99),
    clientCommandsPerStep: request.target ? counted.client / steps : Number.NaN,
    serverCommandsPerStep: request.target ? counted.server.commands / steps : Number.NaN,
    scriptCallsPerStep: request.target ? counted.server.scripts / steps : Number.NaN,
    topCommands: counted.topCommands,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

process.once("message", (request: RunRequest) => {
  measureOnce(request)
    .then((result) => send({ ok: true, result }))
    .catch((err: unknown) =>
      send({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    )
    // Exit explicitly: a system that leaves a timer or socket open must not hang the bench.
    .finally(() => process.exit(0));
});
