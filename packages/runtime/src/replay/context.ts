/**
 * What operations on recorded executions (restore, rerun, retention) need: hot state, its
 * keyspace layout and the durable store.
 */
import type { DurableStore } from "../durable/types.js";
import { type Connection, openHotStore } from "../hot/connection.js";
import type { HotStore } from "../hot/hot-store.js";
import { DEFAULT_PARTITIONS, DEFAULT_PREFIX, Keyspace } from "../hot/keys.js";
import type { RetentionConfig } from "../retention/policy.js";

/** Connection options shared by `restoreExecution`, `rerunExecution` and `applyRetention`. */
export interface DurableOpsOptions {
  /** Hot state (as for clients and workers); default the process-wide embedded engine. */
  readonly connection?: Connection;
  /** The durable store the ledger is shipped to. */
  readonly store: DurableStore;
  /** Key prefix; must match the workers'. Default `ordo`. */
  readonly prefix?: string;
  /** Partition count; must match the workers'. Default 16. */
  readonly partitions?: number;
  /**
   * Deployment retention, for the expiry of the events these operations ship (restore, rerun,
   * retention). Each pipeline's IR policy applies too (override > IR > default). Default none.
   */
  readonly retention?: RetentionConfig;
}

/** An opened {@link DurableOpsOptions}. */
export interface DurableOps {
  readonly hot: HotStore;
  readonly keyspace: Keyspace;
  readonly store: DurableStore;
  /** Closes the hot connection if it was opened here. */
  close(): Promise<void>;
}

/** Opens the hot connection of `options`. */
export function openOps(options: DurableOpsOptions): DurableOps {
  const hot = openHotStore(options.connection);
  return {
    hot,
    keyspace: new Keyspace(
      options.prefix ?? DEFAULT_PREFIX,
      options.partitions ?? DEFAULT_PARTITIONS,
    ),
    store: options.store,
    close: () => hot.close(),
  };
}
