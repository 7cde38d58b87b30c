/**
 * Ordo side: the workloads as IR documents (one execution per graph), started with the runtime's
 * client and run by one worker with concurrency N and a no-op plugin, all in this process.
 * `runEmbedded` runs the same on the embedded engine (no Redis).
 */
import { performance } from "node:perf_hooks";
import type { JsonSchema, PipelineIR } from "@ordo/core";
import { defineStep, type StepPlugin } from "@ordo/step";
import { z } from "zod";
import type { RawRun, RunContext, SystemRunner } from "./protocol.js";
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
function noopPlugin(ctx: RunContext): StepPlugin {
  return defineStep({
    type: "bench.noop",
    version: "1.0.0",
    input: z.object({}),
    output: z.object({}),
    async run(_input, step) {
      ctx.recorder.started(step.executionId, step.stepId);
      ctx.recorder.ended(step.executionId, step.stepId);
      return {};
    },
  }) as unknown as StepPlugin;
}

// The runtime (packages/runtime) is being written in parallel; until it exports its client and
// worker, the bench talks to it through this expected shape and fails at run time, not compile time.
interface ExecutionHandleLike {
  readonly id?: string;
  readonly executionId?: string;
  result(): Promise<unknown>;
}
interface RuntimeLike {
  createClient(options: Record<string, unknown>): {
    start(ir: PipelineIR, input: Record<string, unknown>): Promise<ExecutionHandleLike>;
    close(): Promise<void>;
  };
  createWorker(options: Record<string, unknown>): { close(): Promise<void> };
}

const depsIndexes = new WeakMap<BenchGraph, Map<string, readonly string[]>>();
function depsIndex(graph: BenchGraph): Map<string, readonly string[]> {
  let index = depsIndexes.get(graph);
  if (index) return index;
  index = new Map(graph.nodes.map((n) => [n.id, n.deps]));
  depsIndexes.set(graph, index);
  return index;
}

async function run(
  workload: WorkloadSpec,
  ctx: RunContext,
  connection: Record<string, unknown>,
): Promise<RawRun> {
  const runtime = (await import("@ordo/runtime")) as unknown as RuntimeLike;
  if (typeof runtime.createClient !== "function")
    throw new Error("@ordo/runtime does not export createClient yet");
  const irs = new Map<number, PipelineIR>();
  const irOf = (graph: BenchGraph): PipelineIR => {
    // Identical shapes share one IR object (20,000 one-step executions use the same definition).
    const size = graph.nodes.length;
    if (!irs.has(size)) irs.set(size, toIr(`bench-${workload.name}`, graph));
    return irs.get(size)!;
  };
  const client = runtime.createClient(connection);
  const worker = runtime.createWorker({
    ...connection,
    plugins: [noopPlugin(ctx)],
    concurrency: ctx.request.concurrency,
  });

  await ctx.measure.begin();
  const t0 = performance.now();
  const handles = await Promise.all(workload.graphs.map((g) => client.start(irOf(g), {})));
  const graphKeys = handles.map((h) => h.executionId ?? h.id ?? "");
  await Promise.all(
    handles.map((h, g) => h.result().then(() => ctx.recorder.graphDone(graphKeys[g]!))),
  );
  const wallMs = graphKeys.reduce((m, k) => Math.max(m, ctx.recorder.doneAt(k)!), t0) - t0;
  await ctx.measure.end();

  await worker.close();
  await client.close();
  return {
    wallMs,
    graphKeys,
    submittedAt: graphKeys.map(() => t0),
    depsOf: (g, nodeId) => depsIndex(workload.graphs[g]!).get(nodeId) ?? [],
  };
}

/** Ordo on the bench Redis, with ledger, leases and fencing at their defaults (on). */
export const runOrdo: SystemRunner = (workload, ctx) =>
  run(workload, ctx, { connection: redisOptions(ctx.request.target!), prefix: ctx.request.prefix });

/** Ordo's embedded engine: no Redis. */
export const runEmbedded: SystemRunner = (workload, ctx) => run(workload, ctx, { embedded: true });
