/**
 * {@link HotStore} over the embedded engine (`EmbeddedRedis`: a real Lua VM over an in-memory
 * keyspace with an ioredis-like surface). Scripts are loaded once per connection with
 * `scriptLoad` and run by SHA; a NOSCRIPT reply (e.g. after a script flush) reloads once.
 */
import { LUA_SCRIPTS } from "../lua/bundle.generated.js";
import type { HotStore, ScriptName, ScriptReply } from "./hot-store.js";

/** The part of `EmbeddedRedis` the runtime uses (structural, so no import cycle). */
export interface EmbeddedRedisLike {
  scriptLoad(source: string): Promise<string> | string;
  evalsha(sha: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  blpop(...keysAndTimeout: (string | number)[]): Promise<[string, string] | null>;
  duplicate(): EmbeddedRedisLike;
  quit(): Promise<unknown>;
}

/** Embedded-engine-backed hot store. */
export class EmbeddedHotStore implements HotStore {
  readonly engine: EmbeddedRedisLike;
  private readonly owned: boolean;
  private readonly shas = new Map<ScriptName, string>();

  constructor(engine: EmbeddedRedisLike, owned = false) {
    this.engine = engine;
    this.owned = owned;
  }

  private async sha(name: ScriptName, reload = false): Promise<string> {
    let sha = this.shas.get(name);
    if (sha === undefined || reload) {
      sha = await this.engine.scriptLoad(LUA_SCRIPTS[name].source);
      this.shas.set(name, sha);
    }
    return sha;
  }

  async runScript(
    name: ScriptName,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<ScriptReply> {
    try {
      return await this.engine.evalsha(await this.sha(name), keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes("NOSCRIPT")) throw error;
      return this.engine.evalsha(await this.sha(name, true), keys.length, ...keys, ...args);
    }
  }

  async hget(key: string, field: string): Promise<string | null> {
    return (await this.engine.call("HGET", key, field)) as string | null;
  }

  async hmget(key: string, fields: readonly string[]): Promise<(string | null)[]> {
    if (fields.length === 0) return [];
    return (await this.engine.call("HMGET", key, ...fields)) as (string | null)[];
  }

  async xrange(
    key: string,
    start: string,
    end: string,
    count: number,
  ): Promise<[string, string[]][]> {
    return (await this.engine.call("XRANGE", key, start, end, "COUNT", count)) as [
      string,
      string[],
    ][];
  }

  blpop(keys: readonly string[], timeoutSec: number): Promise<[string, string] | null> {
    return this.engine.blpop(...keys, timeoutSec);
  }

  duplicate(): HotStore {
    return new EmbeddedHotStore(this.engine.duplicate(), true);
  }

  async close(): Promise<void> {
    if (this.owned) await this.engine.quit();
  }
}
