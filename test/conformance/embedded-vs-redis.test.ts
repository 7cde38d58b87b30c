/**
 * Edge probes run on real Redis (via @ordo/testing) and on EmbeddedRedis: every outcome (reply
 * or error text) must be identical.
 */
import { uniquePrefix, useRedis } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { runOnBoth, type SetupCommand } from "./compare.js";

interface Probe {
  readonly name: string;
  readonly script: string;
  readonly keys?: readonly string[];
  readonly args?: readonly (string | number)[];
  readonly setup?: readonly SetupCommand[];
}

const PROBES: readonly Probe[] = [
  // Reply conversion
  { name: "number truncates toward zero", script: "return {3.99, -3.99, 0.5, -0.5, 1e15}" },
  { name: "booleans", script: "return {true, false, 1}" },
  { name: "nil truncates arrays", script: "return {1, 2, nil, 4}" },
  { name: "nested arrays", script: "return {{1, 'a'}, {}, {{'x'}}}" },
  { name: "status table", script: "return {ok='FINE'}" },
  { name: "error table", script: "return {err='MYCODE custom'}" },
  { name: "status_reply", script: "return redis.status_reply('DONE')" },
  { name: "error_reply with code", script: "return redis.error_reply('STALE_TOKEN x')" },
  { name: "error_reply without code", script: "return redis.error_reply('plain')" },
  {
    name: "error_reply fields",
    script: "local e = redis.error_reply('x'); return {type(e), e.err}",
  },
  { name: "error in array", script: "return {1, {err='E1 inner'}, 3}" },
  { name: "nil return", script: "return nil" },
  { name: "hash table (no array part) is empty", script: "return {a=1}" },
  // Number formatting of arguments
  {
    name: "number args %.17g",
    script:
      "redis.call('SET', KEYS[1], 1.5); redis.call('SET', KEYS[2], 3.0); redis.call('SET', KEYS[3], 0.1);" +
      "redis.call('SET', KEYS[4], 1e20); redis.call('SET', KEYS[5], -7); return redis.call('MGET', unpack(KEYS))",
    keys: ["a", "b", "c", "d", "e"],
  },
  {
    name: "tostring of numbers",
    script: "return {tostring(10/2), tostring(1/3), tostring(1e15), tostring(2^53)}",
  },
  {
    name: "string.format %d large and fractional",
    script:
      "return {string.format('%d', 1700000000000), string.format('%d', 3.7), string.format('%5d|%s', -2.5, 'x')}",
  },
  {
    name: "string.format %d edges",
    script:
      "return {string.format('%d', -0.5), string.format('%d', -3.7), string.format('%d', 2147483648)," +
      " string.format('%d', -2147483649), string.format('%d', '42'), string.format('%d', 2^53)," +
      " string.format('%d', 2147483647.9), string.format('%d', -2147483648)}",
  },
  { name: "string.format %d bad argument", script: "return string.format('%d', 'x')" },
  { name: "string.format %s bad argument", script: "return string.format('%s %d', {}, 1)" },
  {
    name: "string.format bad argument, not a tail call",
    script: "local x = 1\nlocal s = string.format('%d', 'x')\nreturn s",
  },
  { name: "bad argument type", script: "return redis.call('GET', {})" },
  { name: "no arguments", script: "return redis.call()" },
  // pcall / errors
  {
    name: "pcall returns err table",
    script: "local r = redis.pcall('INCR', KEYS[1]); return {type(r), r.err}",
    keys: ["s"],
    setup: [["SET", "s", "abc"]],
  },
  {
    name: "call error aborts",
    script: "redis.call('INCR', KEYS[1]); return 1",
    keys: ["s"],
    setup: [["SET", "s", "abc"]],
  },
  {
    name: "pcall(redis.call) gives string",
    script: "local ok, e = pcall(redis.call, 'INCR', KEYS[1]); return {tostring(ok), e}",
    keys: ["s"],
    setup: [["SET", "s", "abc"]],
  },
  { name: "lua error()", script: "error('boom')" },
  { name: "lua error table", script: "error({err='CODE thrown'})" },
  { name: "error on line 3", script: "local a = 1\nlocal b = 2\nerror('line three')" },
  { name: "unknown command", script: "return redis.call('NOPE')" },
  { name: "wrong arity", script: "return redis.call('GET', 'a', 'b')" },
  {
    name: "WRONGTYPE",
    script: "return redis.call('LPUSH', KEYS[1], 'x')",
    keys: ["s"],
    setup: [["SET", "s", "abc"]],
  },
  {
    name: "WRONGTYPE via pcall",
    script: "return redis.pcall('HGET', KEYS[1], 'f')",
    keys: ["s"],
    setup: [["SET", "s", "abc"]],
  },
  { name: "compile error", script: "return (" },
  { name: "runtime error in lua", script: "local t = nil; return t.x" },
  // cjson
  { name: "cjson empty table", script: "return cjson.encode({})" },
  {
    name: "cjson decode empty array re-encodes as {}",
    script: "return cjson.encode(cjson.decode('[]'))",
  },
  { name: "cjson array and null", script: "return cjson.encode({1, 'a', cjson.null, true})" },
  { name: "cjson sparse", script: "return cjson.encode({[1]=1, [3]=3})" },
  {
    name: "cjson numbers",
    script: "return {cjson.encode(0.1), cjson.encode(1/3), cjson.encode(1e20), cjson.encode(-0.5)}",
  },
  { name: "cjson string escapes", script: "return cjson.encode('a/b\"c\\\\d\\n\\t\\1')" },
  {
    name: "cjson decode types",
    script:
      'local v = cjson.decode(\'{"a":[1,2.5,null,true],"b":"x\\\\u00e9"}\'); return {type(v.a), v.a[2] * 2, tostring(v.a[3] == cjson.null), tostring(v.a[4]), v.b}',
  },
  { name: "cjson decode invalid", script: "return cjson.decode('{bad')" },
  { name: "cjson single key object", script: "return cjson.encode({k={1,2}})" },
  // bit
  {
    name: "bit ops",
    script:
      "return {bit.band(5, 3), bit.bor(5, 3), bit.bxor(5, 3), bit.lshift(1, 40), bit.rshift(-1, 28), bit.tobit(2^32 + 5), bit.bnot(0), bit.arshift(-16, 2), bit.tohex(255), bit.tohex(-1, 4)}",
  },
  // Sandbox
  { name: "new global", script: "x = 1; return 1" },
  { name: "global function", script: "function f() end; return 1" },
  { name: "read missing global", script: "return undefined_thing" },
  {
    name: "libraries present",
    script:
      "return {type(redis), type(cjson), type(bit), type(string), type(math), type(table), type(unpack), type(loadstring), type(tonumber)}",
  },
  { name: "os removed", script: "return type(os)" },
  { name: "io removed", script: "return type(io)" },
  { name: "print removed", script: "return type(print)" },
  { name: "locals ok", script: "local x = 5; local function f(a) return a * 2 end; return f(x)" },
  // Strings
  {
    name: "NUL bytes round-trip",
    script:
      "redis.call('SET', KEYS[1], 'a\\0b'); local v = redis.call('GET', KEYS[1]); return {#v, v, ARGV[1], #ARGV[1]}",
    keys: ["n"],
    args: ["x\u0000y"],
  },
  // The embedded host's fast bridge and its fallbacks (see lua/wasm-lua-host.ts)
  {
    name: "bridge: scalar replies",
    script:
      "local s = redis.call('SET', KEYS[1], ''); local e = redis.call('GET', KEYS[1])" +
      "; local big = string.rep('ab', 100); redis.call('SET', KEYS[2], big)" +
      "; local mid = string.rep('x', 30); redis.call('HSET', KEYS[3], mid, mid)" +
      "; return {type(s), s.ok, e, #e, redis.call('GET', KEYS[2]) == big, redis.call('HGET', KEYS[3], mid)," +
      " type(redis.call('GET', KEYS[4])), redis.call('EXISTS', KEYS[4])}",
    keys: ["e", "big", "h", "none"],
  },
  {
    name: "bridge: integers around the fast range",
    script:
      "return {redis.call('INCRBY', KEYS[1], 1073741823), redis.call('INCRBY', KEYS[1], 1)," +
      " redis.call('INCRBY', KEYS[2], -1073741823), redis.call('DECRBY', KEYS[2], 1)," +
      " redis.call('INCRBY', KEYS[3], 1099511627776), redis.call('DECRBY', KEYS[3], 2199023255552)}",
    keys: ["a", "b", "c"],
  },
  {
    name: "bridge: number arguments",
    script:
      "local v = {1/0, -1/0, 2^63, -2^62, 123456789012345678, 0.1 + 0.2, -(0.0), 1e-300, 2^53 + 2}" +
      "; for i, x in ipairs(v) do redis.call('RPUSH', KEYS[1], x) end" +
      "; return redis.call('LRANGE', KEYS[1], 0, -1)",
    keys: ["l"],
  },
  {
    name: "bridge: redis.call inside a coroutine",
    script:
      "local co = coroutine.create(function(k) redis.call('SET', k, 'co'); return redis.call('GET', k) end)" +
      "; local ok, v = coroutine.resume(co, KEYS[1]); return {tostring(ok), v, redis.call('GET', KEYS[1])}",
    keys: ["co"],
  },
  {
    name: "bridge: many keys and args",
    script: "return {#KEYS, KEYS[1], KEYS[40], #ARGV, ARGV[1], ARGV[3]}",
    keys: Array.from({ length: 40 }, (_, i) => `k${i + 1}`),
    args: ["a1", "a2", "a3"],
  },
  {
    name: "bridge: pcall of errors and statuses",
    script:
      "redis.call('SET', KEYS[1], 'x'); local e = redis.pcall('INCR', KEYS[1]); local w = redis.pcall('NOPE')" +
      "; local n = redis.pcall('GET', nil); local st = redis.pcall('SET', KEYS[2], 'y')" +
      "; return {e.err, w.err, n.err, st.ok, redis.pcall('GET', KEYS[2])}",
    keys: ["s", "t"],
  },
  {
    name: "KEYS/ARGV types",
    script: "return {type(KEYS), #KEYS, type(ARGV), #ARGV, type(ARGV[1]), ARGV[1], KEYS[2]}",
    keys: ["k1", "k2"],
    args: [42, "a"],
  },
  {
    name: "utf8 strlen",
    script:
      "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('STRLEN', KEYS[1]), redis.call('GET', KEYS[1])}",
    keys: ["u"],
    args: ["héllo ✓"],
  },
  { name: "sha1hex", script: "return {redis.sha1hex(''), redis.sha1hex('abc')}" },
  // Keyspace edge cases
  {
    name: "zset ties order by member",
    script:
      "redis.call('ZADD', KEYS[1], 1, 'b', 1, 'a', 0, 'z', 1, 'c'); return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')",
    keys: ["z"],
  },
  {
    name: "zset scores %.17g",
    script:
      "redis.call('ZADD', KEYS[1], 0.1, 'a', 1e20, 'b', 0.00001, 'c'); return {redis.call('ZSCORE', KEYS[1], 'a'), redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), redis.call('ZINCRBY', KEYS[1], 0.2, 'a')}",
    keys: ["z"],
  },
  {
    name: "zadd flags",
    script:
      "redis.call('ZADD', KEYS[1], 5, 'a'); return {redis.call('ZADD', KEYS[1], 'GT', 'CH', 3, 'a', 1, 'b'), redis.call('ZADD', KEYS[1], 'LT', 'CH', 3, 'a'), redis.call('ZADD', KEYS[1], 'NX', 9, 'a'), redis.call('ZADD', KEYS[1], 'XX', 'INCR', 2, 'a'), redis.call('ZADD', KEYS[1], 'XX', 'INCR', 2, 'zz')}",
    keys: ["z"],
  },
  {
    name: "zrangebyscore limit",
    script:
      "for i = 1, 10 do redis.call('ZADD', KEYS[1], i % 3, 'm' .. i) end; return {redis.call('ZRANGEBYSCORE', KEYS[1], '(0', '+inf', 'LIMIT', 1, 3), redis.call('ZREVRANGEBYSCORE', KEYS[1], 2, '-inf', 'WITHSCORES', 'LIMIT', 0, 2), redis.call('ZRANGE', KEYS[1], 2, 1, 'BYSCORE', 'REV'), redis.call('ZCOUNT', KEYS[1], 1, 2)}",
    keys: ["z"],
  },
  {
    name: "zpopmin/max",
    script:
      "redis.call('ZADD', KEYS[1], 3, 'c', 1, 'a', 2, 'b'); return {redis.call('ZPOPMIN', KEYS[1]), redis.call('ZPOPMAX', KEYS[1], 5), redis.call('EXISTS', KEYS[1])}",
    keys: ["z"],
  },
  {
    name: "zrank/zremrangebyscore",
    script:
      "redis.call('ZADD', KEYS[1], 3, 'c', 1, 'a', 2, 'b'); return {redis.call('ZRANK', KEYS[1], 'c'), redis.call('ZRANK', KEYS[1], 'q'), redis.call('ZREMRANGEBYSCORE', KEYS[1], '(1', 2), redis.call('ZCARD', KEYS[1])}",
    keys: ["z"],
  },
  {
    name: "xadd explicit ids",
    script:
      "return {redis.call('XADD', KEYS[1], '5-1', 'a', '1'), redis.call('XADD', KEYS[1], '5-*', 'a', '2'), redis.call('XADD', KEYS[1], 7, 'a', '3'), redis.call('XLEN', KEYS[1]), redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 2), redis.call('XREVRANGE', KEYS[1], '+', '(5-2')}",
    keys: ["x"],
  },
  {
    name: "xadd smaller id",
    script:
      "redis.call('XADD', KEYS[1], '5-1', 'a', '1'); return redis.call('XADD', KEYS[1], '5-1', 'a', '1')",
    keys: ["x"],
  },
  {
    name: "xadd maxlen / xtrim / xdel",
    script:
      "for i = 1, 6 do redis.call('XADD', KEYS[1], 'MAXLEN', '=', 4, i .. '-0', 'i', i) end; return {redis.call('XLEN', KEYS[1]), redis.call('XTRIM', KEYS[1], 'MINID', 4), redis.call('XDEL', KEYS[1], '5-0', '9-0'), redis.call('XRANGE', KEYS[1], '-', '+')}",
    keys: ["x"],
  },
  {
    name: "xadd auto id shape",
    script:
      "local id = redis.call('XADD', KEYS[1], '*', 'a', 'b'); return {string.match(id, '^%d+%-%d+$') ~= nil and 1 or 0}",
    keys: ["x"],
  },
  {
    name: "hash ops",
    script:
      "return {redis.call('HSET', KEYS[1], 'a', 1, 'b', 2), redis.call('HSETNX', KEYS[1], 'a', 9), redis.call('HINCRBY', KEYS[1], 'b', 5), redis.call('HMGET', KEYS[1], 'a', 'zz', 'b'), redis.call('HLEN', KEYS[1]), redis.call('HEXISTS', KEYS[1], 'b'), redis.call('HDEL', KEYS[1], 'a', 'q'), redis.call('HGETALL', KEYS[1])}",
    keys: ["h"],
  },
  {
    name: "hincrby on non-integer",
    script: "redis.call('HSET', KEYS[1], 'a', 'x'); return redis.pcall('HINCRBY', KEYS[1], 'a', 1)",
    keys: ["h"],
  },
  {
    name: "list ops",
    script:
      "return {redis.call('RPUSH', KEYS[1], 'a', 'b', 'c', 'b'), redis.call('LPUSH', KEYS[1], 'z'), redis.call('LRANGE', KEYS[1], 0, -1), redis.call('LREM', KEYS[1], 0, 'b'), redis.call('LPOP', KEYS[1], 2), redis.call('RPOP', KEYS[1]), redis.call('LLEN', KEYS[1]), redis.call('LPOP', KEYS[1])}",
    keys: ["l"],
  },
  {
    name: "ltrim",
    script:
      "redis.call('RPUSH', KEYS[1], 1, 2, 3, 4, 5); redis.call('LTRIM', KEYS[1], 1, -2); return redis.call('LRANGE', KEYS[1], 0, -1)",
    keys: ["l"],
  },
  {
    name: "set ops",
    script:
      "return {redis.call('SADD', KEYS[1], 'a', 'b', 'a'), redis.call('SISMEMBER', KEYS[1], 'a'), redis.call('SCARD', KEYS[1]), redis.call('SREM', KEYS[1], 'a', 'x'), redis.call('SMEMBERS', KEYS[1])}",
    keys: ["s"],
  },
  {
    name: "string counters",
    script:
      "return {redis.call('INCR', KEYS[1]), redis.call('INCRBY', KEYS[1], 10), redis.call('DECRBY', KEYS[1], 3), redis.call('DECR', KEYS[1]), redis.call('APPEND', KEYS[1], 'x'), redis.call('GET', KEYS[1]), redis.call('STRLEN', KEYS[1])}",
    keys: ["c"],
  },
  {
    name: "set options",
    script:
      "return {redis.call('SET', KEYS[1], 'a', 'NX'), redis.call('SET', KEYS[1], 'b', 'NX'), redis.call('SET', KEYS[1], 'c', 'XX', 'GET'), redis.call('SET', KEYS[2], 'd', 'XX'), redis.call('GET', KEYS[1])}",
    keys: ["a", "b"],
  },
  {
    name: "expiry and ttl",
    script:
      "redis.call('SET', KEYS[1], 'v', 'PX', 100000); return {redis.call('PTTL', KEYS[1]) > 99000 and 1 or 0, redis.call('TTL', KEYS[1]), redis.call('PERSIST', KEYS[1]), redis.call('TTL', KEYS[1]), redis.call('TTL', KEYS[2]), redis.call('EXPIRE', KEYS[1], 50), redis.call('TTL', KEYS[1]), redis.call('PEXPIRE', KEYS[2], 5)}",
    keys: ["e", "missing"],
  },
  {
    name: "type/exists/del",
    script:
      "redis.call('HSET', KEYS[1], 'a', 1); return {redis.call('TYPE', KEYS[1]), redis.call('TYPE', KEYS[2]), redis.call('EXISTS', KEYS[1], KEYS[2]), redis.call('DEL', KEYS[1], KEYS[2])}",
    keys: ["t", "u"],
  },
  {
    name: "TIME shape",
    script:
      "local t = redis.call('TIME'); return {#t, type(t[1]), type(t[2]), tonumber(t[1]) > 1600000000 and 1 or 0, tonumber(t[2]) < 1000000 and 1 or 0}",
  },
  { name: "ping/echo", script: "return {redis.call('PING'), redis.call('ECHO', 'hi')}" },
  {
    name: "integer parse errors",
    script:
      "return {redis.pcall('INCRBY', KEYS[1], '1.5'), redis.pcall('ZADD', KEYS[1], 'x', 'm'), redis.pcall('LPOP', KEYS[1], -1)}",
    keys: ["i"],
  },
];

