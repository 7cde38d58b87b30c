import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uniquePrefix, useRedis } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  canonicalJson,
  FileLlmCache,
  InMemoryLlmCache,
  type LlmCacheEntry,
  llmCacheKey,
  RedisLlmCache,
} from "./cache.js";

const entry: LlmCacheEntry = {
  text: "hi",
  provider: "p",
  model: "m",
  finishReason: "stop",
  usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
  createdAt: 1,
};

describe("cache keys", () => {
  it("are stable under key order and differ by idempotency key", () => {
    expect(canonicalJson({ b: 1, a: [true, { d: null, c: "x" }], u: undefined })).toBe(
      '{"a":[true,{"c":"x","d":null}],"b":1}',
    );
    expect(llmCacheKey({ a: 1, b: 2 }, "e:s")).toBe(llmCacheKey({ b: 2, a: 1 }, "e:s"));
    expect(llmCacheKey({ a: 1 }, "e1:s")).not.toBe(llmCacheKey({ a: 1 }, "e2:s"));
    expect(llmCacheKey({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("InMemoryLlmCache", () => {
  it("drops the oldest entries beyond maxEntries", async () => {
    const cache = new InMemoryLlmCache({ maxEntries: 2 });
    await cache.set("a", entry);
    await cache.set("b", entry);
    await cache.set("c", entry);
    expect(cache.size).toBe(2);
    expect(await cache.get("a")).toBeUndefined();
    expect(await cache.get("c")).toEqual(entry);
  });
});

describe("FileLlmCache", () => {
  it("persists entries across instances with atomic writes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ordo-llm-file-"));
    try {
      await new FileLlmCache(dir).set("exec:step", entry);
      expect(await new FileLlmCache(dir).get("exec:step")).toEqual(entry);
      expect(await new FileLlmCache(dir).get("other")).toBeUndefined();
      const files = await readdir(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("RedisLlmCache (real Redis)", () => {
  const redis = useRedis({ beforeAll, afterAll });
  it("shares entries between clients and expires them", async () => {
    const prefix = `${uniquePrefix("llm")}:`;
    const a = new RedisLlmCache(redis.client, { prefix, ttlMs: 60_000 });
    const b = new RedisLlmCache(redis.client, { prefix });
    await a.set("k", entry);
    expect(await b.get("k")).toEqual(entry);
    expect(await redis.client.pttl(`${prefix}k`)).toBeGreaterThan(50_000);
    const short = new RedisLlmCache(redis.client, { prefix, ttlMs: 20 });
    await short.set("gone", entry);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await short.get("gone")).toBeUndefined();
  });
});
