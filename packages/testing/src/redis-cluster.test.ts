import { describe, expect, it } from "vitest";
import { startRedisCluster } from "./redis-cluster.js";

describe("startRedisCluster", () => {
  it("forms a 3-master cluster that routes keys to all nodes", async () => {
    const cluster = await startRedisCluster({ masters: 3 });
    try {
      expect(cluster.nodes).toHaveLength(3);
      const client = cluster.connect();
      const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
      for (const key of keys) await client.set(key, key);
      for (const key of keys) expect(await client.get(key)).toBe(key);
      const masters = client.nodes("master");
      expect(masters).toHaveLength(3);
      const sizes = await Promise.all(masters.map((node) => node.dbsize()));
      // Keys spread over the slots of all three masters.
      expect(sizes.every((n) => n > 0)).toBe(true);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
      // Same hash tag -> same slot -> multi-key script works.
      await client.eval(
        "redis.call('set', KEYS[1], 'a'); return redis.call('set', KEYS[2], 'b')",
        2,
        "{t}:1",
        "{t}:2",
      );
      expect(await client.mget("{t}:1", "{t}:2")).toEqual(["a", "b"]);
    } finally {
      await cluster.stop();
    }
  });
});
