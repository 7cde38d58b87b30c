/**
 * The durable layer as workers, clients and the embedded runtime take it: a `DurableStore` for
 * externalized payloads, plus (in workers) a ledger shipper running in the background.
 */
import { POLICY_DEFAULTS } from "@ordo/core";
import type { DurableStore } from "../durable/types.js";
import { expiresAtFor, type RetentionConfig, retentionPolicyFor } from "../retention/policy.js";
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
  /** Durable expiry per pipeline, for payloads and (when shipping) ledger and snapshots. */
  readonly retention?: RetentionConfig;
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
  /** Durable expiry of externalized inputs, per pipeline. */
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
 * worker's option, then `POLICY_DEFAULTS`.
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
  const expiresAt = expiresAtFor(retentionPolicyFor(options.retention, def.ir.name), Date.now());
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
