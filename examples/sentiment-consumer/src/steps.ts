/**
 * The consumer's own step: `route` sends a review to a team's queue by its sentiment.
 */
import { defineStep } from "@ordo/step";
import { z } from "zod";

/**
 * `example.reviews.route@1.0.0`: negative reviews go to `support` (urgent below -0.5), positive
 * ones to `marketing`, neutral ones to `archive`.
 */
export const route = defineStep({
  type: "example.reviews.route",
  version: "1.0.0",
  description: "Pick a queue for a review from its sentiment.",
  input: z.object({
    reviewId: z.string(),
    label: z.enum(["positive", "negative", "neutral"]),
    score: z.number(),
  }),
  output: z.object({ queue: z.enum(["support", "marketing", "archive"]), urgent: z.boolean() }),
  async run({ label, score }) {
    if (label === "negative") return { queue: "support" as const, urgent: score < -0.5 };
    return {
      queue: label === "positive" ? ("marketing" as const) : ("archive" as const),
      urgent: false,
    };
  },
});
