import { describe, expect, it, vi } from "vitest";
import { AdmissionPolicyCache, parseAdmissionPolicy, policyDenial } from "./admission-policy.js";

describe("AdmissionPolicyCache", () => {
  it("reads once per ttl, shares a read between concurrent callers, and re-reads after", async () => {
    vi.useFakeTimers({ now: 10_000 });
    try {
      let value: { blockedProviders: string[] } | undefined = { blockedProviders: ["a"] };
      const read = vi.fn(async () => value);
      const cache = new AdmissionPolicyCache(read, 1_000);
      const [x, y] = await Promise.all([cache.current(), cache.current()]);
      expect(x).toEqual({ blockedProviders: ["a"] });
      expect(y).toBe(x);
      expect(read).toHaveBeenCalledTimes(1);
      value = undefined;
      vi.setSystemTime(10_999);
      expect(await cache.current()).toEqual({ blockedProviders: ["a"] });
      expect(read).toHaveBeenCalledTimes(1);
      vi.setSystemTime(11_000);
      expect(await cache.current()).toBeUndefined();
      expect(read).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads on every call with ttl 0, and lets a failed read throw without caching it", async () => {
    let fail = true;
    const read = vi.fn(async () => {
      if (fail) throw new Error("down");
      return undefined;
    });
    const cache = new AdmissionPolicyCache(read, 0);
    await expect(cache.current()).rejects.toThrow("down");
    fail = false;
    expect(await cache.current()).toBeUndefined();
    expect(await cache.current()).toBeUndefined();
    expect(read).toHaveBeenCalledTimes(3);
  });
});

describe("parseAdmissionPolicy", () => {
  it("returns the checked policy (names trimmed) and refuses empty or malformed ones", () => {
    expect(parseAdmissionPolicy({ blockedProviders: [" openai "] })).toEqual({
      blockedProviders: ["openai"],
    });
    const codeOf = (input: unknown) => {
      try {
        parseAdmissionPolicy(input);
        return "ok";
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    expect(codeOf({ reason: "x", retryAfterMs: 5 })).toBe("IR_INVALID_POLICY");
    expect(codeOf({ blockedModel: ["a:b"] })).toBe("IR_UNKNOWN_POLICY_FIELD");
    expect(codeOf({ blockedModels: ["gpt"] })).toBe("IR_INVALID_POLICY");
    expect(codeOf({ requireModel: true, retryAfterMs: 0 })).toBe("IR_INVALID_POLICY");
    expect(codeOf(null)).toBe("IR_INVALID_POLICY");
  });
});

describe("policyDenial", () => {
  it("defaults the wait to 1 000 ms and says what, why and when", () => {
    const refusal = {
      rule: "requireProvider",
      subject: "provider",
      value: undefined,
      reason: undefined,
      message: "provider required, step has none",
    } as const;
    expect(policyDenial(refusal)).toEqual({
      kind: "policy",
      name: "requireProvider",
      current: 0,
      limit: 0,
      retryAfterMs: 1_000,
      reason: "provider required, step has none; retry in 1000 ms",
      refusal,
    });
  });
});
