import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "./embedded-redis.js";
import { SortedSet } from "./keyspace/sorted-set.js";
import { g17 } from "./keyspace/zsets.js";

describe("keyspace", () => {
  it("expires keys lazily by the injected clock", async () => {
    let now = 1_000_000;
    const redis = new EmbeddedRedis({ now: () => now });
    await redis.call("SET", "k", "v", "PX", 500);
    expect(await redis.call("PTTL", "k")).toBe(500);
    now += 499;
    expect(await redis.call("GET", "k")).toBe("v");
    now += 1;
    expect(await redis.call("GET", "k")).toBeNull();
    expect(await redis.call("EXISTS", "k")).toBe(0);
  });

  it("reports WRONGTYPE and arity like Redis", async () => {
    const redis = new EmbeddedRedis();
    await redis.call("SET", "s", "x");
    await expect(redis.call("HGET", "s", "f")).rejects.toThrow(/^WRONGTYPE /);
    await expect(redis.call("GET")).rejects.toThrow(
      "ERR wrong number of arguments for 'get' command",
    );
  });

  it("orders zset ties by member and pops the minimum", async () => {
    const redis = new EmbeddedRedis();
    await redis.call("ZADD", "z", 2, "b", 1, "c", 1, "a");
    expect(await redis.call("ZRANGE", "z", 0, -1)).toEqual(["a", "c", "b"]);
    expect(await redis.call("ZPOPMIN", "z", 2)).toEqual(["a", "1", "c", "1"]);
    expect(await redis.call("ZCARD", "z")).toBe(1);
  });

  it("sorted set keeps order under random updates", () => {
    const set = new SortedSet();
    const model = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const member = `m${i % 300}`;
      const score = (i * 7919) % 101;
      if (i % 5 === 0) {
        set.delete(member);
        model.delete(member);
      } else {
        set.set(member, score);
        model.set(member, score);
      }
    }
    const expected = [...model]
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .map(([m]) => m);
    expect(set.range(0, set.size - 1).map((e) => e.member)).toEqual(expected);
  });

  it("formats doubles like %.17g", () => {
    expect([g17(0.1), g17(1.5), g17(3), g17(1e20), g17(0.00001), g17(-2.5)]).toEqual([
      "0.10000000000000001",
      "1.5",
      "3",
      "1e+20",
      "1.0000000000000001e-05",
      "-2.5",
    ]);
  });
});

describe("clients", () => {
  it("BLPOP blocks until another client pushes, and times out with null", async () => {
    const a = new EmbeddedRedis();
    const b = a.duplicate();
    const waiting = a.blpop("q1", "q2", 5);
    await b.call("RPUSH", "q2", "job");
    expect(await waiting).toEqual(["q2", "job"]);
    const started = Date.now();
    expect(await a.blpop("q1", 0.05)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it("a push from inside a script wakes a blocked client", async () => {
    const a = new EmbeddedRedis();
    const waiting = a.duplicate().blpop("wake", 5);
    await a.eval("return redis.call('LPUSH', KEYS[1], 'x')", 1, "wake");
    expect(await waiting).toEqual(["wake", "x"]);
  });

  it("loads scripts by real SHA1 and rejects unknown SHAs with NOSCRIPT", async () => {
    const redis = new EmbeddedRedis();
    const sha = await redis.scriptLoad("return 1");
    expect(sha).toBe("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    expect(await redis.duplicate().evalsha(sha, 0)).toBe(1);
    await expect(redis.evalsha("0".repeat(40), 0)).rejects.toThrow(/^NOSCRIPT /);
  });

  it("closed clients reject", async () => {
    const redis = new EmbeddedRedis();
    await redis.quit();
    await expect(redis.call("PING")).rejects.toThrow("Connection is closed.");
  });
});
