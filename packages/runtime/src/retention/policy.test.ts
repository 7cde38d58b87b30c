import { describe, expect, it } from "vitest";
import { expiresAtFor, retentionPolicyFor } from "./policy.js";

describe("retention policies", () => {
  const config = {
    default: { hot: "evict" as const, hotAfterMs: 1_000, durableTtlMs: 5_000 },
    pipelines: { audit: { hot: "keep" as const }, short: { durableTtlMs: 10 } },
  };

  it("merges a pipeline's fields over the default's", () => {
    expect(retentionPolicyFor(config, "audit")).toEqual({
      hot: "keep",
      hotAfterMs: 1_000,
      durableTtlMs: 5_000,
    });
    expect(retentionPolicyFor(config, "short")).toEqual({
      hot: "evict",
      hotAfterMs: 1_000,
      durableTtlMs: 10,
    });
    expect(retentionPolicyFor(config, "other")).toEqual(config.default);
    expect(retentionPolicyFor(undefined, "any")).toEqual({});
  });

  it("computes expiry from the TTL, or none", () => {
    expect(expiresAtFor({ durableTtlMs: 10 }, 100)).toBe(110);
    expect(expiresAtFor({}, 100)).toBeUndefined();
  });
});
