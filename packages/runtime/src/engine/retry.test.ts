import { OrdoError } from "@ordo/core";
import { NonRetryableError, RetryAfterError } from "@ordo/step";
import { describe, expect, it } from "vitest";
import { backoffDelayMs, decideRetry, seededUnit, toStepError } from "./retry.js";

const base = { maxAttempts: 5, baseDelayMs: 100 } as const;

describe("backoffDelayMs", () => {
  it("grows per strategy and caps at maxDelayMs", () => {
    const fixed = [1, 2, 3].map((n) => backoffDelayMs({ ...base, strategy: "fixed" }, n, "s"));
    const linear = [1, 2, 3].map((n) => backoffDelayMs({ ...base, strategy: "linear" }, n, "s"));
    const exp = [1, 2, 3, 4].map((n) =>
      backoffDelayMs({ ...base, strategy: "exponential", maxDelayMs: 500 }, n, "s"),
    );
    expect(fixed).toEqual([100, 100, 100]);
    expect(linear).toEqual([100, 200, 300]);
    expect(exp).toEqual([100, 200, 400, 500]);
    expect(backoffDelayMs({ ...base, strategy: "exponential", multiplier: 3 }, 3, "s")).toBe(900);
  });

  it("applies seeded jitter: reproducible per seed, within bounds, varying across seeds", () => {
    const policy = { ...base, strategy: "fixed", baseDelayMs: 1000, jitter: "full" } as const;
    const a = backoffDelayMs(policy, 1, "e1:s:1");
    expect(backoffDelayMs(policy, 1, "e1:s:1")).toBe(a);
    const values = new Set(
      Array.from({ length: 20 }, (_, i) => backoffDelayMs(policy, 1, `e${i}:s:1`)),
    );
    expect(values.size).toBeGreaterThan(10);
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
    for (const v of values) expect(v).toBeLessThan(1000);
    const equal = backoffDelayMs({ ...policy, jitter: "equal" }, 1, "x");
    expect(equal).toBeGreaterThanOrEqual(500);
    expect(equal).toBeLessThan(1000);
    expect(seededUnit("x")).toBeLessThan(1);
  });
});

describe("decideRetry", () => {
  const policy = { ...base, strategy: "fixed" } as const;
  it("retries plain errors until attempts run out", () => {
    const err = toStepError(new Error("boom"));
    expect(err).toMatchObject({ code: "STEP_FAILED", retryable: true });
    expect(decideRetry(policy, 1, err, "s")).toEqual({ decision: "retry", delayMs: 100 });
    expect(decideRetry(policy, 5, err, "s")).toEqual({ decision: "fail" });
  });

  it("fails NonRetryableError at once and uses RetryAfterError's delay", () => {
    expect(decideRetry(policy, 1, toStepError(new NonRetryableError("no")), "s")).toEqual({
      decision: "fail",
    });
    expect(decideRetry(policy, 1, toStepError(new RetryAfterError("429", 2500)), "s")).toEqual({
      decision: "retry",
      delayMs: 2500,
    });
  });

  it("never retries an output that is not plain JSON (it fails the same way again)", () => {
    const err = toStepError(
      new OrdoError("NOT_JSON", "lone surrogate at $.text", { retryable: true }),
    );
    expect(err).toMatchObject({ code: "NOT_JSON", retryable: false });
    expect(decideRetry(policy, 1, err, "s")).toEqual({ decision: "fail" });
  });

  it("honours retryOn and doNotRetryOn", () => {
    const timeout = toStepError(new OrdoError("STEP_TIMEOUT", "slow", { retryable: true }));
    expect(
      decideRetry({ ...policy, doNotRetryOn: ["STEP_TIMEOUT"] }, 1, timeout, "s").decision,
    ).toBe("fail");
    expect(decideRetry({ ...policy, retryOn: ["RETRY_AFTER"] }, 1, timeout, "s").decision).toBe(
      "fail",
    );
    expect(decideRetry({ ...policy, retryOn: ["STEP_TIMEOUT"] }, 1, timeout, "s").decision).toBe(
      "retry",
    );
  });
});
