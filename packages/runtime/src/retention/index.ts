/**
 * Retention: per-pipeline policies (the IR's `policies.retention`, under a deployment's
 * overrides and over its default) that compact or evict archived terminal executions from hot
 * state and expire durable records; applied on demand (`applyRetention`) or by workers in the
 * background (`runner.ts`). Re-exported by name from the package entry.
 */
export type {
  ApplyRetentionOptions,
  RetentionResult,
  RetentionSkipReason,
} from "./apply.js";
export { applyRetention } from "./apply.js";
export type { RetentionConfig, RetentionPolicy } from "./policy.js";
export { expiresAtFor, retentionPolicyFor } from "./policy.js";
