/**
 * The `ordo.llm` step contract lives in `@ordo/step/builtins` (shared with `@ordo/sdk`'s `llm()`
 * declaration); this module re-exports it under this package's names.
 */
export type {
  LlmConfig,
  LlmOutput,
  LlmParsedInput as LlmInput,
  LlmProvider,
  LlmUsage,
  ModelPrice,
} from "@ordo/step/builtins";
export {
  LLM_STEP_TYPE,
  LLM_STEP_VERSION,
  llmAttemptSchema,
  llmConfigSchema,
  llmInputSchema,
  llmMessageSchema,
  llmOutputSchema,
  llmProviderSchema,
  llmStep as llmContract,
  llmUsageSchema,
  modelPriceSchema,
} from "@ordo/step/builtins";
