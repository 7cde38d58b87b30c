/**
 * Worker kills for the chaos demos: once enough of the execution is done, `count` in-process
 * workers that have steps in flight "crash" (`close({ abandon: true })`: no report, no release,
 * no heartbeat). Their steps come back when their leases expire and other workers finish them.
 */
import type { Client, Worker } from "@ordo/runtime";
import type { TextSink } from "../io.js";

/** Starts watching; returns a function that stops the watch. */
export function scheduleKills(options: {
  readonly client: Client;
  readonly workers: readonly Worker[];
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
      const inFlight = (w: Worker) => w.stats.claimed > w.stats.completed + w.stats.failed;
      const order = [...options.workers].sort((a, b) => Number(inFlight(b)) - Number(inFlight(a)));
      for (const worker of order.slice(0, Math.min(options.count, options.workers.length - 1))) {
        const note = inFlight(worker)
          ? "mid-step; its leases expire, others recover"
          : "while idle";
        options.out.write(`[KILL]      ${worker.id} killed ${note}\n`);
        void worker.close({ abandon: true });
      }
      return;
    }
  };
  void loop().catch(() => undefined);
  return () => {
    stopped = true;
  };
}
