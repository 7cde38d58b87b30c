/**
 * The durable layer as workers, clients and the embedded runtime take it: a `DurableStore` for
 * externalized payloads, plus (in workers) a ledger shipper running in the background.
 */
import { POLICY_DEFAULTS } from "@ordo/core";
import type { DurableStore } from "../durable/types.js";
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";
import { createLedgerShipper, type LedgerShipper } from "../ledger/shipper.js";
import { expiresAtFor, type RetentionConfig, retentionPolicyFor } from "../retention/policy.js";
import {
  createRetentionRunner,
  DEFAULT_RETENTION_INTERVAL_MS,
  type RetentionRunner,
} from "../retention/runner.js";
import type { PreparedDefinition } from "./definition.js";
import { type ExternalizeLimits, PayloadResolver } from "./payloads.js";

/**
 * `durable` option of `createWorker` and `createEmbeddedRuntime`.
 *
 * @example
 * ```ts
 * const store = await openSqliteStore({ path: ".ordo/ordo.db" });
 * const worker = createWorker({ plugins, durable: { store, inlineMaxBytes: 16 * 1024 } });
 * // outputs above 16 KiB go to SQLite; the worker also ships the ledger (closed with the worker)
 * ```
 */
export interface WorkerDurableOptions {
  readonly store: DurableStore;
  /**
   * Step outputs whose JSON is larger than this many bytes are stored in `store` and referenced
   * from hot state by content hash. A step's or pipeline's `retention.inlineMaxBytes` policy wins.
   * Default 64 KiB (`POLICY_DEFAULTS.inlineMaxBytes`).
   */
  readonly inlineMaxBytes?: number;
  /**
   * Outputs larger than this fail the step at once with non-retryable `PAYLOAD_TOO_LARGE`. A
   * step's or pipeline's `retention.maxPayloadBytes` policy wins. Default 64 MiB.
   */
  readonly maxPayloadBytes?: number;
  /** Run a ledger shipper in the worker (stopped, after a final pass, on close). Default true. */
  readonly ship?: boolean;
  /**
   * Deployment retention: a default and per-pipeline overrides, merged with each pipeline's IR
   * policy (override > IR `policies.retention` > default). Sets durable expiry of payloads and
   * (when shipping) ledger events and snapshots, and drives the background retention pass.
   */
  readonly retention?: RetentionConfig;
  /**
   * Every this many ms the worker applies retention (compact or evict archived terminal
   * executions from hot state per their policy, then purge expired durable records), taking
   * each partition's turn for one interval so a fleet does each partition about once per
   * interval. `0` turns it off. Default 60 000, or 0 with `ship: false` (a worker that does not
   * ship leaves the durable bookkeeping to the process that does; set it to run retention too).
   */
  readonly retentionIntervalMs?: number;
  /** Bytes of resolved payloads a worker keeps in its LRU cache. Default 32 MiB. */
  readonly payloadCacheBytes?: number;
}

/**
 * `durable` option of `createClient`: with a store, `status()` and `result()` return externalized
 * values instead of their references, and large execution inputs are externalized too.
 *
 * @example
 * ```ts
 * const client = createClient({ connection, durable: { store } });
 * ```
 */
export interface ClientDurableOptions {
  readonly store: DurableStore;
  /** Execution inputs above this many bytes are stored in `store`. Default 64 KiB. */
  readonly inlineMaxBytes?: number;
  /** Inputs above this are refused with `PAYLOAD_TOO_LARGE`. Default 64 MiB. */
  readonly maxPayloadBytes?: number;
  /**
   * Durable expiry of externalized inputs: `durableTtlMs` of the deployment override, else the
   * pipeline's IR policy, else the deployment default.
   */
  readonly retention?: RetentionConfig;
}

/** What the step runner needs of the durable layer. */
export interface DurableEnv {
  readonly store: DurableStore;
  readonly resolver: PayloadResolver;
  readonly options: WorkerDurableOptions;
}

/** Builds the runner's view of `options`. */
export function durableEnv(options: WorkerDurableOptions): DurableEnv {
  return {
    store: options.store,
    resolver: new PayloadResolver(options.store, options.payloadCacheBytes),
    options,
  };
}

/** Defaults of a store-less worker or client. */
const NO_STORE = {} as const;

/**
 * Effective payload limits of one step's output: step policy, then pipeline policy, then the
 * worker's option, then `POLICY_DEFAULTS`. The payload's expiry follows the effective retention
 * (deployment override > step > pipeline IR policy > deployment default).
 */
export function outputLimits(
  def: PreparedDefinition,
  stepId: string,
  executionId: string,
  durable: DurableEnv | undefined,
): ExternalizeLimits {
  const step = def.steps.get(stepId)?.policies?.retention;
  const pipeline = def.ir.policies?.retention;
  const options: Partial<WorkerDurableOptions> = durable?.options ?? NO_STORE;
  // The step's durableTtlMs wins over its pipeline's; a deployment override beats both.
  const declared = { ...pipeline, ...step };
  const expiresAt = expiresAtFor(
    retentionPolicyFor(options.retention, def.ir.name, declared),
    Date.now(),
  );
  return {
    inlineMaxBytes:
      step?.inlineMaxBytes ??
      pipeline?.inlineMaxBytes ??
      options.inlineMaxBytes ??
      POLICY_DEFAULTS.inlineMaxBytes,
    maxPayloadBytes:
      step?.maxPayloadBytes ??
      pipeline?.maxPayloadBytes ??
      options.maxPayloadBytes ??
      POLICY_DEFAULTS.maxPayloadBytes,
    executionId,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** A worker's background durable work: ledger shipping and automatic retention. */
export interface DurableBackground {
  /** Starts the shipper loop and the retention timer (idempotent). */
  start(): void;
  /** Stops retention, then the shipper (a final pass ships what is left, leases released). */
  close(): Promise<void>;
}

/**
 * The background work `options` ask for over the worker's hot store: a ledger shipper unless
 * `ship: false`, a retention runner unless `retentionIntervalMs: 0`. Errors of either loop go
 * to `warn` (the loops keep going).
 */
export function durableBackground(
  hot: HotStore,
  keyspace: Keyspace,
  options: WorkerDurableOptions,
  warn: (what: string, error: unknown) => void,
): DurableBackground {
  const common = {
    hot,
    store: options.store,
    ...(options.retention === undefined ? {} : { retention: options.retention }),
  };
  const shipper: LedgerShipper | undefined =
    options.ship === false
      ? undefined
      : createLedgerShipper({
          ...common,
          prefix: keyspace.prefix,
          partitions: keyspace.partitions,
          onError: (error) => warn("ledger shipping failed", error),
        });
  const intervalMs =
    options.retentionIntervalMs ?? (options.ship === false ? 0 : DEFAULT_RETENTION_INTERVAL_MS);
  const retention: RetentionRunner | undefined =
    intervalMs > 0
      ? createRetentionRunner({
          ...common,
          keyspace,
          intervalMs,
          onError: (error) => warn("retention pass failed", error),
        })
      : undefined;
  return {
    start() {
      shipper?.start();
      retention?.start();
    },
    async close() {
      await retention?.stop();
      await shipper?.close();
    },
  };
}
