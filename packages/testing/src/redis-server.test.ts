import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, uniquePrefix, useRedis } from "./redis-server.js";

describe("uniquePrefix", () => {
  it("keeps the label and differs between calls", () => {
    const a = uniquePrefix("t");
    const b = uniquePrefix("t");
    expect(a).toMatch(/^t-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});

describe("useRedis", () => {
  const redis = useRedis({ beforeAll, afterAll });

  it("gives a connected client on a private server", async () => {
    const key = `${uniquePrefix("use")}:k`;
    await redis.client.set(key, "v");
    expect(await redis.client.get(key)).toBe("v");
    if (!process.env.REDIS_URL) expect(redis.handle.path).toMatch(/r\.sock$/);
  });
});

describe("startRedis", () => {
  it("spawns a server that stops on stop()", async () => {
    const handle = await startRedis({ spawn: true });
    const client = handle.connect();
    expect(await client.ping()).toBe("PONG");
    await client.set("k", "1");
    expect(await handle.connect().incr("k")).toBe(2);
    await handle.stop();
    const after = await startRedis({ spawn: true });
    // A new server is empty: no state leaks between spawned servers.
    expect(await after.connect().get("k")).toBeNull();
    await after.stop();
  });
});
