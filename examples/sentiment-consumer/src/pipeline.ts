/**
 * Review routing with a third-party plugin: `acme.sentiment` (from `@acme/ordo-step-sentiment`,
 * installed like any npm package) scores the review, the consumer's own `route` step picks a queue.
 *
 * ```
 * sentiment ─ route
 * ```
 *
 * Pure module: importing it runs no step code and opens no connection.
 */
import { sentimentStep } from "@acme/ordo-step-sentiment";
import { pipeline, use } from "@ordo/sdk";
import { z } from "zod";
import { route } from "./steps.js";

/** Reviews the demo routes, with where each must end up. */
export const sampleReviews = [
  {
    reviewId: "r-1",
    text: "Excellent kettle, really fast and the handle is sturdy.",
    queue: "marketing",
  },
  {
    reviewId: "r-2",
    text: "Terrible. The lid broke after a week and support was rude.",
    queue: "support",
  },
  { reviewId: "r-3", text: "It arrived on Tuesday in a brown box.", queue: "archive" },
  {
    reviewId: "r-4",
    text: "The parcel came late and the box was missing a filter.",
    queue: "support",
  },
] as const;

/** The pipeline's output (what `run.result()` resolves to). */
export interface RoutedReview {
  readonly reviewId: string;
  readonly label: "positive" | "negative" | "neutral";
  readonly score: number;
  readonly queue: "support" | "marketing" | "archive";
  readonly urgent: boolean;
}

export default pipeline({
  name: "review-routing",
  version: "1.0.0",
  description: "Score a product review's sentiment and route it to a team.",
  input: z.object({ reviewId: z.string(), text: z.string().min(1) }),
})
  .step(
    "sentiment",
    use(sentimentStep, ($) => ({ text: $.input.text }), {
      // Product words the stock lexicon does not know.
      config: { lexicon: { sturdy: 2, flimsy: -2 } },
    }),
  )
  .step(
    "route",
    use(route, ($) => ({
      reviewId: $.input.reviewId,
      label: $.steps.sentiment.output.label,
      score: $.steps.sentiment.output.score,
    })),
  )
  .output(($) => ({
    reviewId: $.input.reviewId,
    label: $.steps.sentiment.output.label,
    score: $.steps.sentiment.output.score,
    queue: $.steps.route.output.queue,
    urgent: $.steps.route.output.urgent,
  }));
