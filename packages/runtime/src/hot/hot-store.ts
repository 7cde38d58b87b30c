/**
 * `HotStore`: the small surface the engine needs from its hot state, so ioredis (standalone or
 * cluster) and the embedded engine plug in behind one interface.
 */
import type { LUA_SCRIPTS } from "../lua/bundle.generated.js";

/** Name of a bundled script. */
export type ScriptName = keyof typeof LUA_SCRIPTS;

/** A raw script reply (nested arrays of strings and integers). */
export type ScriptReply = unknown;

/** The engine's view of Redis (or of the embedded engine). */
export interface HotStore {
  /** Runs a bundled script (registered once per connection under `ordo_<name>_v<version>`). */
  runScript(
    name: ScriptName,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<ScriptReply>;
  hget(key: string, field: string): Promise<string | null>;
  hmget(key: string, fields: readonly string[]): Promise<(string | null)[]>;
  /** `XRANGE key start end COUNT count` as `[id, [field, value, ...]]` pairs. */
  xrange(key: string, start: string, end: string, count: number): Promise<[string, string[]][]>;
  /**
   * Blocking left pop over `keys` (on this store's own connection); null after `timeoutSec`.
   * Cluster stores pop one key at a time (multi-key BLPOP would cross slots).
   */
  blpop(keys: readonly string[], timeoutSec: number): Promise<[string, string] | null>;
  /** A store on a new connection to the same keyspace (workers block on a dedicated one). */
  duplicate(): HotStore;
  /** Closes the connection if this store opened it. */
  close(): Promise<void>;
}
