/**
 * The embedded engine: Redis semantics in-process for running Ordo with no Redis server. The
 * runtime's Lua scripts run unchanged on PUC Lua 5.1 (WASM) over an in-memory keyspace.
 *
 * @example
 * ```ts
 * import { EmbeddedRedis } from "./embedded/index.js";
 * const redis = new EmbeddedRedis();
 * const sha = await redis.scriptLoad("return redis.call('HSET', KEYS[1], 'f', ARGV[1])");
 * await redis.evalsha(sha, 1, "h", "v"); // 1
 * ```
 */
export type { EmbeddedArg, EmbeddedRedisOptions } from "./embedded-redis.js";
export { EMBEDDED_COMMANDS, EmbeddedRedis } from "./embedded-redis.js";
export type { LuaCallbacks, LuaHost } from "./lua/lua-host.js";
export { WasmLuaHost } from "./lua/wasm-lua-host.js";
export type { Reply } from "./reply.js";
export { ErrorReply, StatusReply } from "./reply.js";
