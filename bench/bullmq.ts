/**
 * BullMQ side: the workloads as FlowProducer flows (plain jobs via `addBulk` for independent
 * steps), one Worker with concurrency N and a no-op processor, in this process.
 *
 * BullMQ flows are trees: a parent runs after all its children, and a job has one parent. A DAG
 * node with several dependents (the diamond's and fan-out's root) cannot be shared, so `toFlowTree`
 * places every node exactly once, under the first dependent that reaches it from the sink:
 * - chain of 200: a flow nested 200 deep (s0 is the deepest child and runs first);
 * - fan-out/fan-in of 1000: `join` with 998 children; `root` is a child of the first middle only,
 *   so the job count (1000) and the critical path (3 levels) match, but 997 middles do not wait
 *   for `root` (this favours BullMQ);
 * - diamond of 10: the same shape at size 10 (join, 8 middles, root under the first middle);
 * - independent: 20,000 plain jobs, one `addBulk`.
 * Job options are BullMQ's defaults (completed jobs kept, locks and stalled checks on).
 */
import { performance } from "node:perf_hooks";
import { setTimeout } from "node:timers/promises";
import {
  type ConnectionOptions,
  type FlowJob,
  type FlowJobNode,
  FlowProducer,
  type Job,
  Queue,
  Worker,
} from "bullmq";
import type { StepRecorder } from "./metrics.js";
import { SETTLE_MS, type SystemFactory } from "./protocol.js";
import { redisOptions } from "./redis.js";
import type { BenchGraph } from "./workloads.js";

const QUEUE = "bench";

interface JobData {
  /** Graph key. */
  readonly g: string;
  /** Node id. */
  readonly n: string;
  /** True for the flow's top job (its completion completes the graph). */
  readonly top: boolean;
}

/** Children of each node in the flow tree built from `graph` (see module doc). */
export function flowTreeChildren(graph: BenchGraph): Map<string, string[]> {
  const deps = new Map(graph.nodes.map((n) => [n.id, n.deps]));
  const children = new Map<string, string[]>();
  const placed = new Set<string>();
  const sink = graph.nodes[graph.nodes.length - 1]!.id;
  placed.add(sink);
  // Iterative depth-first walk (chains are 200 deep); all of a node's unplaced deps become its
  // children before any of them is expanded, so middles stay direct children of the join.
  const stack = [sink];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const mine = (deps.get(id) ?? []).filter((d) => !placed.has(d));
    for (const d of mine) placed.add(d);
    children.set(id, mine);
    for (let i = mine.length - 1; i >= 0; i--) stack.push(mine[i]!);
  }
  return children;
}

function toFlow(graphKey: string, tree: Map<string, string[]>, sink: string): FlowJob {
  const node = (id: string, top: boolean): FlowJobNode => {
    const data: JobData = { g: graphKey, n: id, top };
    const kids = tree.get(id) ?? [];
    return kids.length === 0
      ? { name: "noop", queueName: QUEUE, data }
      : { name: "noop", queueName: QUEUE, data, children: kids.map((k) => node(k, false)) };
  };
  return node(sink, true) as FlowJob;
}

/** The run in progress: where the processor and the `completed` listener report. */
interface Current {
  readonly recorder: StepRecorder;
  readonly expected: number;
  completed: number;
  lastCompletion: number;
  resolve(): void;
}

/** Connects a BullMQ worker (concurrency N), queue and flow producer; see module doc. */
export const createBullmq: SystemFactory = async (request) => {
  // ioredis options; BullMQ's own RedisOptions type differs only in typing (index signature).
  const connection = redisOptions(request.target!, {
    maxRetriesPerRequest: null,
  }) as ConnectionOptions;
  const prefix = request.prefix;
  let current: Current | undefined;
  const worker = new Worker<JobData>(
    QUEUE,
    async (job: Job<JobData>) => {
      current?.recorder.started(job.data.g, job.data.n);
      current?.recorder.ended(job.data.g, job.data.n);
      return null;
    },
    { connection, prefix, concurrency: request.concurrency },
  );
  worker.on("completed", (job: Job<JobData>) => {
    if (!current) return;
    current.lastCompletion = performance.now();
    if (job.data.top) current.recorder.graphDone(job.data.g, current.lastCompletion);
    if (++current.completed === current.expected) current.resolve();
  });
  worker.on("error", (err) => console.error("bullmq worker error:", err));
  const queue = new Queue<JobData>(QUEUE, { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  await Promise.all([worker.waitUntilReady(), queue.waitUntilReady(), flows.waitUntilReady()]);
  await setTimeout(SETTLE_MS);
  let runs = 0;

  return {
    async run(workload, ctx) {
      const trees = workload.graphs.map(flowTreeChildren);
      const graphKeys = workload.graphs.map((_, g) => `r${runs}g${g}`);
      runs++;
      const allDone = new Promise<void>((resolve) => {
        current = {
          recorder: ctx.recorder,
          expected: workload.steps,
          completed: 0,
          lastCompletion: 0,
          resolve,
        };
      });
      const run = current!;
      await ctx.measure.begin();
      const t0 = performance.now();
      if (workload.name === "independent") {
        const jobs = graphKeys.map((g) => ({ name: "noop", data: { g, n: "s0", top: true } }));
        await queue.addBulk(jobs);
      } else {
        const sinks = workload.graphs.map((graph) => graph.nodes[graph.nodes.length - 1]!.id);
        await flows.addBulk(graphKeys.map((key, g) => toFlow(key, trees[g]!, sinks[g]!)));
      }
      await allDone;
      await ctx.measure.end();
      return {
        wallMs: run.lastCompletion - t0,
        graphKeys,
        submittedAt: graphKeys.map(() => t0),
        depsOf: (g, nodeId) => trees[g]?.get(nodeId) ?? [],
      };
    },
    async close() {
      await Promise.all([worker.close(), queue.close(), flows.close()]);
    },
  };
};
