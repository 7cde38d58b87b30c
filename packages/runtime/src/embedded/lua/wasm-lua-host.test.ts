import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../embedded-redis.js";
import { formatArgNumber } from "./lua-stack.js";
import { WasmLuaHost } from "./wasm-lua-host.js";

/** Runs `body` (which calls `call(...)`) once directly and once inside a coroutine, where the
 *  host cannot read the stack and falls back to the string protocol. */
function bothPaths(body: string): string {
  return `
local function run(call) ${body} end
local direct = run(redis.call)
local co = coroutine.create(function() return run(redis.call) end)
local _, slow = coroutine.resume(co)
return {direct, slow}`;
}

describe("WasmLuaHost fast bridge", () => {
  it("is on for the pinned lua-wasm-bindings build", () => {
    const host = new WasmLuaHost();
    expect(host.fastBridge).toBe(true);
    host.close();
  });

  it("formats number arguments exactly as the string protocol does", async () => {
    const redis = new EmbeddedRedis();
    const [direct, slow] = (await redis.eval(
      bothPaths(`
        local key = 'l' .. tostring(call == nil)
        call('DEL', KEYS[1])
        for _, x in ipairs({2^63, 0.1, -(0.0), 1e17, 5, 1/0, -1/0, 2^56 + 16, 1e-7, -3.5}) do
          call('RPUSH', KEYS[1], x)
        end
        return call('LRANGE', KEYS[1], 0, -1)`),
      1,
      "list",
    )) as [string[], string[]];
    expect(direct).toEqual(slow);
    expect(direct).toEqual([
      "9.2233720368547758e+18",
      "0.10000000000000001",
      "-0",
      "1e+17",
      "5",
      // Lua 5.1 constant folding swaps 1/0 and -1/0 here; real Redis agrees (conformance probe).
      "-inf",
      "inf",
      "72057594037927952",
      "9.9999999999999995e-08",
      "-3.5",
    ]);
  });

  it("gives the same replies on both paths (integers, nil, status, errors, arrays)", async () => {
    const redis = new EmbeddedRedis();
    const [direct, slow] = (await redis.eval(
      bothPaths(`
        call('DEL', KEYS[1], KEYS[2], KEYS[3])
        local st = call('SET', KEYS[1], 'v')
        local e = redis.pcall('INCR', KEYS[1])
        return {st.ok, call('INCRBY', KEYS[2], 2^40), call('DECRBY', KEYS[2], 2^41),
          call('GET', 'missing') == false, e.err, call('HSET', KEYS[3], 'f', 'a\\0b'),
          call('HGET', KEYS[3], 'f'), call('TIME')[1] ~= nil}`),
      3,
      "s",
      "n",
      "h",
    )) as unknown[][];
    expect(direct).toEqual(slow);
    expect(direct).toEqual([
      "OK",
      2 ** 40,
      -(2 ** 40),
      1,
      "ERR value is not an integer or out of range",
      1,
      "a\u0000b",
      1,
    ]);
  });

  it("gives the same array replies on both paths (flat, nils, nested, long, NUL)", async () => {
    const redis = new EmbeddedRedis();
    const [direct, slow] = (await redis.eval(
      bothPaths(`
        call('DEL', KEYS[1], KEYS[2], KEYS[3])
        call('HSET', KEYS[1], 'a', '1', 'b', 'x\0y')
        for i = 1, 70 do call('RPUSH', KEYS[2], 'item' .. i) end
        call('XADD', KEYS[3], '1-1', 'f', 'v')
        local m = call('HMGET', KEYS[1], 'a', 'nope', 'b')
        return {m[1], tostring(m[2]), m[3], #call('LRANGE', KEYS[2], 0, -1),
          call('LRANGE', KEYS[2], 68, -1), #call('LRANGE', 'none', 0, -1),
          call('XRANGE', KEYS[3], '-', '+')[1][2][2]}`),
      3,
      "h",
      "l",
      "x",
    )) as unknown[][];
    expect(direct).toEqual(slow);
    expect(direct).toEqual(["1", "false", "x\u0000y", 70, ["item69", "item70"], 0, "v"]);
  });

  it("falls back for NaN arguments and NUL bytes in keys and args", async () => {
    const redis = new EmbeddedRedis();
    const text = (await redis.eval(
      "redis.call('SET', KEYS[1], 0/0); return {redis.call('GET', KEYS[1]), KEYS[1], ARGV[1]}",
      1,
      "k\u0000",
      "a\u0000",
    )) as string[];
    expect(text[0]).toMatch(/^-?nan$/);
    expect(text.slice(1)).toEqual(["k\u0000", "a\u0000"]);
  });

  it("formatArgNumber matches %.17g", () => {
    expect([1, -0, 0.5, 2 ** 53, 2 ** 53 + 2, 1e300, Number.NaN].map(formatArgNumber)).toEqual([
      "1",
      "-0",
      "0.5",
      "9007199254740992",
      "9007199254740994",
      "1.0000000000000001e+300",
      undefined,
    ]);
  });
});
