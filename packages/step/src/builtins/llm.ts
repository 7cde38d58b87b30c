/**
 * The `ordo.llm` step contract: input, output and config schemas and the declaration. Config is
 * what a pipeline writes into the IR (JSON literals only, never secrets: keys are named by
 * environment variable). Declared by `@ordo/sdk` (`llm()`), implemented by `@ordo/step-llm`.
 */
import { z } from "zod";
import { declareStep } from "../declare-step.js";

/**
 * Step type of the LLM chat step.
 *
 * @example
 * ```ts
 * import { LLM_STEP_TYPE } from "@ordo/step/builtins";
 * LLM_STEP_TYPE; // "ordo.llm"
 * ```
 */
export const LLM_STEP_TYPE = "ordo.llm";
/**
 * Version of the `ordo.llm` contract.
 *
 * @example
 * ```ts
 * import { LLM_STEP_VERSION } from "@ordo/step/builtins";
 * LLM_STEP_VERSION; // "1.0.0"
 * ```
 */
export const LLM_STEP_VERSION = "1.0.0";

/**
 * One chat message.
 *
 * @example
 * ```ts
 * llmMessageSchema.parse({ role: "user", content: "Hello" });
 * ```
 */
export const llmMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});

/**
 * Step input: a `prompt` (one user message) and/or full `messages`; optional `system` text and
 * `context` (e.g. the `context` string of `rag.compose`), which is put before the prompt.
 *
 * @example
 * ```ts
 * llmInputSchema.parse({ system: "Be brief.", prompt: "Hello" });
 * llmInputSchema.safeParse({}).success; // false: give a prompt or at least one message
 * ```
 */
export const llmInputSchema = z
  .object({
    prompt: z.string().optional(),
    system: z.string().optional(),
    messages: z.array(llmMessageSchema).optional(),
    context: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .refine((v) => v.prompt !== undefined || (v.messages?.length ?? 0) > 0, {
    message: "give a prompt or at least one message",
  });

/**
 * Token counts as reported by the provider.
 *
 * @example
 * ```ts
 * llmUsageSchema.parse({ inputTokens: 12, outputTokens: 3, totalTokens: 15 });
 * ```
 */
export const llmUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});

/**
 * One provider/model tried before the one that answered (failover trail).
 *
 * @example
 * ```ts
 * llmAttemptSchema.parse({ provider: "openai", model: "gpt-4.1", status: 429, message: "rate limited" });
 * ```
 */
export const llmAttemptSchema = z.object({
  provider: z.string(),
  model: z.string(),
  /** HTTP status, or 0 for a network error. */
  status: z.number().int(),
  message: z.string(),
});

/**
 * Step output. `costUsd` is what this run spent: 0 when the answer came from the cache.
 *
 * @example
 * ```ts
 * const out = llmOutputSchema.parse(result);
 * out.usage.totalTokens; // number
 * ```
 */
export const llmOutputSchema = z.object({
  text: z.string(),
  /** The parsed JSON answer when `config.responseFormat` is set. */
  json: z.unknown().optional(),
  provider: z.string(),
  model: z.string(),
  finishReason: z.string(),
  usage: llmUsageSchema,
  costUsd: z.number().nonnegative(),
  /** Price of the answer when it was produced (equals `costUsd` unless cached). */
  answerCostUsd: z.number().nonnegative(),
  /** True when the model has no price entry: costs are reported as 0. */
  unpriced: z.boolean(),
  cached: z.boolean(),
  failovers: z.array(llmAttemptSchema),
});

/**
 * Price of a model in USD per 1M tokens.
 *
 * @example
 * ```ts
 * modelPriceSchema.parse({ inputPer1M: 2, outputPer1M: 8 });
 * ```
 */
export const modelPriceSchema = z.object({
  inputPer1M: z.number().nonnegative(),
  outputPer1M: z.number().nonnegative(),
});

/**
 * One OpenAI-compatible endpoint of the failover list.
 *
 * @example
 * ```ts
 * llmProviderSchema.parse({ name: "openai", apiKeyEnv: "OPENAI_API_KEY", models: ["gpt-4.1-mini"] });
 * ```
 */
