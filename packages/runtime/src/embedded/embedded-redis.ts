/**
 * `EmbeddedRedis`: an in-process stand-in for an ioredis client, for running Ordo with no Redis.
 * The very same Lua scripts run on a real Lua 5.1 VM against an in-memory keyspace, one command
 * or script at a time, so scripts are atomic exactly as in Redis. Replies have ioredis's shapes.
 */
import { createHash } from "node:crypto";
import { execute, executeCommand, KEYSPACE_COMMANDS } from "./keyspace/commands.js";
import { Keyspace } from "./keyspace/keyspace.js";
import type { LuaCallbacks, LuaHost } from "./lua/lua-host.js";
import { WasmLuaHost } from "./lua/wasm-lua-host.js";
import { ErrorReply, type Reply, redisError, toBinary, toClientValue } from "./reply.js";

/** Options of {@link EmbeddedRedis}. */
export interface EmbeddedRedisOptions {
  /** Clock in epoch ms for expiry, TIME and XADD `*` ids. Default: `Date.now`. */
  readonly now?: () => number;
  /** Creates the Lua VM (on first script use). Default: the lua-wasm-bindings Lua 5.1 host. */
  readonly luaHost?: () => LuaHost;
}

/** An argument as ioredis accepts it. */
export type EmbeddedArg = string | number | Buffer;

/** Every command name `call()` and scripts accept, uppercase. */
export const EMBEDDED_COMMANDS: ReadonlySet<string> = new Set([
  ...KEYSPACE_COMMANDS,
  "EVAL",
  "EVALSHA",
  "SCRIPT",
  "BLPOP",
]);

interface Waiter {
  readonly keys: readonly string[];
  readonly resolve: (value: [string, string] | null) => void;
  timer?: NodeJS.Timeout;
}

/** State shared by a client and its duplicates (one "server"). */
class Server {
  readonly ks: Keyspace;
  readonly scripts = new Map<string, string>();
  readonly waiters: Waiter[] = [];
  private host: LuaHost | undefined;

  constructor(private readonly options: EmbeddedRedisOptions) {
    this.ks = new Keyspace(options.now ?? Date.now);
  }

  lua(): LuaHost {
    if (!this.host) this.host = this.options.luaHost?.() ?? new WasmLuaHost();
    return this.host;
  }

  readonly callbacks: LuaCallbacks = {
    call: (name, args) => executeCommand(this.ks, name, args, true),
    sha1hex: (data) => createHash("sha1").update(data, "latin1").digest("hex"),
  };

  /** Runs one unit of work with the clock frozen, then serves blocked BLPOPs. */
  atomically(work: () => Reply): Reply {
    this.ks.now = this.ks.clock();
    const reply = work();
    if (this.ks.touchedLists.size > 0) this.serveWaiters();
    return reply;
  }

  private serveWaiters(): void {
    const touched = this.ks.touchedLists;
    for (let i = 0; i < this.waiters.length && touched.size > 0; ) {
      const waiter = this.waiters[i] as Waiter;
      const popped = this.tryPop(waiter.keys);
      if (popped) {
        this.waiters.splice(i, 1);
        if (waiter.timer) clearTimeout(waiter.timer);
        waiter.resolve(popped);
      } else i++;
    }
    touched.clear();
  }

  tryPop(keys: readonly string[]): [string, string] | null {
    for (const key of keys) {
      const list = this.ks.get(key, "list");
      const value = list?.shift();
      if (list && value !== undefined) {
        this.ks.dropIfEmpty(key, list.length);
        return [key, value];
      }
    }
    return null;
  }

  load(source: string): string | ErrorReply {
    const sha = createHash("sha1").update(source, "latin1").digest("hex");
    const host = this.lua();
    if (!host.has(sha)) {
      const error = host.define(sha, source);
      if (error !== undefined) return new ErrorReply(error);
      this.scripts.set(sha, source);
    }
    return sha;
  }
}

/** Set by `duplicate()` for the constructor it calls (keeps `Server` out of the public API). */
let adopting: Server | undefined;

function binaryArgs(args: readonly EmbeddedArg[]): string[] {
  return args.map((a) =>
    typeof a === "string" ? toBinary(a) : typeof a === "number" ? String(a) : a.toString("latin1"),
  );
}

/**
 * An in-process Redis with the ioredis methods Ordo's runtime uses.
 * @example
 * const redis = new EmbeddedRedis();
 * const sha = await redis.scriptLoad("return redis.call('INCR', KEYS[1])");
 * await redis.evalsha(sha, 1, "counter"); // 1
 * await redis.call("GET", "counter"); // "1"
 */
export class EmbeddedRedis {
  private readonly server: Server;
  private closed = false;

  constructor(options: EmbeddedRedisOptions = {}) {
    this.server = adopting ?? new Server(options);
  }

