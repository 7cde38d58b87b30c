import { isOrdoError, policySetSchema } from "@ordo/core";
import { describe, expect, test } from "vitest";
import { rateLimit, retention, retry, throttle, timeout } from "./policies.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOrdoError(error) ? error.code : "not an OrdoError";
  }
  return undefined;
}

describe("policy helpers", () => {
  test("retry helpers set the strategy and keep the options", () => {
    expect(retry.fixed({ maxAttempts: 3, baseDelayMs: 500 })).toEqual({
      maxAttempts: 3,
      strategy: "fixed",
      baseDelayMs: 500,
    });
    expect(retry.linear({ maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 15 }).strategy).toBe(
      "linear",
    );
    expect(
      retry.exponential({
        maxAttempts: 4,
        baseDelayMs: 200,
        multiplier: 3,
        jitter: "full",
        retryOn: ["RETRY_AFTER"],
      }),
    ).toEqual({
      maxAttempts: 4,
      strategy: "exponential",
      baseDelayMs: 200,
      multiplier: 3,
      jitter: "full",
      retryOn: ["RETRY_AFTER"],
    });
    expect(retry.none()).toEqual({ maxAttempts: 1, strategy: "fixed", baseDelayMs: 0 });
  });

  test("limits name their scope and key", () => {
    expect(throttle.provider("openai", 8)).toEqual({ scope: "provider", key: "openai", limit: 8 });
    expect(throttle.model("openai", "gpt-4.1", 2, { retryAfterMs: 100 })).toEqual({
      scope: "model",
      key: "openai:gpt-4.1",
      limit: 2,
      retryAfterMs: 100,
    });
    expect(throttle.operation("llm.chat", 5)).toEqual({
      scope: "operation",
      key: "llm.chat",
      limit: 5,
    });
    expect(throttle.tenant(3)).toEqual({ scope: "tenant", limit: 3 });
    expect(throttle.tenant(3, "acme")).toEqual({ scope: "tenant", key: "acme", limit: 3 });
    expect(throttle.global(100)).toEqual({ scope: "global", limit: 100 });
    expect(throttle.pipeline(4).scope).toBe("pipeline");
    expect(throttle.step(4).scope).toBe("step");
    expect(throttle.execution(4).scope).toBe("execution");
    expect(
      rateLimit.requests({ scope: "provider", key: "openai", limit: 500, windowMs: 60_000 }),
    ).toEqual({
      scope: "provider",
      key: "openai",
      unit: "requests",
      limit: 500,
      windowMs: 60_000,
    });
    expect(rateLimit.tokens({ limit: 1000, windowMs: 1000, estimate: 50 })).toEqual({
      scope: "global",
      unit: "tokens",
      limit: 1000,
      windowMs: 1000,
      estimate: 50,
    });
  });

  test("timeouts and retention", () => {
    expect(timeout({ attemptMs: 60_000, leaseMs: 30_000 })).toEqual({
      attemptMs: 60_000,
      leaseMs: 30_000,
    });
    expect(retention.keep()).toEqual({ hot: "keep" });
    expect(retention.compact({ inlineMaxBytes: 1024 })).toEqual({
      hot: "compact",
      inlineMaxBytes: 1024,
    });
    expect(retention.evict({ hotTtlMs: 1, durableTtlMs: 2, reason: "gdpr" })).toEqual({
      hot: "evict",
      hotTtlMs: 1,
      durableTtlMs: 2,
      reason: "gdpr",
    });
  });

  test("every helper's output is a valid core policy set", () => {
    const set = {
      retry: retry.exponential({ maxAttempts: 2, baseDelayMs: 1 }),
      timeout: timeout({ leaseMs: 1000 }),
      concurrency: [throttle.provider("a", 1), throttle.model("a", "m", 1), throttle.global(1)],
      rateLimits: [
        rateLimit.requests({ limit: 1, windowMs: 1 }),
        rateLimit.tokens({ limit: 1, windowMs: 1, estimate: 1 }),
      ],
      retention: retention.evict(),
    };
    expect(policySetSchema.parse(set)).toEqual(set);
  });

  test("invalid values and unknown fields throw at build time", () => {
    expect(codeOf(() => retry.fixed({ maxAttempts: 0, baseDelayMs: 1 }))).toBe("IR_INVALID_POLICY");
    expect(codeOf(() => throttle.provider("", 1))).toBe("IR_INVALID_POLICY");
    expect(codeOf(() => throttle.global(1.5))).toBe("IR_INVALID_POLICY");
    expect(codeOf(() => timeout({ attemptMs: -1 }))).toBe("IR_INVALID_POLICY");
    expect(
      codeOf(() => retry.fixed({ maxAttempts: 1, baseDelayMs: 1, maxRetries: 3 } as never)),
    ).toBe("IR_UNKNOWN_POLICY_FIELD");
    expect(codeOf(() => rateLimit.requests({ limit: 1, windowMs: 0 }))).toBe("IR_INVALID_POLICY");
  });
});
