/**
 * @packageDocumentation
 * `@ordo/step` — the plugin contract. The only dependency a step plugin package takes.
 * `defineStep` makes a plugin; `declareStep` + `implementStep` split a step's schemas (usable by
 * pipelines) from its code (needed by workers); `definePolicy` makes a custom, typed policy.
 *
 * @example
 * ```ts
 * import { defineStep, NonRetryableError } from "@ordo/step";
 * import { z } from "zod";
 *
 * export const upper = defineStep({
 *   type: "example.upper",
 *   version: "1.0.0",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ text: z.string() }),
 *   async run({ text }) {
 *     if (text.length === 0) throw new NonRetryableError("text is empty");
 *     return { text: text.toUpperCase() };
 *   },
 * });
 * ```
 */

// Canonical JSON + SHA-256 from the core, so plugins hash requests (cache keys, dedupe) exactly
// as Ordo fingerprints definitions, without a dependency of their own.
export { canonicalJson, isOrdoError, OrdoError, sha256Hex } from "@ordo/core";
export type { StepContext, StepLogger } from "./context.js";
export type { StepDeclaration, StepRun } from "./declare-step.js";
export {
  declareStep,
  implementStep,
  isStepContract,
  isStepDeclaration,
} from "./declare-step.js";
export type { StepContract, StepDefinition, StepPlugin } from "./define-step.js";
export { defineStep, isStepPlugin } from "./define-step.js";
export { NonRetryableError, RetryAfterError } from "./errors.js";
export type {
  AdmissionContext,
  AdmissionDecision,
  AdmissionRule,
  PolicyDefinition,
  PolicyEvaluate,
  PolicyFactory,
  PolicyKind,
  PolicyRef,
  RetryClassifier,
  RetryDecision,
} from "./policy.js";
export { checkPolicyConfig, definePolicy } from "./policy.js";