  private run(work: () => Reply): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error("Connection is closed."));
    try {
      return Promise.resolve(toClientValue(this.server.atomically(work)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Runs one command, e.g. `call("HGET", key, field)`; EVAL/EVALSHA/SCRIPT work here too.
   * @example await redis.call("ZADD", "z", 1, "a"); // 1
   */
  call(command: string, ...args: EmbeddedArg[]): Promise<unknown> {
    const upper = command.toUpperCase();
    if (upper === "EVALSHA" || upper === "EVAL") {
      const [body, numKeys, ...rest] = args;
      return upper === "EVAL"
        ? this.eval(String(body), Number(numKeys), ...rest)
        : this.evalsha(String(body), Number(numKeys), ...rest);
    }
    if (upper === "SCRIPT") return this.script(binaryArgs(args));
    if (upper === "BLPOP") return this.blpop(...(args as (string | number)[]));
    const all = binaryArgs([command, ...args]);
    return this.run(() => execute(this.server.ks, all, false));
  }

  private script(args: string[]): Promise<unknown> {
    const sub = (args[0] ?? "").toUpperCase();
    if (sub === "LOAD" && args[1] !== undefined) return this.scriptLoad(args[1]);
    if (sub === "EXISTS")
      return this.run(() => args.slice(1).map((sha) => (this.server.scripts.has(sha) ? 1 : 0)));
    if (sub === "FLUSH") {
      this.server.scripts.clear();
      this.server.lua().flush();
      return this.run(() => new ErrorReply("") && ({ status: "OK" } as unknown as Reply));
    }
    return Promise.reject(
      redisError(`ERR unknown subcommand '${args[0] ?? ""}'. Try SCRIPT HELP.`),
    );
  }

  /**
   * Compiles a script and returns its SHA1 (hex, same as Redis's).
   * @example const sha = await redis.scriptLoad("return 1");
   */
  scriptLoad(source: string): Promise<string> {
    const binary = toBinary(source);
    return this.run(() => this.server.load(binary)) as Promise<string>;
  }

  /**
   * Runs a loaded script; rejects with `NOSCRIPT ...` for an unknown SHA.
   * @example await redis.evalsha(sha, 1, "key", "arg");
   */
  evalsha(sha: string, numKeys: number, ...keysAndArgs: EmbeddedArg[]): Promise<unknown> {
    const all = binaryArgs(keysAndArgs);
    if (!(numKeys >= 0 && numKeys <= all.length)) {
      return Promise.reject(redisError("ERR Number of keys can't be greater than number of args"));
    }
    const host = this.server.lua();
    const lower = sha.toLowerCase();
    return this.run(() =>
      host.run(lower, all.slice(0, numKeys), all.slice(numKeys), this.server.callbacks),
    );
  }

  /**
   * Compiles (once per SHA) and runs a script.
   * @example await redis.eval("return ARGV[1]", 0, "x"); // "x"
   */
  eval(source: string, numKeys: number, ...keysAndArgs: EmbeddedArg[]): Promise<unknown> {
    const loaded = this.server.load(toBinary(source));
    if (loaded instanceof ErrorReply) return Promise.reject(redisError(loaded.message));
    return this.evalsha(loaded, numKeys, ...keysAndArgs);
  }

  /**
   * Pops the first element of the first non-empty list, waiting up to `timeoutSeconds`
   * (0 = forever) for a push by any client of this server. Resolves null on timeout.
   * @example await redis.blpop("queue", 1); // ["queue", "job"] or null
   */
  blpop(...keysAndTimeout: (string | number)[]): Promise<[string, string] | null> {
    if (this.closed) return Promise.reject(new Error("Connection is closed."));
    const timeout = Number(keysAndTimeout[keysAndTimeout.length - 1]);
    const keys = binaryArgs(keysAndTimeout.slice(0, -1));
    if (!(timeout >= 0))
      return Promise.reject(redisError("ERR timeout is not a float or out of range"));
    const server = this.server;
    server.ks.now = server.ks.clock();
    const now = server.tryPop(keys);
    if (now) return Promise.resolve(toClientValue(now) as [string, string]);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        keys,
        resolve: (value) =>
          resolve(value === null ? null : (toClientValue(value) as [string, string])),
      };
      if (timeout > 0) {
        waiter.timer = setTimeout(() => {
          const at = server.waiters.indexOf(waiter);
          if (at >= 0) server.waiters.splice(at, 1);
          resolve(null);
        }, timeout * 1000);
      }
      server.waiters.push(waiter);
    });
  }

  /** A new client on the same keyspace and script cache (like a second connection). */
  duplicate(): EmbeddedRedis {
    adopting = this.server;
    try {
      return new EmbeddedRedis();
    } finally {
      adopting = undefined;
    }
  }

  /** Deletes every key. */
  flushall(): Promise<unknown> {
    return this.call("FLUSHALL");
  }

  /** Closes this client; later calls reject. The keyspace lives on for other clients. */
  async quit(): Promise<"OK"> {
    this.closed = true;
    return "OK";
  }

  /** Same as {@link quit}, synchronously. */
  disconnect(): void {
    this.closed = true;
  }
}
