/**
 * Ordo side: the workloads as IR documents (one execution per graph), started with the runtime's
 * client and run by one worker with concurrency N and a no-op plugin, all in this process.
 * `runEmbedded` runs the same on the embedded engine (no Redis).
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout } from "node:timers/promises";
import type { JsonSchema, PipelineIR } from "@ordo/core";
import {
  type Client,
  type Connection,
  createClient,
  createWorker,
  EmbeddedRedis,
  type ExecutionHandle,
  LUA_SCRIPTS,
  type Worker,
} from "@ordo/runtime";
import { defineStep, type StepPlugin } from "@ordo/step";
import { z } from "zod";
import type { StepRecorder } from "./metrics.js";
import {
  type RunContext,
  type RunRequest,
  SETTLE_MS,
  type SystemFactory,
  type SystemUnderTest,
} from "./protocol.js";
import type { CommandMeter } from "./redis.js";
import { redisOptions } from "./redis.js";
import type { BenchGraph, WorkloadSpec } from "./workloads.js";

const EMPTY_SCHEMA = z.toJSONSchema(z.object({})) as JsonSchema;

/** The IR of one graph: every node a `bench.noop` step with explicit `dependsOn`. */
export function toIr(name: string, graph: BenchGraph): PipelineIR {
  return {
    ordo: 1,
    name,
    version: "1.0.0",
    input: EMPTY_SCHEMA,
    steps: graph.nodes.map((node) => ({
      id: node.id,
      type: "bench.noop",
      typeVersion: "1.0.0",
      dependsOn: [...node.deps].sort(),
      inputs: {},
      config: {},
      metadata: {},
      trigger: "all_success" as const,
      schemas: { input: EMPTY_SCHEMA, output: EMPTY_SCHEMA },
    })),
  };
}

/** The no-op plugin; it stamps its start and end into the run's recorder. */
function noopPlugin(recorder: () => StepRecorder | undefined): StepPlugin {
  return defineStep({
    type: "bench.noop",
    version: "1.0.0",
    input: z.object({}),
    output: z.object({}),
    async run(_input, step) {
      recorder()?.started(step.executionId, step.stepId);
      recorder()?.ended(step.executionId, step.stepId);
      return {};
    },
  }) as unknown as StepPlugin;
}

const depsIndexes = new WeakMap<BenchGraph, Map<string, readonly string[]>>();
function depsIndex(graph: BenchGraph): Map<string, readonly string[]> {
  let index = depsIndexes.get(graph);
  if (index) return index;
  index = new Map(graph.nodes.map((n) => [n.id, n.deps]));
  depsIndexes.set(graph, index);
  return index;
}

/**
 * Resolves with `performance.now()` once `worker.stats.finalized` reaches `executions`, checked
 * every millisecond in process. `handle.result()` polls Redis (2..50 ms backoff per handle), which
 * would add commands to the round-trip count and up to 50 ms to the wall time.
 */
function whenFinalized(worker: Worker, executions: number): Promise<number> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (worker.stats.finalized < executions) return;
      clearInterval(timer);
      resolve(performance.now());
    }, 1);
  });
}

/**
 * After the timed window: reads each execution's state (the first 1,000; 20,000 reads would take
 * seconds), fails the run unless every step succeeded, and records `finishedAt` (Redis clock,
 * epoch ms, 1 ms resolution) as the execution's completion time for flow times.
 */
async function checkAndCollect(
  client: Client,
  workload: WorkloadSpec,
  handles: readonly ExecutionHandle[],
  ctx: RunContext,
  toPerf: (epochMs: number) => number,
): Promise<void> {
  for (const [g, handle] of handles.slice(0, 1000).entries()) {
    const state = await client.status(handle.executionId);
    const steps = Object.values(state.steps);
    const complete = steps.length === workload.graphs[g]!.nodes.length;
    if (state.status !== "completed" || !complete || steps.some((s) => s.status !== "completed")) {
      throw new Error(`execution ${handle.executionId} ended ${JSON.stringify(state)}`);
    }
    if (state.finishedAt !== undefined) {
      ctx.recorder.graphDone(handle.executionId, toPerf(state.finishedAt));
    }
  }
  if (ctx.recorder.startedCount !== workload.steps) {
    throw new Error(`${ctx.recorder.startedCount} of ${workload.steps} steps ran`);
  }
}

// One IR object per shape, shared by the warm-up and the timed run (the client caches prepared
// definitions by object), and by all 20,000 one-step executions.
const irs = new Map<string, PipelineIR>();
function irOf(workload: WorkloadSpec, graph: BenchGraph): PipelineIR {
  const name = `bench-${workload.name}-${graph.nodes.length}`;
  let ir = irs.get(name);
  if (!ir) {
    ir = toIr(name, graph);
    irs.set(name, ir);
  }
  return ir;
}

async function connect(
  request: RunRequest,
  meter: CommandMeter,
  connection: Connection,
  prefix?: string,
): Promise<SystemUnderTest> {
  for (const script of Object.values(LUA_SCRIPTS)) {
    meter.scriptNames.set(createHash("sha1").update(script.source).digest("hex"), script.name);
  }
  let recorder: StepRecorder | undefined;
  const shared = prefix === undefined ? { connection } : { connection, prefix };
  const client = createClient(shared);
  const worker = createWorker({
    ...shared,
    plugins: [noopPlugin(() => recorder)],
    concurrency: request.concurrency,
  });
  // Opens the client's connection (the worker's opens as it starts claiming) before timing.
  await client.status("bench-warmup").catch(() => undefined);
  await setTimeout(SETTLE_MS);

  return {
    async run(workload, ctx) {
      recorder = ctx.recorder;
      await ctx.measure.begin();
      const finalized = whenFinalized(worker, worker.stats.finalized + workload.graphs.length);
      const t0 = performance.now();
      const t0Epoch = Date.now();
      // Independent graphs share one IR: one startMany (a script call per partition per 500,
      // like BullMQ's addBulk) instead of a start() round trip each.
      const handles =
        workload.name === "independent"
          ? await client.startMany(
              irOf(workload, workload.graphs[0]!),
              workload.graphs.map(() => ({})),
            )
          : await Promise.all(workload.graphs.map((g) => client.start(irOf(workload, g), {})));
      const tEnd = await finalized;
      await ctx.measure.end();
      await checkAndCollect(client, workload, handles, ctx, (epoch) => t0 + (epoch - t0Epoch));
      return {
        wallMs: tEnd - t0,
        graphKeys: handles.map((h) => h.executionId),
        submittedAt: handles.map(() => t0),
        depsOf: (g, nodeId) => depsIndex(workload.graphs[g]!).get(nodeId) ?? [],
      };
    },
    async close() {
      await worker.close();
      await client.close();
    },
  };
}

/** Ordo on the bench Redis, with ledger, leases and fencing at their defaults (on). */
export const createOrdo: SystemFactory = (request, meter) =>
  connect(request, meter, redisOptions(request.target!), request.prefix);

/** Ordo's embedded engine: no Redis; client and worker share one in-process engine. */
export const createEmbedded: SystemFactory = (request, meter) =>
  connect(request, meter, { embedded: new EmbeddedRedis() });
