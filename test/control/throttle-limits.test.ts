/**
 * The limit scripts through `Limiter`, on real Redis and on the embedded engine: all-or-none
 * acquisition, idempotent re-acquire, release, lease expiry, renew, rate windows with token
 * reconciliation, and a 429 blocking a whole provider.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { EmbeddedHotStore } from "../../packages/runtime/src/hot/embedded-store.js";
import type { HotStore } from "../../packages/runtime/src/hot/hot-store.js";
import { RedisHotStore } from "../../packages/runtime/src/hot/redis-store.js";
import { Limiter } from "../../packages/runtime/src/throttle/limiter.js";
import type { LimitPlan } from "../../packages/runtime/src/throttle/plan.js";
import { startTestRedis, type TestRedis, uniquePrefix } from "../runtime/helpers/redis.js";

let redis: TestRedis;
let redisStore: RedisHotStore;

beforeAll(async () => {
  redis = await startTestRedis();
  redisStore = RedisHotStore.connect(redis.connection);
});
afterAll(async () => {
  await redisStore.close();
  await redis.stop();
});

function plan(
  concurrency: [string, number][],
  rates: LimitPlan["rates"] = [],
  blockable: string[] = [],
): LimitPlan {
  return {
    concurrency: concurrency.map(([name, limit]) => ({ name, limit, retryAfterMs: 40 })),
    rates,
    blockable,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ["redis", () => redisStore as HotStore],
  ["embedded", () => new EmbeddedHotStore(new EmbeddedRedis(), true) as HotStore],
])("limits on %s", (_label, storeOf) => {
  const limiterOf = () => new Limiter(storeOf(), uniquePrefix("lim"));

  it("takes all limits or none, names the full one, and frees capacity on release", async () => {
    const limiter = limiterOf();
    const both = plan([
      ["provider:openai", 2],
      ["model:openai:gpt", 1],
    ]);
    const a = await limiter.acquire(both, "e|a|1", 10_000);
    expect("grant" in a).toBe(true);
    const b = await limiter.acquire(both, "e|b|1", 10_000);
    expect("denial" in b && b.denial).toMatchObject({
      kind: "concurrency",
      name: "model:openai:gpt",
      current: 1,
      limit: 1,
      retryAfterMs: 40,
    });
    // None taken: the provider set still holds only the first lease.
    const onlyProvider = plan([["provider:openai", 2]]);
    expect("grant" in (await limiter.acquire(onlyProvider, "e|c|1", 10_000))).toBe(true);
    const d = await limiter.acquire(onlyProvider, "e|d|1", 10_000);
    expect("denial" in d && d.denial.reason).toContain("provider:openai (2 of 2 running)");
    if (!("grant" in a)) throw new Error("unreachable");
    await limiter.release(a.grant);
    expect("grant" in (await limiter.acquire(both, "e|b|1", 10_000))).toBe(true);
  });

  it("a denied step waits on the full limit and the release names it to wake", async () => {
    const limiter = limiterOf();
    const one = plan([["provider:p", 1]]);
    const a = await limiter.acquire(one, "e|a|1", 10_000, "3|e|a");
    if (!("grant" in a)) throw new Error("first acquire denied");
    expect("denial" in (await limiter.acquire(one, "e|b|1", 10_000, "3|e|b"))).toBe(true);
    expect("denial" in (await limiter.acquire(one, "e|c|1", 10_000, "5|e|c"))).toBe(true);
    expect(await limiter.release(a.grant)).toEqual(["3|e|b"]);
    expect(await limiter.release(a.grant)).toEqual([]); // idempotent: nothing freed twice
    const c = await limiter.acquire(one, "e|c|2", 10_000, "5|e|c");
    if (!("grant" in c)) throw new Error("c denied after release");
    // c got the lease and left the waiters: its release wakes nobody.
    expect(await limiter.release(c.grant)).toEqual([]);
  });

  it("re-acquiring with the same lease id is idempotent", async () => {
    const limiter = limiterOf();
    const one = plan([["global:*", 1]]);
    expect("grant" in (await limiter.acquire(one, "e|a|7", 10_000))).toBe(true);
    expect("grant" in (await limiter.acquire(one, "e|a|7", 10_000))).toBe(true);
    expect("denial" in (await limiter.acquire(one, "e|a|8", 10_000))).toBe(true);
  });

  it("an expired lease frees capacity without release; renew keeps it alive", async () => {
    const limiter = limiterOf();
    const one = plan([["step:p:s", 1]]);
    const a = await limiter.acquire(one, "e|a|1", 60);
    if (!("grant" in a)) throw new Error("first acquire denied");
    await limiter.renew(a.grant, 400);
    await sleep(120);
    expect("denial" in (await limiter.acquire(one, "e|b|1", 60))).toBe(true);
    await limiter.release(a.grant);
    const b = await limiter.acquire(one, "e|b|1", 50);
    expect("grant" in b).toBe(true);
    await sleep(90);
    expect("grant" in (await limiter.acquire(one, "e|c|1", 50))).toBe(true);
  });

  it("rate windows reserve estimates and reconcile with reported usage", async () => {
    const limiter = limiterOf();
    const tokens = plan(
      [],
      [
        {
          id: "tokens:60000:provider:x",
          unit: "tokens",
          limit: 1_000,
          windowMs: 60_000,
          reserve: 400,
        },
      ],
    );
    const a = await limiter.acquire(tokens, "e|a|1", 1_000);
    const b = await limiter.acquire(tokens, "e|b|1", 1_000);
    if (!("grant" in a) || !("grant" in b)) throw new Error("reservations denied");
    const c = await limiter.acquire(tokens, "e|c|1", 1_000);
    expect("denial" in c && c.denial).toMatchObject({ kind: "rate", current: 800, limit: 1_000 });
    expect("denial" in c && c.denial.retryAfterMs).toBeGreaterThan(0);
    // a really used 50 tokens, not 400: 350 come back and c fits.
    await limiter.release(a.grant, { tokens: 50 });
    expect("grant" in (await limiter.acquire(tokens, "e|c|1", 1_000))).toBe(true);
  });

  it("a 429 blocks the whole provider for its retry-after", async () => {
    const limiter = limiterOf();
    const p = plan([], [], ["provider:anthropic"]);
    await limiter.block("provider:anthropic", 150);
    const denied = await limiter.acquire(p, "e|a|1", 1_000);
    expect("denial" in denied && denied.denial.kind).toBe("blocked");
    expect("denial" in denied && denied.denial.retryAfterMs).toBeLessThanOrEqual(150);
    expect(
      "grant" in (await limiter.acquire(plan([], [], ["provider:openai"]), "e|b|1", 1_000)),
    ).toBe(true);
    await sleep(170);
    expect("grant" in (await limiter.acquire(p, "e|a|1", 1_000))).toBe(true);
  });
});
