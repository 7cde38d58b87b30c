/**
 * Retention: per-pipeline policies that compact or evict archived terminal executions from hot
 * state and expire durable records. Re-exported by name from the package entry.
 */
export type {
  ApplyRetentionOptions,
  RetentionResult,
  RetentionSkipReason,
} from "./apply.js";
export { applyRetention } from "./apply.js";
export type { RetentionConfig, RetentionPolicy } from "./policy.js";
export { expiresAtFor, retentionPolicyFor } from "./policy.js";
