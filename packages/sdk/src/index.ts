/**
 * @packageDocumentation
 * `@ordo/sdk` — write Ordo pipelines in TypeScript. `pipeline()` starts a typed, immutable builder;
 * `.step(id, spec)` adds steps made by built-in factories (`llm`, `rag.*`, `tool.http`,
 * `decision`, `humanInput`) or by {@link use} for any `defineStep` plugin; bindings are typed
 * references (`$.input.x`, `$.steps.<id>.output.y`), so a wrong id, field or type fails `tsc`.
 * `.compile()` produces the validated IR (`PipelineIR` of `@ordo/core`).
 *
 * @example
 * ```ts
 * import { llm, pipeline, rag, retry, throttle } from "@ordo/sdk";
 * import { z } from "zod";
 *
 * export default pipeline({ name: "qa", version: "1.0.0", input: z.object({ question: z.string() }) })
 *   .step("retrieve", rag.retrieve(($) => ({ query: $.input.question, topK: 4 })))
 *   .step("answer", llm(($) => ({
 *     prompt: $.template`Answer ${$.input.question} using ${$.steps.retrieve.output.documents}`,
 *   }), { model: "gpt-4.1", provider: "openai" }))
 *   .policies({ retry: retry.exponential({ maxAttempts: 4, baseDelayMs: 200 }), concurrency: [throttle.provider("openai", 8)] })
 *   .output(($) => ({ answer: $.steps.answer.output.text }));
 * ```
 */

export type {
  AdmissionContext,
  AdmissionDecision,
  AdmissionRule,
  PolicyDefinition,
  PolicyFactory,
  PolicyKind,
  PolicyRef,
  RetryClassifier,
  RetryDecision,
  StepDeclaration,
  StepPlugin,
} from "@ordo/step";
export { declareStep, definePolicy, defineStep, implementStep } from "@ordo/step";
export { narrowAdmission } from "./admission-merge.js";
export type {
  InputOf,
  NoSteps,
  OrdoTypeError,
  OutputOf,
  PipelineOptions,
  Simplify,
  StepsOf,
} from "./builder.js";
export { isPipelineBuilder, PipelineBuilder, pipeline } from "./builder.js";
export { decision, decisionStep } from "./builtins/decision.js";
export type { HumanInputOptions } from "./builtins/human-input.js";
export { humanInput, humanInputStep } from "./builtins/human-input.js";
export type { LlmInput, LlmOptions, LlmOutput } from "./builtins/llm.js";
export { llm, llmStep } from "./builtins/llm.js";
export type { RagDocument, RagRetrieveOptions } from "./builtins/rag.js";
export {
  rag,
  ragComposeStep,
  ragDocumentSchema,
  ragMergeStep,
  ragRetrieveStep,
} from "./builtins/rag.js";
export type { HttpToolOptions } from "./builtins/tool.js";
export { httpToolStep, tool } from "./builtins/tool.js";
export type {
  RateLimitOptions,
  RetentionOptions,
  RetryOptions,
  ThrottleOptions,
} from "./policies.js";
export { rateLimit, retention, retry, throttle, timeout } from "./policies.js";
export type {
  Ref,
  Reference,
  RefValue,
  Scope,
  Template,
  TemplateTag,
  TemplateValue,
} from "./ref.js";
export { isRef } from "./ref.js";
export type { StepOptions, StepSpec, UseOptions } from "./spec.js";
export { isStepSpec, use } from "./spec.js";
export type { Bindable, BindableInputs, Resolved } from "./values.js";
