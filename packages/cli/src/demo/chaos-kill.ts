/**
 * Worker kills for the chaos demos: once enough of the execution is done, `count` workers with
 * steps in flight crash: in-process ones by `close({ abandon: true })` (no report, no release, no
 * heartbeat), worker processes by SIGKILL. Their steps come back when their leases expire and
 * other workers finish them.
 */
import type { Client, Worker } from "@ordo/runtime";
import type { TextSink } from "../io.js";
import type { ChildWorkers } from "./child-workers.js";

/** Something the chaos demo can crash: an in-process worker or a worker process. */
export interface KillTarget {
  readonly id: string;
  /** Has steps in flight (unknown for processes: assumed busy). */
  inFlight(): boolean;
  /** Crashes it: nothing reported, nothing released, no more heartbeats. */
  kill(): void;
  /** How the kill is described, e.g. `process 1234 SIGKILLed`. */
  readonly how: string;
}

/** Kill targets of in-process workers (`close({ abandon: true })`). */
export function workerTargets(workers: readonly Worker[]): KillTarget[] {
  return workers.map((w) => ({
    id: w.id,
    inFlight: () => w.stats.claimed > w.stats.completed + w.stats.failed,
    kill: () => void w.close({ abandon: true }),
    how: "killed",
  }));
}

/** Kill targets of worker processes (SIGKILL: a real crash). */
export function processTargets(children: ChildWorkers): KillTarget[] {
  return children.list.map((c) => ({
    id: c.workerId,
    inFlight: () => true,
    kill: () => children.kill(c),
    how: `process ${c.pid} SIGKILLed`,
  }));
}

/** Starts watching; returns a function that stops the watch. */
export function scheduleKills(options: {
  readonly client: Client;
  readonly targets: readonly KillTarget[];
  readonly executionId: string;
  readonly count: number;
  /** Kill once this share of steps is terminal (0..1). */
  readonly at: number;
  readonly out: TextSink;
}): () => void {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, 25));
      let state: Awaited<ReturnType<Client["status"]>>;
      try {
        state = await options.client.status(options.executionId);
      } catch {
        continue; // not created yet
      }
      if (state.status !== "running") return;
      const steps = Object.values(state.steps);
      const done = steps.filter((s) => s.status === "completed").length;
      if (done < steps.length * options.at) continue;
      // Workers with steps in flight first (those steps must be recovered), then idle ones.
      const busy = (t: KillTarget) => Number(t.inFlight());
      const order = [...options.targets].sort((a, b) => busy(b) - busy(a));
      for (const target of order.slice(0, Math.min(options.count, options.targets.length - 1))) {
        const note = target.inFlight()
          ? "mid-step; its leases expire, others recover"
          : "while idle";
        options.out.write(`[KILL]      ${target.id} ${target.how} ${note}\n`);
        target.kill();
      }
      return;
    }
  };
  void loop().catch(() => undefined);
  return () => {
    stopped = true;
  };
}