export const llmProviderSchema = z.object({
  /** Name recorded in output, metadata and events, e.g. `openai`, `azure-eu`, `local`. */
  name: z.string().min(1),
  /** Base URL including `/v1`. Default: the openai SDK default (`OPENAI_BASE_URL` or api.openai.com). */
  baseURL: z.string().url().optional(),
  /** Environment variable holding the API key (read on the worker, never stored in the IR). */
  apiKeyEnv: z.string().min(1).optional(),
  /** Literal API key: only for local servers and tests, it ends up in the IR. */
  apiKey: z.string().optional(),
  /** Models to try on this provider, in order. Default: `[config.model]`. */
  models: z.array(z.string().min(1)).optional(),
});

/**
 * Step config (IR literals).
 *
 * @example
 * ```ts
 * llmConfigSchema.parse({ model: "gpt-4.1", temperature: 0, cache: "request" });
 * ```
 */
export const llmConfigSchema = z.object({
  /** Model name; default for providers without `models`. Falls back to `metadata.model`. */
  model: z.string().min(1).optional(),
  /** Failover list, tried in order on 429, 5xx and network errors. Default: plugin options. */
  providers: z.array(llmProviderSchema).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  /** Stream the answer and emit `llm.delta` events. Default false. */
  stream: z.boolean().optional(),
  /**
   * Response cache scope. `step` (default): keyed by request fingerprint and the step's
   * idempotency key, so retries and crash recoveries never pay twice. `request`: by fingerprint
   * only, shared across executions (replays are free). `off`: never cached.
   */
  cache: z.enum(["step", "request", "off"]).optional(),
  /** Structured output: a JSON Schema (e.g. from `z.toJSONSchema`) the answer must match. */
  responseFormat: z
    .object({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()) })
    .optional(),
  /** Price overrides by model name, merged over the plugin's table. */
  prices: z.record(z.string(), modelPriceSchema).optional(),
  /** Per-request timeout (ms) on top of the step's own timeout. Default 60000. */
  requestTimeoutMs: z.number().int().positive().optional(),
});

/**
 * Declaration of the LLM chat step (`ordo.llm@1.0.0`). Input: `prompt` and/or `messages`, optional
 * `system` and `context` (put before the prompt). Output: `text`, `json` (structured output),
 * `usage` tokens, `costUsd`, `model`, `finishReason`, cache and failover facts.
 *
 * @example
 * ```ts
 * import { llmStep } from "@ordo/step/builtins";
 * llmStep.type; // "ordo.llm"
 * ```
 */
export const llmStep = declareStep({
  type: LLM_STEP_TYPE,
  version: LLM_STEP_VERSION,
  description: "Chat completion over an OpenAI-compatible API.",
  input: llmInputSchema,
  output: llmOutputSchema,
  config: llmConfigSchema,
  metadata: { operation: "llm.chat" },
});

/**
 * Parsed input of the LLM step (what `run` receives).
 *
 * @example
 * ```ts
 * const input: LlmParsedInput = { prompt: "Hello" };
 * ```
 */
export type LlmParsedInput = z.output<typeof llmInputSchema>;
/**
 * Output of the LLM step.
 *
 * @example
 * ```ts
 * const tokens = (out: LlmOutput) => out.usage.totalTokens;
 * ```
 */
export type LlmOutput = z.output<typeof llmOutputSchema>;
/**
 * Parsed config of the LLM step.
 *
 * @example
 * ```ts
 * const config: LlmConfig = { model: "gpt-4.1", temperature: 0 };
 * ```
 */
export type LlmConfig = z.output<typeof llmConfigSchema>;
/**
 * One provider of the failover list.
 *
 * @example
 * ```ts
 * const local: LlmProvider = { name: "local", baseURL: "http://127.0.0.1:8000/v1", apiKey: "x" };
 * ```
 */
export type LlmProvider = z.output<typeof llmProviderSchema>;
/**
 * A model price in USD per 1M tokens.
 *
 * @example
 * ```ts
 * const price: ModelPrice = { inputPer1M: 0.05, outputPer1M: 0.08 };
 * ```
 */
export type ModelPrice = z.output<typeof modelPriceSchema>;
/**
 * Token usage of one answer.
 *
 * @example
 * ```ts
 * const usage: LlmUsage = { inputTokens: 12, outputTokens: 3, totalTokens: 15 };
 * ```
 */
export type LlmUsage = z.output<typeof llmUsageSchema>;
