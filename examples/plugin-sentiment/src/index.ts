/**
 * @packageDocumentation
 * `@acme/ordo-step-sentiment` — an example third-party Ordo step plugin: `acme.sentiment@1.0.0`
 * scores a text's sentiment with a small lexicon (negation and intensifiers handled) into a score
 * in [-1, 1] and a label. It depends on `@ordo/step` and `zod` as peers only, like every plugin:
 * the host application provides them, so schemas and errors are the host's own.
 *
 * @example
 * ```ts
 * // pipeline module
 * import { sentimentStep } from "@acme/ordo-step-sentiment";
 * import { pipeline, use } from "@ordo/sdk";
 * import { z } from "zod";
 *
 * export default pipeline({ name: "reviews", version: "1.0.0", input: z.object({ review: z.string() }) })
 *   .step("sentiment", use(sentimentStep, ($) => ({ text: $.input.review })))
 *   .output(($) => ({ label: $.steps.sentiment.output.label }));
 *
 * // worker
 * createWorker({ connection, plugins: [sentimentStep] });
 * ```
 */

export { INTENSIFIERS, LEXICON, NEGATION_WINDOW, NEGATIONS } from "./lexicon.js";
export type { ScoreOptions, SentimentScore } from "./score.js";
export { scoreSentiment } from "./score.js";
export { SENTIMENT_STEP_TYPE, sentimentStep } from "./sentiment-step.js";
