/**
 * @packageDocumentation
 * `@ordo/core` — the canonical DAG IR of Ordo: zod schemas and inferred types, the IR version,
 * validation, canonical JSON and SHA-256 fingerprints, and `OrdoError` with its code table.
 * Pure data, no I/O.
 *
 * @example
 * ```ts
 * import { definitionFingerprint, validatePipeline } from "@ordo/core";
 *
 * const result = validatePipeline(JSON.parse(text));
 * if (result.ok) console.log(definitionFingerprint(result.ir));
 * else for (const issue of result.issues) console.error(issue.code, issue.path, issue.message);
 * ```
 */

export type { AdmissionRefusal, AdmissionRule, AdmissionSubject } from "./admission.js";
export { admissionSubjectOf, describeRefusal, evaluateAdmission } from "./admission.js";
export type {
  BindingScope,
  CollectedRef,
  MalformedExpression,
  PathSegment,
  RefTarget,
} from "./bindings.js";
export {
  collectRefs,
  malformedExpressions,
  parseRefPath,
  resolveRef,
  resolveValue,
  stepDependenciesOf,
  templatePlaceholders,
} from "./bindings.js";
export { canonicalJson, hasLoneSurrogate, sha256Hex } from "./canonical-json.js";

export type { OrdoErrorCode, OrdoErrorJSON, OrdoErrorOptions } from "./errors.js";
export { ERROR_CODES, isOrdoError, OrdoError } from "./errors.js";
export { definitionFingerprint, normalizePipeline } from "./fingerprint.js";
export { ancestorsOf, dependentsOf, topologicalOrder } from "./graph.js";
export type {
  LiteralExpr,
  PipelineIR,
  PipelineIRInput,
  RefExpr,
  StepIR,
  StepIRInput,
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
export { IR_SCHEMA_ID, pipelineIrJsonSchema } from "./ir-json-schema.js";
export type { JsonObject, JsonPrimitive, JsonSchema, JsonValue } from "./json.js";
export { jsonSchemaSchema, jsonValueSchema } from "./json.js";
export { formatJsonPath } from "./json-path.js";
export { schemaAtPath } from "./json-schema.js";
export type {
  AdmissionPolicy,
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
  admissionPolicySchema,
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
export { isSchemaAssignable } from "./schema-assignable.js";
export type { IrIssue, ValidationResult } from "./validate.js";
export { parsePipeline, validatePipeline } from "./validate.js";
export { admissionIssues } from "./validate-admission.js";
