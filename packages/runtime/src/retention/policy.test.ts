import { describe, expect, it } from "vitest";
import { expiresAtFor, retentionPolicyFor } from "./policy.js";

describe("retention policies", () => {
  const config = {
    default: { hot: "evict" as const, hotTtlMs: 1_000, durableTtlMs: 5_000 },
    pipelines: { audit: { hot: "keep" as const }, short: { durableTtlMs: 10 } },
  };

  it("merges a pipeline's fields over the default's", () => {
    expect(retentionPolicyFor(config, "audit")).toEqual({
      hot: "keep",
      hotTtlMs: 1_000,
      durableTtlMs: 5_000,
    });
    expect(retentionPolicyFor(config, "short")).toEqual({
      hot: "evict",
      hotTtlMs: 1_000,
      durableTtlMs: 10,
    });
    expect(retentionPolicyFor(config, "other")).toEqual(config.default);
    expect(retentionPolicyFor(undefined, "any")).toEqual({});
  });

  it("puts the IR's policy between the override and the default, field by field", () => {
    const declared = { hot: "compact" as const, hotTtlMs: 0, reason: "gdpr", inlineMaxBytes: 10 };
    // The override's `hot` wins; the IR's hotTtlMs and reason beat the default's; the payload
    // limits are not retention fields.
    expect(retentionPolicyFor(config, "audit", declared)).toEqual({
      hot: "keep",
      hotTtlMs: 0,
      durableTtlMs: 5_000,
      reason: "gdpr",
    });
    expect(retentionPolicyFor(config, "other", declared)).toEqual({
      hot: "compact",
      hotTtlMs: 0,
      durableTtlMs: 5_000,
      reason: "gdpr",
    });
    expect(retentionPolicyFor(undefined, "other", { durableTtlMs: 7 })).toEqual({
      durableTtlMs: 7,
    });
    // An override field set to undefined does not hide the IR's.
    const blank = { pipelines: { p: { hot: undefined, reason: "ops" } } };
    expect(retentionPolicyFor(blank, "p", { hot: "evict" })).toEqual({
      hot: "evict",
      reason: "ops",
    });
  });

  it("computes expiry from the TTL, or none", () => {
    expect(expiresAtFor({ durableTtlMs: 10 }, 100)).toBe(110);
    expect(expiresAtFor({}, 100)).toBeUndefined();
    expect(expiresAtFor({ durableTtlMs: Number.POSITIVE_INFINITY }, 100)).toBeUndefined();
  });
});
