/**
 * String, generic key and server commands: GET/SET family, counters, TTLs, KEYS/SCAN, TIME.
 */
import { CommandError, OK, type Reply, StatusReply, SYNTAX } from "../reply.js";
import type { CommandTable } from "./command-table.js";
import { globToRegExp, type Keyspace, parseInteger } from "./keyspace.js";

function getString(ks: Keyspace, key: string): string | null {
  return ks.get(key, "string") ?? null;
}

function incrBy(ks: Keyspace, key: string, by: number): number {
  const current = getString(ks, key);
  const base = current === null ? 0 : parseInteger(current);
  const next = base + by;
  if (!Number.isSafeInteger(next))
    throw new CommandError("ERR increment or decrement would overflow");
  const ttl = ks.expires.get(key);
  ks.set(key, { type: "string", value: String(next) });
  if (ttl !== undefined) ks.expires.set(key, ttl);
  return next;
}

interface SetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  expireAt?: number;
}

function parseSetOptions(ks: Keyspace, args: string[]): SetOptions {
  const options: SetOptions = { nx: false, xx: false, get: false, keepTtl: false };
  for (let i = 2; i < args.length; i++) {
    const flag = (args[i] as string).toUpperCase();
    if (flag === "NX") options.nx = true;
    else if (flag === "XX") options.xx = true;
    else if (flag === "GET") options.get = true;
    else if (flag === "KEEPTTL") options.keepTtl = true;
    else if (["EX", "PX", "EXAT", "PXAT"].includes(flag) && i + 1 < args.length) {
      if (options.expireAt !== undefined) throw new CommandError(SYNTAX);
      const n = parseInteger(args[++i] as string);
      if (n <= 0) throw new CommandError("ERR invalid expire time in 'set' command");
      const ms = flag === "EX" || flag === "EXAT" ? n * 1000 : n;
      options.expireAt = flag.endsWith("AT") ? ms : ks.now + ms;
    } else throw new CommandError(SYNTAX);
  }
  if ((options.nx && options.xx) || (options.keepTtl && options.expireAt !== undefined)) {
    throw new CommandError(SYNTAX);
  }
  return options;
}

function set(ks: Keyspace, args: string[]): Reply {
  const [key, value] = args as [string, string];
  const options = parseSetOptions(ks, args);
  const old = options.get ? getString(ks, key) : null;
  const exists = ks.lookup(key) !== undefined;
  if ((options.nx && exists) || (options.xx && !exists)) return options.get ? old : null;
  const ttl = options.keepTtl ? ks.expires.get(key) : undefined;
  ks.set(key, { type: "string", value });
  if (options.expireAt !== undefined) ks.expires.set(key, options.expireAt);
  else if (ttl !== undefined) ks.expires.set(key, ttl);
  return options.get ? old : OK;
}

/** Sets `key` to expire at `at` epoch ms; NX/XX/GT/LT as in Redis 7. */
function expireAt(ks: Keyspace, key: string, at: number, flags: string[]): number {
  if (ks.lookup(key) === undefined) return 0;
  const current = ks.expires.get(key);
  for (const raw of flags) {
    const flag = raw.toUpperCase();
    if (flag === "NX" && current !== undefined) return 0;
    if (flag === "XX" && current === undefined) return 0;
    if (flag === "GT" && (current === undefined || at <= current)) return 0;
    if (flag === "LT" && current !== undefined && at >= current) return 0;
    if (!["NX", "XX", "GT", "LT"].includes(flag)) {
      throw new CommandError(`ERR Unsupported option ${raw}`);
    }
  }
  if (at <= ks.now) ks.delete(key);
  else ks.expires.set(key, at);
  return 1;
}

function ttl(ks: Keyspace, key: string, unit: number): number {
  if (ks.lookup(key) === undefined) return -2;
  const at = ks.expires.get(key);
  if (at === undefined) return -1;
  return unit === 1 ? at - ks.now : Math.round((at - ks.now) / 1000);
}

function typeOf(ks: Keyspace, key: string): StatusReply {
  return new StatusReply(ks.lookup(key)?.type ?? "none");
}

function scan(ks: Keyspace, args: string[]): Reply {
  const cursor = parseInteger(args[0] as string, "ERR invalid cursor");
  let match: RegExp | undefined;
  let count = 10;
  for (let i = 1; i < args.length; i += 2) {
    const flag = (args[i] as string).toUpperCase();
    const value = args[i + 1];
    if (value === undefined) throw new CommandError(SYNTAX);
    if (flag === "MATCH") match = globToRegExp(value);
    else if (flag === "COUNT") count = parseInteger(value);
    else if (flag !== "TYPE") throw new CommandError(SYNTAX);
  }
  // Cursor = offset into the sorted key list: stable enough for tests, keys added meanwhile may
  // be missed or repeated (Redis guarantees only full-iteration coverage of unchanged keys too).
  const all = [...ks.keys()].sort();
  const slice = all.slice(cursor, cursor + count);
  const next = cursor + count >= all.length ? 0 : cursor + count;
  return [String(next), match ? slice.filter((k) => match.test(k)) : slice];
}

