/**
 * Everything in one process with no Redis server: an embedded engine, a worker and a client
 * sharing it. The same scripts run as on Redis.
 */
import type { StepPlugin } from "@ordo/step";
import { EmbeddedRedis } from "../embedded/index.js";
import { type Client, createClient } from "./client.js";
import type { ClientDurableOptions, WorkerDurableOptions } from "./durable-options.js";
import { createWorker, type Worker, type WorkerOptions } from "./worker.js";

/** Options of {@link createEmbeddedRuntime}. */
export interface EmbeddedRuntimeOptions
  extends Omit<WorkerOptions, "connection" | "plugins" | "autostart"> {
  readonly plugins: readonly StepPlugin[];
  /**
   * A durable store (`durable: { store }`) externalizes large payloads and ships the ledger, as
   * for `createWorker`; the client reads externalized values back. Default none: the embedded
   * runtime stays dependency-free and keeps everything in memory (open an SQLite store with
   * `openSqliteStore({ path: ".ordo/ordo.db" })` to keep history).
   */
  readonly durable?: WorkerDurableOptions;
  /** An engine to use (e.g. shared with a test); default a new one. */
  readonly engine?: EmbeddedRedis;
}

function clientDurable(durable: WorkerDurableOptions): ClientDurableOptions {
  return {
    store: durable.store,
    ...(durable.inlineMaxBytes === undefined ? {} : { inlineMaxBytes: durable.inlineMaxBytes }),
    ...(durable.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: durable.maxPayloadBytes }),
    ...(durable.retention === undefined ? {} : { retention: durable.retention }),
  };
}

/** A client and a worker over one embedded engine. */
export interface EmbeddedRuntime {
  readonly engine: EmbeddedRedis;
  readonly client: Client;
  readonly worker: Worker;
  /** Closes the worker (finishing in-flight steps) and the client. */
  close(): Promise<void>;
}

/**
 * Creates an in-process runtime.
 *
 * @example
 * ```ts
 * import { createEmbeddedRuntime } from "@ordo/runtime";
 * import { upper } from "./plugins.js";
 * import { pipelineIr } from "./pipeline.js";
 *
 * const ordo = createEmbeddedRuntime({ plugins: [upper], concurrency: 8 });
 * const run = await ordo.client.start(pipelineIr, { text: "hi" });
 * console.log(await run.result());
 * await ordo.close();
 * ```
 */
export function createEmbeddedRuntime(options: EmbeddedRuntimeOptions): EmbeddedRuntime {
  const engine = options.engine ?? new EmbeddedRedis();
  const { engine: _engine, ...workerOptions } = options;
  const worker = createWorker({ ...workerOptions, connection: { embedded: engine } });
  const client = createClient({
    connection: { embedded: engine },
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
    ...(options.durable === undefined ? {} : { durable: clientDurable(options.durable) }),
  });
  return {
    engine,
    client,
    worker,
    async close() {
      await worker.close();
      await client.close();
    },
  };
}
