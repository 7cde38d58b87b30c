/**
 * Where `ordo demo` runs: a fresh embedded engine with in-process workers (default), or Redis
 * with `--workers N` worker *processes* (each `demo/worker-process.ts`, so the work really is
 * spread over several processes). With a durable store, workers externalize large outputs to it
 * and one ledger shipper in this process ships the ledger and the terminal snapshot.
 */
import {
  type Client,
  type Connection,
  createClient,
  createLedgerShipper,
  createWorker,
  type DurableStore,
  EmbeddedRedis,
  type LedgerShipper,
  type Worker,
} from "@ordo/runtime";
import type { StepPlugin } from "@ordo/step";
import { usageError } from "../command.js";
import type { TextSink } from "../io.js";
import { type ChildWorkers, spawnWorkers } from "./child-workers.js";

/** Options of {@link openDemoSession}. */
export interface DemoSessionOptions {
  /** Redis URL or socket path; absent = a new embedded engine. */
  readonly redis?: string;
  /** Key prefix. Default `ordo`. */
  readonly prefix?: string;
  /** Workers: in-process when embedded, processes on Redis; 0 = external workers only. */
  readonly workers: number;
  /** Attempts each worker runs at once. */
  readonly concurrency: number;
  readonly plugins: readonly StepPlugin[];
  /** The scenario name (worker processes load its plugins themselves). */
  readonly scenario: string;
  /** Durable store (and how a worker process opens it again); absent = none. */
  readonly durable?: {
    readonly store: DurableStore;
    readonly target: string;
    readonly db?: string;
  };
  /** Where worker processes' start lines go. */
  readonly out: TextSink;
}

/** An open demo session; {@link DemoSession.close} closes what it opened. */
export interface DemoSession {
  readonly connection: Connection;
  readonly prefix: string;
  readonly client: Client;
  /** In-process workers (embedded); empty on Redis, where workers are processes. */
  readonly workers: readonly Worker[];
  /** Worker processes (Redis only). */
  readonly children: ChildWorkers | undefined;
  /** The background ledger shipper (with a durable store). */
  readonly shipper: LedgerShipper | undefined;
  /**
   * Final shipping pass, then closes the shipper and releases its partition leases (until
   * then another shipper, like `applyRetention`'s, cannot ship those partitions). Idempotent.
   */
  finishShipping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a session and, on Redis, waits until every worker process is ready (so the first steps
 * spread over all of them).
 *
 * @example
 * ```ts
 * const session = await openDemoSession({ workers: 3, concurrency: 2, plugins, scenario: "json", out });
 * await session.client.start(ir, {});
 * await session.close();
 * ```
 */
export async function openDemoSession(options: DemoSessionOptions): Promise<DemoSession> {
  if (!Number.isInteger(options.workers) || options.workers < 0) {
    throw usageError(`--workers must be a whole number >= 0, got ${options.workers}`);
  }
  if (options.workers === 0 && options.redis === undefined) {
    throw usageError("--workers 0 needs --redis: no external worker can reach an embedded engine");
  }
  const engine = options.redis === undefined ? new EmbeddedRedis() : undefined;
  const connection: Connection = engine ? { embedded: engine } : (options.redis as string);
  const prefix = options.prefix ?? "ordo";
  const store = options.durable?.store;
  const client = createClient({ connection, prefix, ...(store ? { durable: { store } } : {}) });
  const workers = engine
    ? Array.from({ length: options.workers }, (_, i) =>
        createWorker({
          connection,
          prefix,
          plugins: options.plugins,
          concurrency: options.concurrency,
          // Short idle waits: retries due in ~100 ms start promptly in a short interactive run.
          idleWaitMs: 50,
          workerId: `worker-${i + 1}`,
          // The session's one shipper ships; workers only externalize payloads.
          ...(store ? { durable: { store, ship: false } } : {}),
        }),
      )
    : [];
  const children =
    engine || options.workers === 0
      ? undefined
      : await spawnWorkers({
          redis: options.redis as string,
          prefix,
          count: options.workers,
          concurrency: options.concurrency,
          scenario: options.scenario,
          out: options.out,
          ...(options.durable
            ? {
                store: options.durable.target,
                ...(options.durable.db === undefined ? {} : { db: options.durable.db }),
              }
            : {}),
        });
  const shipper = store ? createLedgerShipper({ connection, prefix, store }) : undefined;
  shipper?.start();
  let shipped: Promise<void> | undefined;
  const finishShipping = () => {
    shipped ??= shipper?.close() ?? Promise.resolve();
    return shipped;
  };
  return {
    connection,
    prefix,
    client,
    workers,
    children,
    shipper,
    finishShipping,
    async close() {
      await Promise.all(workers.map((worker) => worker.close({ timeoutMs: 5_000 })));
      await children?.stop();
      await finishShipping();
      await client.close();
      // Quitting the engine also ends any ledger follower still polling it.
      await engine?.quit();
    },
  };
}
