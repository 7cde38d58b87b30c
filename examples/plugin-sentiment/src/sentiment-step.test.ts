/**
 * The plugin through the contract, as the runtime would call it (`runStep` validates input,
 * config and output and round-trips the output through JSON), plus the scoring rules.
 */
import { isOrdoError } from "@ordo/step";
import { runStep, tryRunStep } from "@ordo/testing";
import { describe, expect, test } from "vitest";
import { scoreSentiment } from "./score.js";
import { SENTIMENT_STEP_TYPE, sentimentStep } from "./sentiment-step.js";

describe("acme.sentiment step", () => {
  test("declares its type, version and JSON Schemas", () => {
    expect(sentimentStep.type).toBe(SENTIMENT_STEP_TYPE);
    expect(sentimentStep.version).toBe("1.0.0");
    expect(sentimentStep.input.safeParse({ text: "" }).success).toBe(false);
  });

  test("scores a positive review", async () => {
    const { output } = await runStep(sentimentStep, { text: "The kettle is great, really fast." });
    // great (2) + really x fast (1.5) = 3.5; 3.5 / sqrt(3.5^2 + 15) = 0.670
    expect(output).toEqual({
      score: 0.67,
      label: "positive",
      positive: ["great", "fast"],
      negative: [],
      words: 6,
    });
  });

  test("a negation flips the next sentiment word", async () => {
    const { output } = await runStep(sentimentStep, { text: "It is not good and never fast." });
    expect(output.label).toBe("negative");
    expect(output.negative).toEqual(["good", "fast"]);
    expect(output.score).toBeCloseTo(-2 / Math.sqrt(4 + 15), 3);
  });

  test("text without lexicon words is neutral with score 0", async () => {
    const { output } = await runStep(sentimentStep, { text: "The parcel arrived on Tuesday." });
    expect(output).toMatchObject({ score: 0, label: "neutral", positive: [], negative: [] });
  });

  test("config adds words and widens the neutral band", async () => {
    const text = "Sturdy handle, slightly slow.";
    const plain = await runStep(sentimentStep, { text });
    expect(plain.output).toMatchObject({ label: "negative", negative: ["slow"] });
    const tuned = await runStep(sentimentStep, { text }, { config: { lexicon: { sturdy: 2 } } });
    expect(tuned.output).toMatchObject({ label: "positive", positive: ["sturdy"] });
    const wide = await runStep(sentimentStep, { text }, { config: { neutralBand: 0.5 } });
    expect(wide.output.label).toBe("neutral");
  });

  test("invalid input and config are contract errors, not crashes", async () => {
    const empty = await tryRunStep(sentimentStep, { text: "" });
    expect(!empty.ok && isOrdoError(empty.error) && empty.error.code).toBe("INPUT_INVALID");
    const badWord = await tryRunStep(
      sentimentStep,
      { text: "fine" },
      { config: { lexicon: { Shouting: 1 } } },
    );
    expect(!badWord.ok && isOrdoError(badWord.error) && badWord.error.code).toBe(
      "IR_INVALID_CONFIG",
    );
  });

  test("scores stay in [-1, 1] however many words pile up", () => {
    expect(scoreSentiment("great ".repeat(500)).score).toBeLessThan(1);
    expect(scoreSentiment("extremely terrible ".repeat(500)).score).toBeGreaterThan(-1);
  });
});
