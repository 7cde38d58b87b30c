/**
 * @packageDocumentation
 * `@ordo/step-llm` — the `ordo.llm` step: chat completions over any OpenAI-compatible API with
 * the official `openai` SDK. Provider/model failover, token usage and cost in the output (a
 * price table you can override), structured output from a JSON Schema, streaming deltas as
 * `llm.delta` events, 429 -> `RetryAfterError`, and a response cache keyed by the request
 * fingerprint and the step's idempotency key so a retry or a crash recovery never pays twice.
 *
 * @example
 * ```ts
 * import { createLlmStep, FileLlmCache } from "@ordo/step-llm";
 *
 * // on the worker: secrets come from the environment, never from the pipeline IR
 * export const llmPlugin = createLlmStep({
 *   providers: [
 *     { name: "openai", apiKeyEnv: "OPENAI_API_KEY", models: ["gpt-4.1-mini", "gpt-4o-mini"] },
 *   ],
 *   cache: new FileLlmCache(".ordo/llm-cache"),
 * });
 * ```
 */

export type { LlmCache, LlmCacheEntry, RedisLikeClient } from "./cache.js";
export {
  canonicalJson,
  FileLlmCache,
  InMemoryLlmCache,
  llmCacheKey,
  RedisLlmCache,
} from "./cache.js";
export { DEFAULT_RETRY_AFTER_MS, retryAfterMs } from "./call.js";
export type {
  LlmConfig,
  LlmInput,
  LlmOutput,
  LlmProvider,
  LlmUsage,
  ModelPrice,
} from "./contract.js";
export {
  LLM_STEP_TYPE,
  LLM_STEP_VERSION,
  llmAttemptSchema,
  llmConfigSchema,
  llmContract,
  llmInputSchema,
  llmMessageSchema,
  llmOutputSchema,
  llmProviderSchema,
  llmUsageSchema,
  modelPriceSchema,
} from "./contract.js";
export type { LlmStepOptions, LlmStepPlugin } from "./llm-step.js";
export { createLlmStep } from "./llm-step.js";
export { costUsd, DEFAULT_PRICES } from "./prices.js";
export { responseFormatOf } from "./structured.js";
