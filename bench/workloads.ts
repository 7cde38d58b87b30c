/**
 * The four benchmark workloads, described once as plain DAGs so both systems run the same shape.
 *
 * A workload is a list of graphs; each graph is one Ordo execution (one BullMQ flow or job). Every
 * node is one no-op step. `deps` are the node's direct dependencies in the Ordo DAG; the BullMQ
 * side maps them to trees (see bullmq.ts and RESULTS.md for the mapping and what it costs).
 */

/** Names accepted by `--only`. */
export const WORKLOAD_NAMES = ["chain", "fanout", "diamond", "independent"] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** One step of a graph. Ids are valid Ordo step ids (`[A-Za-z][A-Za-z0-9_-]*`). */
export interface BenchNode {
  readonly id: string;
  readonly deps: readonly string[];
}

/** One execution / flow: nodes in a topological order (dependencies first). */
export interface BenchGraph {
  readonly nodes: readonly BenchNode[];
}

/** Sizes of one workload; `--quick` shrinks them. */
export interface WorkloadSpec {
  readonly name: WorkloadName;
  /** Human description for the results table. */
  readonly label: string;
  readonly graphs: readonly BenchGraph[];
  /** Total steps over all graphs: the numerator of steps/s. */
  readonly steps: number;
}

/** Sizes from the issue text, and the smoke sizes used by `--quick`. */
export const SIZES = {
  full: { chain: 200, fanout: 1000, diamonds: 100, diamondSize: 10, independent: 20_000 },
  quick: { chain: 50, fanout: 200, diamonds: 20, diamondSize: 10, independent: 2_000 },
} as const;

function chain(length: number): BenchGraph {
  const nodes: BenchNode[] = [];
  for (let i = 0; i < length; i++) nodes.push({ id: `s${i}`, deps: i === 0 ? [] : [`s${i - 1}`] });
  return { nodes };
}

/** root -> (size - 2) parallel middles -> join. */
function fanOutFanIn(size: number): BenchGraph {
  const middles: BenchNode[] = [];
  for (let i = 0; i < size - 2; i++) middles.push({ id: `m${i}`, deps: ["root"] });
  return {
    nodes: [{ id: "root", deps: [] }, ...middles, { id: "join", deps: middles.map((m) => m.id) }],
  };
}

/** Builds one workload by name at the given scale. */
export function buildWorkload(name: WorkloadName, quick: boolean): WorkloadSpec {
  const size = quick ? SIZES.quick : SIZES.full;
  switch (name) {
    case "chain":
      return finish(name, `chain of ${size.chain}`, [chain(size.chain)]);
    case "fanout":
      return finish(name, `fan-out/fan-in of ${size.fanout}`, [fanOutFanIn(size.fanout)]);
    case "diamond": {
      const graphs = Array.from({ length: size.diamonds }, () => fanOutFanIn(size.diamondSize));
      return finish(name, `${size.diamonds} concurrent diamonds of ${size.diamondSize}`, graphs);
    }
    case "independent": {
      const graphs = Array.from({ length: size.independent }, () => ({
        nodes: [{ id: "s0", deps: [] }],
      }));
      return finish(name, `${size.independent} independent steps`, graphs);
    }
  }
}

function finish(name: WorkloadName, label: string, graphs: BenchGraph[]): WorkloadSpec {
  const steps = graphs.reduce((n, g) => n + g.nodes.length, 0);
  return { name, label, graphs, steps };
}
