/**
 * {@link HotStore} over ioredis (a standalone `Redis` or a `Cluster`). Scripts are registered once
 * per connection with `defineCommand("ordo_<name>_v<version>")`: ioredis sends EVALSHA and falls
 * back to EVAL on NOSCRIPT (also per cluster node), and two runtime versions never run each other's
 * scripts because the version is part of the name and the SHA.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { LUA_SCRIPTS } from "../lua/bundle.generated.js";
import type { HotStore, ScriptName, ScriptReply } from "./hot-store.js";

type Client = Redis | Cluster;
type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<ScriptReply>;

// Which versioned commands a client already has, kept per client object (shared instances too).
const defined = new WeakMap<Client, Set<string>>();

function commandOf(client: Client, name: ScriptName): ScriptCommand {
  const script = LUA_SCRIPTS[name];
  const command = `ordo_${name}_v${script.version}`;
  let names = defined.get(client);
  if (names === undefined) {
    names = new Set();
    defined.set(client, names);
  }
  if (!names.has(command)) {
    // No fixed numberOfKeys: callers pass the key count first, so scripts with a variable number
    // of keys (the limit scripts) share one registration.
    client.defineCommand(command, { lua: script.source });
    names.add(command);
  }
  const fn = (client as unknown as Record<string, ScriptCommand>)[command]!;
  return fn.bind(client);
}

/** ioredis-backed hot store. */
export class RedisHotStore implements HotStore {
  readonly client: Client;
  private readonly owned: boolean;
  private readonly isCluster: boolean;
  private rotation = 0;

  /** `owned`: whether {@link close} should quit the connection. */
  constructor(client: Client, owned: boolean) {
    this.client = client;
    this.owned = owned;
    this.isCluster = client instanceof Cluster;
  }

  /** Opens a connection from a URL or ioredis options. */
  static connect(target: string | RedisOptions): RedisHotStore {
    const client =
      typeof target === "string"
        ? new Redis(target, { maxRetriesPerRequest: null })
        : new Redis({ maxRetriesPerRequest: null, ...target });
    return new RedisHotStore(client, true);
  }

  runScript(
    name: ScriptName,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<ScriptReply> {
    return commandOf(this.client, name)(keys.length, ...keys, ...args);
  }

  hget(key: string, field: string): Promise<string | null> {
    return this.client.hget(key, field);
  }

  hmget(key: string, fields: readonly string[]): Promise<(string | null)[]> {
    if (fields.length === 0) return Promise.resolve([]);
    return this.client.hmget(key, ...fields);
  }

  async xrange(
    key: string,
    start: string,
    end: string,
    count: number,
  ): Promise<[string, string[]][]> {
    return this.client.xrange(key, start, end, "COUNT", count);
  }

  async blpop(keys: readonly string[], timeoutSec: number): Promise<[string, string] | null> {
    if (keys.length === 0) return null;
    if (!this.isCluster) return this.client.blpop(...keys, timeoutSec);
    // Cluster: multi-key BLPOP would cross slots. Rotate over the keys with a short block each.
    const slice = Math.max(0.01, timeoutSec / keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[this.rotation++ % keys.length]!;
      const got = await this.client.blpop(key, slice);
      if (got !== null) return got;
    }
    return null;
  }

  duplicate(): HotStore {
    return new RedisHotStore(this.client.duplicate(), true);
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
