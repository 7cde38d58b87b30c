/**
 * Token prices and cost arithmetic. Prices are USD per 1M tokens; the default table holds a few
 * well-known OpenAI models as published at the time of writing and is meant to be overridden
 * (plugin option `prices`, step config `prices`): providers change prices, Ordo does not track them.
 */
import type { LlmUsage, ModelPrice } from "./contract.js";

/**
 * Default price table (USD per 1M input / output tokens). Override it rather than relying on it.
 *
 * @example
 * ```ts
 * DEFAULT_PRICES["gpt-4o-mini"]; // { inputPer1M: 0.15, outputPer1M: 0.6 }
 * ```
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  "gpt-4o": { inputPer1M: 2.5, outputPer1M: 10 },
  "gpt-4o-mini": { inputPer1M: 0.15, outputPer1M: 0.6 },
  "gpt-4.1": { inputPer1M: 2, outputPer1M: 8 },
  "gpt-4.1-mini": { inputPer1M: 0.4, outputPer1M: 1.6 },
  "gpt-4.1-nano": { inputPer1M: 0.1, outputPer1M: 0.4 },
  "text-embedding-3-small": { inputPer1M: 0.02, outputPer1M: 0 },
  "text-embedding-3-large": { inputPer1M: 0.13, outputPer1M: 0 },
});

/**
 * Cost of `usage` on `model`, rounded to 1e-9 USD (float noise would otherwise make equal runs
 * differ). `undefined` when the table has no entry for the model.
 *
 * @example
 * ```ts
 * costUsd({ inputTokens: 1000, outputTokens: 500, totalTokens: 1500 }, "m", {
 *   m: { inputPer1M: 1, outputPer1M: 2 },
 * }); // 0.002
 * ```
 */
export function costUsd(
  usage: LlmUsage,
  model: string,
  prices: Readonly<Record<string, ModelPrice>>,
): number | undefined {
  const price = prices[model];
  if (price === undefined) return undefined;
  const raw = (usage.inputTokens * price.inputPer1M + usage.outputTokens * price.outputPer1M) / 1e6;
  return Math.round(raw * 1e9) / 1e9;
}
