/**
 * Retention policies (SEED-SPEC section 9, redone for the partitioned keyspace): per pipeline,
 * what happens to a terminal execution in hot state once it is archived, and how long durable
 * records live.
 */

/** Retention of one pipeline's executions. Every field is optional. */
export interface RetentionPolicy {
  /**
   * Hot state of a terminal execution once its ledger is shipped and its snapshot archived:
   * `evict` removes it, `compact` drops outputs, errors and counters but keeps statuses, `keep`
   * leaves it. Default `keep`.
   */
  readonly hot?: "evict" | "compact" | "keep";
  /** Wait this long after the execution finished before compacting or evicting, ms. Default 0. */
  readonly hotAfterMs?: number;
  /**
   * Durable records (ledger events, snapshot, output payloads) expire this long after they are
   * written, ms. Default: kept forever. MongoDB removes expired records with a TTL index (about
   * every 60 s); SQLite in `purgeExpired`, which `applyRetention` calls.
   */
  readonly durableTtlMs?: number;
}

/** Retention of a deployment: a default and per-pipeline overrides (by pipeline name). */
export interface RetentionConfig {
  readonly default?: RetentionPolicy;
  readonly pipelines?: Readonly<Record<string, RetentionPolicy>>;
}

/**
 * The policy of `pipeline`: its own fields over the default's.
 *
 * @example
 * ```ts
 * const policy = retentionPolicyFor({ default: { hot: "evict" }, pipelines: { audit: { hot: "keep" } } }, "audit");
 * policy.hot; // "keep"
 * ```
 */
export function retentionPolicyFor(
  config: RetentionConfig | undefined,
  pipeline: string | undefined,
): RetentionPolicy {
  const own = pipeline === undefined ? undefined : config?.pipelines?.[pipeline];
  return { ...config?.default, ...own };
}

/** `expiresAt` (epoch ms) for a record written at `now` under `policy`, or undefined (forever). */
export function expiresAtFor(policy: RetentionPolicy, now: number): number | undefined {
  return policy.durableTtlMs === undefined ? undefined : now + Math.max(0, policy.durableTtlMs);
}
