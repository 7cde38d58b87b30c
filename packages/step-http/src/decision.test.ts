import { isOrdoError } from "@ordo/step";
import { runStep, tryRunStep } from "@ordo/testing";
import { describe, expect, it } from "vitest";
import { decisionPlugin, matchesCondition } from "./decision.js";

describe("matchesCondition", () => {
  it("checks every given test", () => {
    expect(matchesCondition(5, {})).toBe(true);
    expect(matchesCondition("a", { equals: "a" })).toBe(true);
    expect(matchesCondition("a", { notEquals: "a" })).toBe(false);
    expect(matchesCondition(2, { in: [1, 2, 3] })).toBe(true);
    expect(matchesCondition(7, { gt: 5, lte: 7 })).toBe(true);
    expect(matchesCondition(7, { gt: 5, lt: 7 })).toBe(false);
    expect(matchesCondition(5, { gte: 5 })).toBe(true);
    expect(matchesCondition("5", { gte: 1 })).toBe(false);
    expect(matchesCondition("urgent: disk", { matches: "^urgent" })).toBe(true);
    expect(matchesCondition(3, { matches: "3" })).toBe(false);
    expect(matchesCondition(null, { equals: null })).toBe(true);
  });
});

describe("ordo.decision plugin", () => {
  const cases = [
    { when: { gte: 0.9 }, route: "auto" },
    { when: { gte: 0.5 }, route: "review" },
  ];

  it("takes the first case that holds", async () => {
    expect((await runStep(decisionPlugin, { value: 0.95, cases })).output).toEqual({
      route: "auto",
      matched: true,
      caseIndex: 0,
    });
    expect((await runStep(decisionPlugin, { value: 0.6, cases })).output).toEqual({
      route: "review",
      matched: true,
      caseIndex: 1,
    });
  });

  it("falls back to default, and fails without retry when there is none", async () => {
    const fallback = await runStep(decisionPlugin, { value: 0.1, cases, default: "reject" });
    expect(fallback.output).toEqual({ route: "reject", matched: false, caseIndex: null });
    const none = await tryRunStep(decisionPlugin, { value: 0.1, cases });
    expect(!none.ok && isOrdoError(none.error) && [none.error.code, none.error.retryable]).toEqual([
      "NON_RETRYABLE",
      false,
    ]);
  });

  it("rejects an invalid regular expression as a non-retryable rule error", async () => {
    const bad = await tryRunStep(decisionPlugin, {
      value: "x",
      cases: [{ when: { matches: "(" }, route: "a" }],
    });
    expect(!bad.ok && isOrdoError(bad.error) && bad.error.code).toBe("NON_RETRYABLE");
  });
});
