/** The body of `ordo worker`: run plugins on Redis until a stop signal, then close gracefully. */
import { createWorker, type Worker } from "@ordo/runtime";
import type { StepPlugin } from "@ordo/step";
import type { CliIO } from "../io.js";

/** Options of {@link serveWorker}. */
export interface ServeWorkerOptions {
  readonly redis: string;
  readonly plugins: readonly StepPlugin[];
  readonly concurrency: number;
  readonly prefix?: string;
  readonly workerId?: string;
  /** Give in-flight steps back instead of finishing them when finishing takes longer, ms. Default 30 000. */
  readonly closeTimeoutMs?: number;
}

/**
 * Starts a worker, prints one ready line, waits for `stop` to abort, then stops claiming and
 * finishes its in-flight steps (releasing what is still running after `closeTimeoutMs`).
 * Resolves with the worker once it is closed.
 */
export async function serveWorker(
  io: CliIO,
  options: ServeWorkerOptions,
  stop: AbortSignal,
): Promise<Worker> {
  const worker = createWorker({
    connection: options.redis,
    plugins: options.plugins,
    concurrency: options.concurrency,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.workerId === undefined ? {} : { workerId: options.workerId }),
  });
  const types = options.plugins.map((plugin) => `${plugin.type}@${plugin.version}`).join(", ");
  io.stdout.write(
    `worker ${worker.id} ready on ${options.redis}: concurrency ${options.concurrency}, ` +
      `${options.plugins.length} plugin(s): ${types}\n`,
  );
  if (!stop.aborted) {
    await new Promise<void>((resolve) =>
      stop.addEventListener("abort", () => resolve(), { once: true }),
    );
  }
  const reason = typeof stop.reason === "string" ? stop.reason : "stop requested";
  io.stdout.write(`${reason}: closing worker ${worker.id} (finishing in-flight steps)\n`);
  await worker.close({ timeoutMs: options.closeTimeoutMs ?? 30_000 });
  const { claimed, completed, failed } = worker.stats;
  io.stdout.write(
    `worker ${worker.id} closed: claimed ${claimed}, completed ${completed}, failed ${failed}\n`,
  );
  return worker;
}
