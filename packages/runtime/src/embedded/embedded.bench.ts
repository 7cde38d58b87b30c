/**
 * Script-call overhead of the embedded engine: `npx vitest bench packages/runtime/src/embedded`.
 * Each case is one EVALSHA with the runtime's usual shape (16 keys, 8 args); compare cases to
 * see the cost per script, per `redis.call` and per reply kind.
 */
import { bench, describe } from "vitest";
import { EmbeddedRedis } from "./embedded-redis.js";

const redis = new EmbeddedRedis();
const keys = Array.from({ length: 16 }, (_, i) => `{bench:0}:k${i}`);
const args = Array.from({ length: 8 }, (_, i) => `argument-${i}`);

const CASES: Record<string, string> = {
  "empty script": "return 1",
  "50 HGET (bulk reply)":
    "redis.call('HSET', KEYS[1], 'f', 'value-1234567890') local v for i = 1, 50 do v = redis.call('HGET', KEYS[1], 'f') end return v",
  "50 HINCRBY (integer reply)":
    "local v for i = 1, 50 do v = redis.call('HINCRBY', KEYS[1], 'n', 1) end return v",
  "50 ZADD + 50 ZPOPMIN (array reply)":
    "for i = 1, 50 do redis.call('ZADD', KEYS[2], i, 'm' .. i) end for i = 1, 50 do redis.call('ZPOPMIN', KEYS[2], 1) end return 1",
  "20 XADD":
    "for i = 1, 20 do redis.call('XADD', KEYS[3], '*', 'e', 'x', 'q', '1', 't', 'step.claimed') end redis.call('DEL', KEYS[3]) return 1",
  "nested result of 15 strings":
    "return {'OK', '', {{'exec-1', 'step-a', '3', '1', '0', 'fp-abc', '1700000000000', '{}', 'dep', '{}'}}, {}, ''}",
};

describe("embedded script calls", async () => {
  for (const [name, source] of Object.entries(CASES)) {
    const sha = await redis.scriptLoad(source);
    bench(name, async () => {
      await redis.evalsha(sha, keys.length, ...keys, ...args);
    });
  }
});
