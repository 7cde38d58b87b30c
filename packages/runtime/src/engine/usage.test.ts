import { describe, expect, it } from "vitest";
import { UsageTally } from "./usage.js";

describe("UsageTally", () => {
  it("sums llm.usage events and ignores other events and fields", () => {
    const tally = new UsageTally();
    expect(tally.toJson()).toBeUndefined();
    tally.add("llm.delta", { text: "hi" });
    tally.add("llm.usage", {
      provider: "p",
      model: "a",
      inputTokens: 10,
      outputTokens: 3,
      costUsd: 0.1,
    });
    tally.add("llm.usage", {
      provider: "p",
      model: "b",
      inputTokens: 5,
      outputTokens: 1,
      costUsd: 0.2,
      cached: true,
    });
    tally.add("llm.usage", "not an object");
    expect(JSON.parse(tally.toJson()!)).toEqual({
      calls: 2,
      inputTokens: 15,
      outputTokens: 4,
      costUsd: 0.3,
      models: ["p:a", "p:b"],
    });
  });
});
