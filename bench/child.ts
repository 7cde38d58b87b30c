/**
 * Worker child: runs one (system, workload) measurement sent by bench/run.ts over IPC, reports a
 * {@link RunResult} and exits. A fresh process per measurement keeps peak RSS per run and stops
 * one system's warm caches or leftover timers from touching the other's numbers.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { Redis } from "ioredis";
import { dependencyLatencies, flowTimes, percentile, StepRecorder } from "./metrics.js";
import type {
  ChildMessage,
  RawRun,
  RunContext,
  RunRequest,
  RunResult,
  SystemFactory,
  SystemUnderTest,
} from "./protocol.js";
import { CommandMeter, readCounters, redisOptions, type ServerCounters } from "./redis.js";
import { buildWorkload, type WorkloadSpec } from "./workloads.js";

async function loadSystem(request: RunRequest): Promise<SystemFactory> {
  // Imported lazily so a broken or missing side does not stop the other from being measured.
  if (request.system === "bullmq") return (await import("./bullmq.js")).createBullmq;
  const ordo = await import("./ordo.js");
  return request.system === "embedded" ? ordo.createEmbedded : ordo.createOrdo;
}

interface Counted {
  client: number;
  server: ServerCounters;
  workerCpuMs: number;
  topCommands: Record<string, number>;
}

/** V8 CPU profile of the timed window only (`--profile <dir>`), written as `<name>.cpuprofile`. */
class WindowProfiler {
  private readonly session = new Session();
  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post("Profiler.enable");
    await this.session.post("Profiler.setSamplingInterval", { interval: 100 });
    await this.session.post("Profiler.start");
  }

  async stop(name: string): Promise<void> {
    const { profile } = await this.session.post("Profiler.stop");
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, `${name}.cpuprofile`), JSON.stringify(profile));
    this.session.disconnect();
  }
}

/**
 * Untimed warm-up on the same connections: the workload at `--quick` size, then one graph of the
 * full size (so each distinct definition is known to client and worker, as in a deployed system).
 * Both systems are then measured in steady state, not while V8 is still compiling their code.
 */
async function warmUp(system: SystemUnderTest, workload: WorkloadSpec): Promise<void> {
  const idle = { async begin() {}, async end() {} };
  const quick = buildWorkload(workload.name, true);
  await system.run(quick, { recorder: new StepRecorder(), measure: idle });
  const one = workload.graphs.slice(0, 1);
  const steps = one[0]!.nodes.length;
  await system.run(
    { ...workload, graphs: one, steps },
    { recorder: new StepRecorder(), measure: idle },
  );
}

async function measureOnce(request: RunRequest): Promise<RunResult> {
  const meter = new CommandMeter();
  meter.install();
  const workload = buildWorkload(request.workload, request.quick);
  const recorder = new StepRecorder();
  const profileDir = process.env.ORDO_BENCH_PROFILE_DIR;
  const profiler = profileDir ? new WindowProfiler(profileDir) : null;
  const probe = request.target ? new Redis(redisOptions(request.target)) : null;
  let before: ServerCounters = { commands: 0, scripts: 0, cpuMs: 0 };
  let cpuBefore = process.cpuUsage();
  const counted: Counted = {
    client: 0,
    server: { commands: 0, scripts: 0, cpuMs: 0 },
    workerCpuMs: 0,
    topCommands: {},
  };
  const ctx: RunContext = {
    recorder,
    measure: {
      async begin() {
        if (probe) before = await readCounters(probe);
        await profiler?.start();
        meter.start();
        cpuBefore = process.cpuUsage();
      },
      async end() {
        const cpu = process.cpuUsage(cpuBefore);
        counted.workerCpuMs = (cpu.user + cpu.system) / 1000;
        await profiler?.stop(`${request.workload}-${request.system}-${request.prefix}`);
        meter.stop();
        counted.client = meter.count;
        counted.topCommands = Object.fromEntries(
          [...meter.byName].sort((a, b) => b[1] - a[1]).slice(0, 8),
        );
        if (!probe) return;
        const after = await readCounters(probe);
        // The three INFO calls of `before` are counted in `after`.
        counted.server = {
          commands: after.commands - before.commands - 3,
          scripts: after.scripts - before.scripts,
          cpuMs: after.cpuMs - before.cpuMs,
        };
      },
    },
  };
  const system = await (await loadSystem(request))(request, meter);
  if (!request.quick) await warmUp(system, workload);
  const raw = await system.run(workload, ctx);
  await system.close();
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
    workerCpuUsPerStep: (counted.workerCpuMs * 1000) / steps,
    redisCpuUsPerStep: request.target ? (counted.server.cpuMs * 1000) / steps : Number.NaN,
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
