/**
 * The `acme.sentiment@1.0.0` step: {@link scoreSentiment} behind the Ordo plugin contract.
 */
import { defineStep } from "@ordo/step";
import { z } from "zod";
import { scoreSentiment } from "./score.js";

/** Step type, namespaced by the publisher as the plugin contract asks (`<vendor>.<name>`). */
export const SENTIMENT_STEP_TYPE = "acme.sentiment";

/**
 * Scores one text. Config (fixed per pipeline step, in the IR): `neutralBand` and extra
 * `lexicon` words. Deterministic and side-effect free, so a retry or a replay gives the same
 * output.
 *
 * @example
 * ```ts
 * import { sentimentStep } from "@acme/ordo-step-sentiment";
 * import { pipeline, use } from "@ordo/sdk";
 *
 * pipeline({ name: "reviews", version: "1.0.0", input: z.object({ review: z.string() }) })
 *   .step("sentiment", use(sentimentStep, ($) => ({ text: $.input.review }), {
 *     config: { lexicon: { sturdy: 2 } },
 *   }));
 * // IR step: { type: "acme.sentiment", typeVersion: "1.0.0", config: { lexicon: { sturdy: 2 } }, ... }
 * ```
 */
export const sentimentStep = defineStep({
  type: SENTIMENT_STEP_TYPE,
  version: "1.0.0",
  description: "Lexicon-based sentiment of a text: score in [-1, 1] and a label.",
  input: z.object({
    /** The text to score. */
    text: z.string().min(1),
  }),
  output: z.object({
    score: z.number().min(-1).max(1),
    label: z.enum(["positive", "negative", "neutral"]),
    positive: z.array(z.string()),
    negative: z.array(z.string()),
    words: z.number().int().nonnegative(),
  }),
  config: z.object({
    /** Scores within +-neutralBand are neutral. Default 0.05. */
    neutralBand: z.number().min(0).max(1).optional(),
    /** Extra or overriding word valences, -5..5, lower-case keys. */
    lexicon: z.record(z.string().regex(/^[\p{Ll}\p{N}']+$/u), z.number().min(-5).max(5)).optional(),
  }),
  metadata: { operation: "nlp.sentiment" },
  async run({ text }, ctx) {
    const result = scoreSentiment(text, {
      ...(ctx.config.neutralBand === undefined ? {} : { neutralBand: ctx.config.neutralBand }),
      ...(ctx.config.lexicon === undefined ? {} : { lexicon: ctx.config.lexicon }),
    });
    ctx.logger.debug("scored", { label: result.label, score: result.score });
    return result;
  },
});