describe("EmbeddedRedis conforms to Redis 7 on edge probes", () => {
  const redis = useRedis({ beforeAll, afterAll });
  for (const probe of PROBES) {
    it(probe.name, async () => {
      const both = await runOnBoth(
        redis.client,
        probe.script,
        probe.keys ?? [],
        probe.args ?? [],
        probe.setup,
      );
      expect(both.embedded).toEqual(both.redis);
    });
  }

  it("EVALSHA of an unknown script: same NOSCRIPT error", async () => {
    const sha = "ffffffffffffffffffffffffffffffffffffffff";
    const onRedis = await redis.client.evalsha(sha, 0).catch((e: Error) => e.message);
    const onEmbedded = await new EmbeddedRedis().evalsha(sha, 0).catch((e: Error) => e.message);
    expect(onEmbedded).toBe(onRedis);
  });

  it("SCRIPT LOAD gives the same SHA1", async () => {
    const source = `return '${uniquePrefix("sha")}'`;
    expect(await new EmbeddedRedis().scriptLoad(source)).toBe(
      await redis.client.script("LOAD", source),
    );
  });

  it("direct commands: same replies and errors", async () => {
    const embedded = new EmbeddedRedis();
    const key = `${uniquePrefix("direct")}:h`;
    const commands: (string | number)[][] = [
      ["HSET", key, "a", "1"],
      ["HGET", key, "a"],
      ["HMGET", key, "a", "b"],
      ["GET", key],
      ["NOSUCHCMD", key],
      ["GET"],
      ["ZADD", `${key}z`, 1, "x", 2, "y"],
      ["ZRANGE", `${key}z`, 0, -1, "WITHSCORES"],
      ["XADD", `${key}x`, "1-1", "f", "v"],
      ["XRANGE", `${key}x`, "-", "+", "COUNT", 10],
    ];
    for (const [name, ...args] of commands) {
      const a = await redis.client
        .call(String(name), ...args)
        .catch((e: Error) => `error: ${e.message}`);
      const b = await embedded
        .call(String(name), ...args)
        .catch((e: Error) => `error: ${e.message}`);
      expect(b, `${String(name)} ${args.join(" ")}`).toEqual(a);
    }
  });
});
