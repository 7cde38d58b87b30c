/**
 * The consumer's pipeline in the workspace (the plugin resolved from its sources): every sample
 * review lands in its queue, and the plugin's config from the IR reaches the step.
 */
import { createEmbeddedRuntime, type EmbeddedRuntime } from "@ordo/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import routing, { type RoutedReview, sampleReviews } from "./pipeline.js";
import { plugins } from "./plugins.js";

let ordo: EmbeddedRuntime;
beforeAll(() => {
  ordo = createEmbeddedRuntime({ plugins, concurrency: 4 });
});
afterAll(() => ordo.close());

describe("review-routing pipeline", () => {
  test.each(sampleReviews)("$reviewId goes to $queue", async ({ reviewId, text, queue }) => {
    const run = await ordo.client.start<RoutedReview>(routing, { reviewId, text });
    const result = await run.result({ timeoutMs: 15_000 });
    expect(result.queue).toBe(queue);
    expect(result.reviewId).toBe(reviewId);
    expect((await run.status()).status).toBe("completed");
  });

  test("the IR carries the plugin's type, version and config", () => {
    const step = routing.compile().steps.find((s) => s.id === "sentiment");
    expect(step).toMatchObject({
      type: "acme.sentiment",
      typeVersion: "1.0.0",
      config: { lexicon: { sturdy: 2, flimsy: -2 } },
    });
  });

  test("the config's extra words count: 'sturdy' alone is positive", async () => {
    const run = await ordo.client.start<RoutedReview>(routing, {
      reviewId: "r-9",
      text: "A sturdy kettle.",
    });
    expect(await run.result({ timeoutMs: 15_000 })).toMatchObject({
      label: "positive",
      queue: "marketing",
      urgent: false,
    });
  });

  test("a strongly negative review is urgent, a mildly negative one is not", async () => {
    const urgent = await ordo.client.start<RoutedReview>(routing, {
      reviewId: "r-10",
      text: "Awful, flimsy and broken.",
    });
    expect(await urgent.result({ timeoutMs: 15_000 })).toMatchObject({
      queue: "support",
      urgent: true,
    });
    const mild = await ordo.client.start<RoutedReview>(routing, {
      reviewId: "r-11",
      text: "A bit slow.",
    });
    expect(await mild.result({ timeoutMs: 15_000 })).toMatchObject({
      queue: "support",
      urgent: false,
    });
  });
});
