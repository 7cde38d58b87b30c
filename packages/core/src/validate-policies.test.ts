import { describe, expect, it } from "vitest";
import { checkPolicySet } from "./validate-policies.js";

const paths = (policies: unknown) =>
  checkPolicySet(policies, ["steps", 1, "policies"]).map((i) => `${i.code} ${i.path}`);

describe("checkPolicySet", () => {
  it("accepts consistent policies and ignores non-objects", () => {
    expect(
      paths({
        retry: {
          maxAttempts: 3,
          strategy: "fixed",
          baseDelayMs: 100,
          maxDelayMs: 100,
          retryOn: ["A"],
          doNotRetryOn: ["B"],
        },
        timeout: { leaseMs: 30000, heartbeatMs: 10000 },
        rateLimits: [
          { scope: "model", unit: "tokens", limit: 1000, windowMs: 60000, estimate: 1000 },
        ],
      }),
    ).toEqual([]);
    expect(paths(undefined)).toEqual([]);
    expect(paths("x")).toEqual([]);
  });

  it("reports inconsistent retry, timeout and rate limit values", () => {
    expect(
      paths({
        retry: { baseDelayMs: 500, maxDelayMs: 100, retryOn: ["A", "B"], doNotRetryOn: ["C", "B"] },
        timeout: { leaseMs: 1000, heartbeatMs: 1000 },
        rateLimits: [
          { unit: "requests", limit: 10, estimate: 1 },
          { unit: "tokens", limit: 10, estimate: 11 },
        ],
      }),
    ).toEqual([
      "IR_INVALID_POLICY $.steps[1].policies.retry.maxDelayMs",
      "IR_INVALID_POLICY $.steps[1].policies.retry.doNotRetryOn[1]",
      "IR_INVALID_POLICY $.steps[1].policies.timeout.heartbeatMs",
      "IR_INVALID_POLICY $.steps[1].policies.rateLimits[0].estimate",
      "IR_INVALID_POLICY $.steps[1].policies.rateLimits[1].estimate",
    ]);
  });
});
