/**
 * Retention policies (SEED-SPEC section 9, redone for the partitioned keyspace): per pipeline,
 * what happens to a terminal execution in hot state once it is archived, and how long durable
 * records live. A policy comes from three places, merged field by field (see
 * {@link retentionPolicyFor}): the deployment's per-pipeline override, the pipeline's own IR
 * policy (`policies.retention`), the deployment's default.
 */
import type { RetentionPolicy as IrRetentionPolicy } from "@ordo/core";

/** Retention of one pipeline's executions. Every field is optional; names match the IR's. */
export interface RetentionPolicy {
  /**
   * Hot state of a terminal execution once its ledger is shipped and its snapshot archived:
   * `evict` removes it, `compact` drops outputs, errors and counters but keeps statuses, `keep`
   * leaves it. Default `keep`.
   */
  readonly hot?: "evict" | "compact" | "keep";
  /** Wait this long after the execution finished before compacting or evicting, ms. Default 0. */
  readonly hotTtlMs?: number;
  /**
   * Durable records (ledger events, snapshot, output and input payloads) expire this long after
   * they are written, ms. Default: kept forever. MongoDB removes expired records with a TTL index
   * (about every 60 s); SQLite in `purgeExpired`, which `applyRetention` calls. `Infinity` keeps
   * them forever (an override's way to cancel a default TTL).
   */
  readonly durableTtlMs?: number;
  /** Reason written into the `retention.evicted` / `retention.compacted` event. Default `retention`. */
  readonly reason?: string;
}

/** Retention of a deployment: a default and per-pipeline overrides (by pipeline name). */
export interface RetentionConfig {
  /** Applies to pipelines whose IR and override leave a field unset. */
  readonly default?: RetentionPolicy;
  /** Per pipeline name; beats the pipeline's own IR policy field by field. */
  readonly pipelines?: Readonly<Record<string, RetentionPolicy>>;
}

/** The IR policy's retention fields (the payload limits are applied elsewhere). */
function declaredFields(declared: IrRetentionPolicy | undefined): RetentionPolicy {
  if (declared === undefined) return {};
  const { hot, hotTtlMs, durableTtlMs, reason } = declared;
  return {
    ...(hot === undefined ? {} : { hot }),
    ...(hotTtlMs === undefined ? {} : { hotTtlMs }),
    ...(durableTtlMs === undefined ? {} : { durableTtlMs }),
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Drops fields set to `undefined`, so an explicit `undefined` never hides a lower layer. */
function defined(policy: RetentionPolicy | undefined): RetentionPolicy {
  if (policy === undefined) return {};
  return Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined));
}

/**
 * The effective policy of `pipeline`, field by field: the deployment's override
 * (`config.pipelines[pipeline]`), else the pipeline's IR policy (`declared`, i.e.
 * `ir.policies.retention`), else `config.default`; a field set nowhere stays unset (hot state
 * kept, durable records kept forever).
 *
 * @example
 * ```ts
 * const config = { default: { hot: "evict" as const }, pipelines: { audit: { hot: "keep" as const } } };
 * retentionPolicyFor(config, "audit", { hot: "compact", reason: "gdpr" }); // { hot: "keep", reason: "gdpr" }
 * retentionPolicyFor(config, "triage", { hot: "compact" }); // { hot: "compact" }
 * retentionPolicyFor(config, "triage"); // { hot: "evict" }
 * ```
 */
export function retentionPolicyFor(
  config: RetentionConfig | undefined,
  pipeline: string | undefined,
  declared?: IrRetentionPolicy,
): RetentionPolicy {
  const own = pipeline === undefined ? undefined : config?.pipelines?.[pipeline];
  return { ...defined(config?.default), ...declaredFields(declared), ...defined(own) };
}

/**
 * `expiresAt` (epoch ms) for a record written at `now` under `policy`, or undefined (forever:
 * no `durableTtlMs`, or `Infinity`).
 *
 * @example
 * ```ts
 * expiresAtFor({ durableTtlMs: 86_400_000 }, Date.now()); // a day from now
 * ```
 */
export function expiresAtFor(policy: RetentionPolicy, now: number): number | undefined {
  const ttl = policy.durableTtlMs;
  if (ttl === undefined || !Number.isFinite(ttl)) return undefined;
  return now + Math.max(0, ttl);
}
