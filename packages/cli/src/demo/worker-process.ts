/**
 * The body of a demo worker process (`ordo demo <scenario> --serve-worker <name> --redis URL`,
 * started by `child-workers.ts`): one worker running the scenario's plugins until SIGTERM or
 * SIGINT, externalizing large outputs to the durable store when one is given.
 */
import { hostname } from "node:os";
import { createWorker, type DurableStore } from "@ordo/runtime";
import type { StepPlugin } from "@ordo/step";
import type { CliIO } from "../io.js";
import { observeAllProviderRuns } from "./plugins.js";

/** Options of {@link serveDemoWorker}. */
export interface DemoWorkerOptions {
  readonly name: string;
  readonly redis: string;
  readonly prefix: string;
  readonly concurrency: number;
  readonly plugins: readonly StepPlugin[];
  readonly store?: DurableStore;
}

/**
 * Prints `ready <workerId>`, then `run <json>` per provider call of the demo plugins (the parent
 * measures concurrency from them), runs until a stop signal, then finishes in-flight steps and
 * prints `closed <workerId>: claimed N, completed N, failed N`.
 */
export async function serveDemoWorker(io: CliIO, options: DemoWorkerOptions): Promise<void> {
  observeAllProviderRuns((run) => io.stdout.write(`run ${JSON.stringify(run)}\n`));
  const worker = createWorker({
    connection: options.redis,
    prefix: options.prefix,
    plugins: options.plugins,
    concurrency: options.concurrency,
    idleWaitMs: 50,
    workerId: `${hostname()}:${process.pid}:${options.name}`,
    // The parent demo process ships the ledger; workers only externalize payloads.
    ...(options.store ? { durable: { store: options.store, ship: false } } : {}),
  });
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  io.stdout.write(`ready ${worker.id}\n`);
  await stopped;
  await worker.close({ timeoutMs: 10_000 });
  const { claimed, completed, failed } = worker.stats;
  io.stdout.write(
    `closed ${worker.id}: claimed ${claimed}, completed ${completed}, failed ${failed}\n`,
  );
}