function flush(ks: Keyspace): Reply {
  ks.flush();
  return OK;
}

export const STRING_COMMANDS: CommandTable = {
  GET: { arity: 2, fn: (ks, [key]) => getString(ks, key as string) },
  SET: { arity: -3, fn: set },
  SETNX: {
    arity: 3,
    fn: (ks, [k, v]) => (set(ks, [k as string, v as string, "NX"]) === null ? 0 : 1),
  },
  MGET: {
    arity: -2,
    fn: (ks, keys) =>
      keys.map((key) => {
        const found = ks.lookup(key);
        return found?.type === "string" ? found.value : null;
      }),
  },
  MSET: {
    arity: -3,
    fn: (ks, args) => {
      if (args.length % 2 !== 0)
        throw new CommandError("ERR wrong number of arguments for 'mset' command");
      for (let i = 0; i < args.length; i += 2)
        ks.set(args[i] as string, { type: "string", value: args[i + 1] as string });
      return OK;
    },
  },
  INCR: { arity: 2, fn: (ks, [key]) => incrBy(ks, key as string, 1) },
  DECR: { arity: 2, fn: (ks, [key]) => incrBy(ks, key as string, -1) },
  INCRBY: {
    arity: 3,
    fn: (ks, [key, by]) => incrBy(ks, key as string, parseInteger(by as string)),
  },
  DECRBY: {
    arity: 3,
    fn: (ks, [key, by]) => incrBy(ks, key as string, -parseInteger(by as string)),
  },
  APPEND: {
    arity: 3,
    fn: (ks, [key, value]) => {
      const next = (getString(ks, key as string) ?? "") + value;
      const at = ks.expires.get(key as string);
      ks.set(key as string, { type: "string", value: next });
      if (at !== undefined) ks.expires.set(key as string, at);
      return next.length;
    },
  },
  STRLEN: { arity: 2, fn: (ks, [key]) => getString(ks, key as string)?.length ?? 0 },
  DEL: { arity: -2, fn: (ks, keys) => keys.filter((key) => ks.delete(key)).length },
  UNLINK: { arity: -2, fn: (ks, keys) => keys.filter((key) => ks.delete(key)).length },
  EXISTS: {
    arity: -2,
    fn: (ks, keys) => keys.filter((key) => ks.lookup(key) !== undefined).length,
  },
  EXPIRE: {
    arity: -3,
    fn: (ks, [k, s, ...f]) =>
      expireAt(ks, k as string, ks.now + parseInteger(s as string) * 1000, f),
  },
  PEXPIRE: {
    arity: -3,
    fn: (ks, [k, ms, ...f]) => expireAt(ks, k as string, ks.now + parseInteger(ms as string), f),
  },
  EXPIREAT: {
    arity: -3,
    fn: (ks, [k, s, ...f]) => expireAt(ks, k as string, parseInteger(s as string) * 1000, f),
  },
  PEXPIREAT: {
    arity: -3,
    fn: (ks, [k, ms, ...f]) => expireAt(ks, k as string, parseInteger(ms as string), f),
  },
  TTL: { arity: 2, fn: (ks, [key]) => ttl(ks, key as string, 1000) },
  PTTL: { arity: 2, fn: (ks, [key]) => ttl(ks, key as string, 1) },
  PERSIST: {
    arity: 2,
    fn: (ks, [key]) =>
      ks.lookup(key as string) !== undefined && ks.expires.delete(key as string) ? 1 : 0,
  },
  TYPE: { arity: 2, fn: (ks, [key]) => typeOf(ks, key as string) },
  KEYS: {
    arity: 2,
    fn: (ks, [pattern]) => {
      const re = globToRegExp(pattern as string);
      return [...ks.keys()].filter((key) => re.test(key));
    },
  },
  SCAN: { arity: -2, fn: scan },
  DBSIZE: { arity: 1, fn: (ks) => [...ks.keys()].length },
  FLUSHALL: { arity: -1, fn: flush },
  FLUSHDB: { arity: -1, fn: flush },
  PING: {
    arity: -1,
    fn: (_ks, [message]) => (message === undefined ? new StatusReply("PONG") : message),
  },
  ECHO: { arity: 2, fn: (_ks, [message]) => message as string },
  TIME: {
    arity: 1,
    fn: (ks) => {
      // Live clock (Redis's TIME is not frozen during a script), microseconds from the ms clock
      // plus a sub-ms part from the monotonic timer so successive calls still advance.
      const ms = ks.clock();
      const micros = Math.floor((ms % 1000) * 1000 + (performance.now() % 1) * 1000);
      return [String(Math.floor(ms / 1000)), String(Math.min(999_999, micros))];
    },
  },
};
