/**
 * @packageDocumentation
 * `@ordo/core` — the canonical DAG IR of Ordo: zod schemas and inferred types, the IR version,
 * validation, canonical JSON and SHA-256 fingerprints, and `OrdoError` with its code table.
 * Pure data, no I/O.
 *
 * @example
 * ```ts
 * import { pipelineIrSchema, type PipelineIR } from "@ordo/core";
 *
 * const ir: PipelineIR = pipelineIrSchema.parse(JSON.parse(text));
 * ```
 */

export type { OrdoErrorCode, OrdoErrorJSON, OrdoErrorOptions } from "./errors.js";
export { ERROR_CODES, isOrdoError, OrdoError } from "./errors.js";
export type {
  LiteralExpr,
  PipelineIR,
  RefExpr,
  StepIR,
  StepMetadata,
  TemplateExpr,
  TriggerRule,
  ValueExpr,
} from "./ir.js";
export {
  IR_VERSION,
  pipelineIrSchema,
  STEP_ID_PATTERN,
  stepIrSchema,
  stepMetadataSchema,
  triggerRuleSchema,
  valueExprSchema,
} from "./ir.js";
export type { JsonObject, JsonPrimitive, JsonSchema, JsonValue } from "./json.js";
export { jsonSchemaSchema, jsonValueSchema } from "./json.js";
export type {
  ConcurrencyLimit,
  CustomPolicyRef,
  LimitScope,
  PolicySet,
  RateLimit,
  RetentionPolicy,
  RetryPolicy,
  TimeoutPolicy,
} from "./policies.js";
export {
  concurrencyLimitSchema,
  customPolicyRefSchema,
  jitterSchema,
  limitScopeSchema,
  POLICY_DEFAULTS,
  policySetSchema,
  rateLimitSchema,
  retentionPolicySchema,
  retryPolicySchema,
  retryStrategySchema,
  timeoutPolicySchema,
} from "./policies.js";
