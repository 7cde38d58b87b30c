/**
 * The `ordo.llm` step factory over the shared declaration of `@ordo/step/builtins` (implemented by
 * `@ordo/step-llm`).
 */
import { type LlmOutput, llmStep } from "@ordo/step/builtins";
import type { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

export type { LlmOutput };
export { llmStep };

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
