/**
 * Where `ordo run` and `ordo demo` execute: a fresh embedded engine (default; private to this
 * process, gone when it exits) or a Redis server, a client, and `workers` in-process workers.
 */
import { hostname } from "node:os";
import {
  type Client,
  type Connection,
  createClient,
  createWorker,
  EmbeddedRedis,
  type Worker,
} from "@ordo/runtime";
import type { StepPlugin } from "@ordo/step";
import { usageError } from "../command.js";

/** Options of {@link openSession}. */
export interface SessionOptions {
  /** Redis URL or unix socket path; absent = a new embedded engine. */
  readonly redis?: string;
  /** Key prefix shared with external workers. Default `ordo` (the runtime's default). */
  readonly prefix?: string;
  /** In-process workers; 0 = only external workers (needs `redis`). */
  readonly workers: number;
  /** Attempts each in-process worker runs at once. */
  readonly concurrency: number;
  readonly plugins: readonly StepPlugin[];
}

/** An open client plus workers; {@link Session.close} closes everything it opened. */
export interface Session {
  readonly mode: "embedded" | "redis";
  /** The hot state the session runs on (for durable tools: shipper, restore). */
  readonly connection: Connection;
  /** Key prefix (`ordo` unless `--prefix`). */
  readonly prefix: string;
  readonly client: Client;
  readonly workers: readonly Worker[];
  close(): Promise<void>;
}

/**
 * Opens a session. Embedded workers are named `worker-1`..`worker-N`; on Redis the names also
 * carry host and pid (`<host>:<pid>:worker-1`) so several `ordo run` processes stay apart in the
 * ledger.
 */
export function openSession(options: SessionOptions): Session {
  if (!Number.isInteger(options.workers) || options.workers < 0) {
    throw usageError(`--workers must be a whole number >= 0, got ${options.workers}`);
  }
  if (options.workers === 0 && options.redis === undefined) {
    throw usageError(
      "--workers 0 needs --redis: an embedded engine is private to this process, so no " +
        "external worker could run the steps",
    );
  }
  const engine = options.redis === undefined ? new EmbeddedRedis() : undefined;
  const connection: Connection = engine ? { embedded: engine } : (options.redis as string);
  const prefix = options.prefix === undefined ? {} : { prefix: options.prefix };
  const client = createClient({ connection, ...prefix });
  const workers = Array.from({ length: options.workers }, (_, i) =>
    createWorker({
      connection,
      ...prefix,
      plugins: options.plugins,
      concurrency: options.concurrency,
      // Short idle waits: retries due in ~100 ms start promptly in a short interactive run.
      idleWaitMs: 50,
      workerId: engine ? `worker-${i + 1}` : `${hostname()}:${process.pid}:worker-${i + 1}`,
    }),
  );
  return {
    mode: engine ? "embedded" : "redis",
    connection,
    prefix: options.prefix ?? "ordo",
    client,
    workers,
    async close() {
      await Promise.all(workers.map((worker) => worker.close({ timeoutMs: 5_000 })));
      await client.close();
      // Quitting the engine also ends any ledger follower still polling it.
      await engine?.quit();
    },
  };
}

/** Parses a `--workers` / `--concurrency` value. */
export function parseCount(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw usageError(`${flag} must be a whole number >= 0, got '${value}'`);
  return n;
}
