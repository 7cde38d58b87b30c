import { describe, expect, it } from "vitest";
import { didYouMean } from "./suggest.js";

describe("didYouMean", () => {
  it("suggests the closest candidate within the distance budget", () => {
    expect(didYouMean("retreive", ["answer", "retrieve"])).toBe("; did you mean 'retrieve'?");
    expect(didYouMean("documnts", ["documents", "context"])).toBe("; did you mean 'documents'?");
    expect(didYouMean("Answer", ["answer"])).toBe("; did you mean 'answer'?");
  });

  it("stays quiet when nothing is close or the name is exact", () => {
    expect(didYouMean("rerank", ["retrieve", "answer"])).toBe("");
    expect(didYouMean("ab", ["xy"])).toBe("");
    expect(didYouMean("answer", ["answer"])).toBe("");
    expect(didYouMean("a", [])).toBe("");
  });
});
