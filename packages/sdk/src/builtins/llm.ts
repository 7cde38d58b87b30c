/**
 * The `ordo.llm` step, declared: schemas identical to the `@ordo/step-llm` plugin contract, which
 * implements it on workers (test/sdk/builtins-contract.test.ts keeps the two in sync).
 */
import { declareStep } from "@ordo/step";
import { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

const llmMessage = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});

const llmProvider = z.object({
  name: z.string().min(1),
  baseURL: z.string().url().optional(),
  apiKeyEnv: z.string().min(1).optional(),
  apiKey: z.string().optional(),
  models: z.array(z.string().min(1)).optional(),
});

const modelPrice = z.object({
  inputPer1M: z.number().nonnegative(),
  outputPer1M: z.number().nonnegative(),
});

const llmAttempt = z.object({
  provider: z.string(),
  model: z.string(),
  status: z.number().int(),
  message: z.string(),
});

/**
 * Declaration of the LLM chat step (`ordo.llm@1.0.0`). Input: `prompt` and/or `messages`, optional
 * `system` and `context` (put before the prompt). Output: `text`, `json` (structured output),
 * `usage` tokens, `costUsd`, `model`, `finishReason`, cache and failover facts.
 *
 * @example
 * ```ts
 * import { llmStep } from "@ordo/sdk";
 * llmStep.type; // "ordo.llm"
 * ```
 */
export const llmStep = declareStep({
  type: "ordo.llm",
  version: "1.0.0",
  description: "Chat completion over an OpenAI-compatible API.",
  input: z
    .object({
      prompt: z.string().optional(),
      system: z.string().optional(),
      messages: z.array(llmMessage).optional(),
      context: z.union([z.string(), z.array(z.string())]).optional(),
    })
    .refine((v) => v.prompt !== undefined || (v.messages?.length ?? 0) > 0, {
      message: "give a prompt or at least one message",
    }),
  output: z.object({
    text: z.string(),
    json: z.unknown().optional(),
    provider: z.string(),
    model: z.string(),
    finishReason: z.string(),
    usage: z.object({
      inputTokens: z.number().int().nonnegative(),
      outputTokens: z.number().int().nonnegative(),
      totalTokens: z.number().int().nonnegative(),
    }),
    costUsd: z.number().nonnegative(),
    answerCostUsd: z.number().nonnegative(),
    unpriced: z.boolean(),
    cached: z.boolean(),
    failovers: z.array(llmAttempt),
  }),
  config: z.object({
    model: z.string().min(1).optional(),
    providers: z.array(llmProvider).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    stream: z.boolean().optional(),
    cache: z.enum(["step", "request", "off"]).optional(),
    responseFormat: z
      .object({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()) })
      .optional(),
    prices: z.record(z.string(), modelPrice).optional(),
    requestTimeoutMs: z.number().int().positive().optional(),
  }),
  metadata: { operation: "llm.chat" },
});

/**
 * Input of the LLM step, as bindings may give it.
 *
 * @example
 * ```ts
 * const input: LlmInput = { system: "Be brief.", prompt: "Hello" };
 * ```
 */
export type LlmInput = z.input<typeof llmStep.input>;
/**
 * Output of the LLM step.
 *
 * @example
 * ```ts
 * p.output(($) => ({ answer: $.steps.answer.output.text, tokens: $.steps.answer.output.usage.totalTokens }));
 * ```
 */
export type LlmOutput = z.output<typeof llmStep.output>;

/**
 * Options of {@link llm}: the step config (model, temperature, ...) plus `provider` (step metadata
 * used by provider limits and the ledger) and the common step options.
 *
 * @example
 * ```ts
 * const options: LlmOptions = { provider: "openai", model: "gpt-4.1", temperature: 0, trigger: "all_done" };
 * ```
 */
export type LlmOptions = z.input<NonNullable<typeof llmStep.config>> &
  StepOptions & {
    /** Provider name for limits and the ledger, e.g. `openai` (`metadata.provider`). */
    readonly provider?: string;
  };

/**
 * An LLM chat step. `model` goes to the config and to `metadata.model`, `provider` to
 * `metadata.provider`, so `throttle.provider("openai", 8)` and model limits apply to it.
 *
 * @example
 * ```ts
 * p.step("answer", llm(($) => ({ prompt: $.template`Answer ${$.input.question}` }), {
 *   provider: "openai",
 *   model: "gpt-4.1",
 * }));
 * // IR step: { type: "ordo.llm", typeVersion: "1.0.0", config: { model: "gpt-4.1" },
 * //   metadata: { operation: "llm.chat", provider: "openai", model: "gpt-4.1" },
 * //   inputs: { prompt: { $template: "Answer {{input.question}}" } }, ... }
 * ```
 */
export function llm<TScope>(
  bind: ($: TScope) => BindableInputs<LlmInput>,
  options: LlmOptions = {},
): StepSpec<TScope, LlmOutput> {
  const { provider, ...rest } = options;
  const metadata = {
    ...(provider === undefined ? {} : { provider }),
    ...(rest.model === undefined ? {} : { model: rest.model }),
  };
  const split = splitOptions(rest, metadata);
  return makeSpec(llmStep, bind, split.config, split.options);
}
