import { runStep } from "@ordo/testing";
import { describe, expect, it } from "vitest";
import { approxTokenCount, composeContext, ragComposeStep } from "./compose.js";
import type { RagDocument } from "./contract.js";

const doc = (id: string, text: string): RagDocument => ({
  id,
  text,
  score: 1,
  source: "s",
  metadata: {},
});

describe("composeContext", () => {
  it("numbers fragments for citation in input order, skipping empty and repeated documents", () => {
    const result = composeContext([
      doc("a", " Alpha. "),
      doc("e", "   "),
      doc("b", "Beta."),
      doc("a", "dup"),
    ]);
    expect(result).toEqual({
      context: "[1] Alpha.\n\n[2] Beta.",
      documentIds: ["a", "b"],
      truncated: false,
    });
  });

  it("stops at the first fragment over the budget and reports truncation", () => {
    const docs = [doc("a", "x".repeat(10)), doc("b", "y".repeat(50)), doc("c", "z")];
    const result = composeContext(docs, { maxChars: 30, separator: "\n" });
    // "[1] xxxxxxxxxx" is 14 chars; "[2] y*50" would exceed 30; "c" must not jump ahead
    expect(result).toEqual({
      context: `[1] ${"x".repeat(10)}`,
      documentIds: ["a"],
      truncated: true,
    });
    expect(result.context.length).toBeLessThanOrEqual(30);
  });

  it("cuts the first document when nothing fits, and handles no documents", () => {
    const result = composeContext([doc("a", "w".repeat(100))], { maxChars: 20 });
    expect(result.context).toBe(`[1] ${"w".repeat(16)}`);
    expect(result.truncated).toBe(true);
    expect(composeContext([])).toEqual({ context: "", documentIds: [], truncated: false });
  });
});

describe("composeContext token budget", () => {
  it("stops when the approximate token budget is reached", () => {
    const docs = [doc("a", "alpha beta gamma"), doc("b", "delta epsilon"), doc("c", "zeta")];
    // "[1] alpha beta gamma" = 1 + 2 + 1 + 2 = 6 tokens; "[2] delta epsilon" = 1 + 2 + 2 = 5
    expect(approxTokenCount("[1] alpha beta gamma")).toBe(6);
    const result = composeContext(docs, { maxTokens: 11 });
    expect(result.documentIds).toEqual(["a", "b"]);
    expect(result.truncated).toBe(true);
    expect(composeContext(docs, { maxTokens: 10 }).documentIds).toEqual(["a"]);
    expect(composeContext(docs, { maxTokens: 2 }).context).toBe("[1] alph");
  });
});

describe("ordo.rag.compose plugin", () => {
  it("runs with the declared schema and is deterministic", async () => {
    const input = { documents: [doc("a", "One"), doc("b", "Two")], separator: " | " };
    const first = await runStep(ragComposeStep, input);
    const second = await runStep(ragComposeStep, input);
    expect(first.output).toEqual({
      context: "[1] One | [2] Two",
      documentIds: ["a", "b"],
      truncated: false,
    });
    expect(second.output).toEqual(first.output);
  });
});
