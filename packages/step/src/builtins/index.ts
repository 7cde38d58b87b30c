/**
 * @packageDocumentation
 * `@ordo/step/builtins` — the contracts of Ordo's built-in steps (`ordo.llm`, `ordo.rag.*`,
 * `ordo.tool.http`, `ordo.decision`, `ordo.human-input`): type, version, zod schemas and default
 * metadata, as `declareStep` declarations. The one source both sides share: `@ordo/sdk`
 * builds pipelines from them, the plugin packages implement them with `implementStep`, so the
 * two can never drift apart.
 *
 * @example
 * ```ts
 * import { implementStep } from "@ordo/step";
 * import { ragComposeStep } from "@ordo/step/builtins";
 *
 * export const compose = implementStep(ragComposeStep, async ({ documents }) => ({
 *   context: documents.map((d) => d.text).join("\n\n"),
 *   documentIds: documents.map((d) => d.id),
 *   truncated: false,
 * }));
 * ```
 */

export type { DecisionCondition } from "./decision.js";
export { decisionConditionSchema, decisionStep } from "./decision.js";
export { httpToolStep } from "./http-tool.js";
export { humanInputInputSchema, humanInputOutputSchema, humanInputStep } from "./human-input.js";
export type {
  LlmConfig,
  LlmOutput,
  LlmParsedInput,
  LlmProvider,
  LlmUsage,
  ModelPrice,
} from "./llm.js";
export {
  LLM_STEP_TYPE,
  LLM_STEP_VERSION,
  llmAttemptSchema,
  llmConfigSchema,
  llmInputSchema,
  llmMessageSchema,
  llmOutputSchema,
  llmProviderSchema,
  llmStep,
  llmUsageSchema,
  modelPriceSchema,
} from "./llm.js";
export type { RagDocument, RagFilter } from "./rag.js";
export {
  filterValueSchema,
  ragComposeStep,
  ragDocumentSchema,
  ragMergeStep,
  ragRetrieveStep,
} from "./rag.js";
