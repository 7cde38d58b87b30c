/**
 * Hash, set and list commands. Empty collections are deleted, as in Redis.
 */
import { CommandError, OK, type Reply } from "../reply.js";
import type { CommandTable } from "./command-table.js";
import { type Keyspace, parseInteger } from "./keyspace.js";

function arityError(name: string): CommandError {
  return new CommandError(`ERR wrong number of arguments for '${name}' command`);
}

function hset(ks: Keyspace, args: string[], name: string): number {
  if (args.length % 2 !== 1) throw arityError(name);
  const hash = ks.getOrCreate(args[0] as string, "hash", () => new Map());
  let added = 0;
  for (let i = 1; i < args.length; i += 2) {
    if (!hash.has(args[i] as string)) added++;
    hash.set(args[i] as string, args[i + 1] as string);
  }
  return added;
}

function hincrby(ks: Keyspace, [key, field, by]: string[]): number {
  const delta = parseInteger(by as string);
  const hash = ks.getOrCreate(key as string, "hash", () => new Map());
  const current = hash.get(field as string);
  const base =
    current === undefined ? 0 : parseInteger(current, "ERR hash value is not an integer");
  const next = base + delta;
  if (!Number.isSafeInteger(next))
    throw new CommandError("ERR increment or decrement would overflow");
  hash.set(field as string, String(next));
  return next;
}

function hdel(ks: Keyspace, [key, ...fields]: string[]): number {
  const hash = ks.get(key as string, "hash");
  if (!hash) return 0;
  const removed = fields.filter((field) => hash.delete(field)).length;
  ks.dropIfEmpty(key as string, hash.size);
  return removed;
}

const HASH_COMMANDS: CommandTable = {
  HSET: { arity: -4, fn: (ks, args) => hset(ks, args, "hset") },
  HMSET: {
    arity: -4,
    fn: (ks, args) => {
      hset(ks, args, "hmset");
      return OK;
    },
  },
  HSETNX: {
    arity: 4,
    fn: (ks, [key, field, value]) => {
      const hash = ks.getOrCreate(key as string, "hash", () => new Map());
      if (hash.has(field as string)) return 0;
      hash.set(field as string, value as string);
      return 1;
    },
  },
  HGET: {
    arity: 3,
    fn: (ks, [key, field]) => ks.get(key as string, "hash")?.get(field as string) ?? null,
  },
  HMGET: {
    arity: -3,
    fn: (ks, [key, ...fields]) => {
      const hash = ks.get(key as string, "hash");
      return fields.map((field) => hash?.get(field) ?? null);
    },
  },
  HGETALL: {
    arity: 2,
    fn: (ks, [key]) => [...(ks.get(key as string, "hash") ?? new Map())].flat(),
  },
  HKEYS: { arity: 2, fn: (ks, [key]) => [...(ks.get(key as string, "hash")?.keys() ?? [])] },
  HVALS: { arity: 2, fn: (ks, [key]) => [...(ks.get(key as string, "hash")?.values() ?? [])] },
  HLEN: { arity: 2, fn: (ks, [key]) => ks.get(key as string, "hash")?.size ?? 0 },
  HEXISTS: {
    arity: 3,
    fn: (ks, [key, field]) => (ks.get(key as string, "hash")?.has(field as string) ? 1 : 0),
  },
  HDEL: { arity: -3, fn: hdel },
  HINCRBY: { arity: 4, fn: hincrby },
};

const SET_COMMANDS: CommandTable = {
  SADD: {
    arity: -3,
    fn: (ks, [key, ...members]) => {
      const set = ks.getOrCreate(key as string, "set", () => new Set());
      const before = set.size;
      for (const member of members) set.add(member);
      return set.size - before;
    },
  },
  SREM: {
    arity: -3,
    fn: (ks, [key, ...members]) => {
      const set = ks.get(key as string, "set");
      if (!set) return 0;
      const removed = members.filter((member) => set.delete(member)).length;
      ks.dropIfEmpty(key as string, set.size);
      return removed;
    },
  },
  SISMEMBER: {
    arity: 3,
    fn: (ks, [key, m]) => (ks.get(key as string, "set")?.has(m as string) ? 1 : 0),
  },
  SMEMBERS: { arity: 2, fn: (ks, [key]) => [...(ks.get(key as string, "set") ?? [])] },
  SCARD: { arity: 2, fn: (ks, [key]) => ks.get(key as string, "set")?.size ?? 0 },
};

function push(ks: Keyspace, [key, ...values]: string[], left: boolean): number {
  const list = ks.getOrCreate(key as string, "list", () => []);
  if (left) for (const value of values) list.unshift(value);
  else list.push(...values);
  ks.touchedLists.add(key as string);
  return list.length;
}

function pop(ks: Keyspace, [key, count]: string[], left: boolean): Reply {
  const n =
    count === undefined
      ? undefined
      : parseInteger(count, "ERR value is out of range, must be positive");
  if (n !== undefined && n < 0)
    throw new CommandError("ERR value is out of range, must be positive");
  const list = ks.get(key as string, "list");
  if (!list) return null;
  const taken = left
    ? list.splice(0, n ?? 1)
    : list.splice(Math.max(0, list.length - (n ?? 1))).reverse();
  ks.dropIfEmpty(key as string, list.length);
  return n === undefined ? (taken[0] ?? null) : taken;
}

/** Resolves Redis's inclusive, negative-aware [start, stop] into a slice range. */
export function clampRange(start: number, stop: number, length: number): [number, number] {
  let from = start < 0 ? length + start : start;
  let to = stop < 0 ? length + stop : stop;
  if (from < 0) from = 0;
  if (to >= length) to = length - 1;
  return [from, to];
}

function lrem(ks: Keyspace, [key, count, value]: string[]): number {
  const n = parseInteger(count as string);
  const list = ks.get(key as string, "list");
  if (!list) return 0;
  let removed = 0;
  const limit = n === 0 ? Number.POSITIVE_INFINITY : Math.abs(n);
  if (n >= 0) {
    for (let i = 0; i < list.length && removed < limit; ) {
      if (list[i] === value) {
        list.splice(i, 1);
        removed++;
      } else i++;
    }
  } else {
    for (let i = list.length - 1; i >= 0 && removed < limit; i--) {
      if (list[i] === value) {
        list.splice(i, 1);
        removed++;
      }
    }
  }
  ks.dropIfEmpty(key as string, list.length);
  return removed;
}

const LIST_COMMANDS: CommandTable = {
  LPUSH: { arity: -3, fn: (ks, args) => push(ks, args, true) },
  RPUSH: { arity: -3, fn: (ks, args) => push(ks, args, false) },
  LPOP: { arity: -2, fn: (ks, args) => pop(ks, args, true) },
  RPOP: { arity: -2, fn: (ks, args) => pop(ks, args, false) },
  LLEN: { arity: 2, fn: (ks, [key]) => ks.get(key as string, "list")?.length ?? 0 },
  LRANGE: {
    arity: 4,
    fn: (ks, [key, start, stop]) => {
      const list = ks.get(key as string, "list") ?? [];
      const [from, to] = clampRange(
        parseInteger(start as string),
        parseInteger(stop as string),
        list.length,
      );
      return from > to ? [] : list.slice(from, to + 1);
    },
  },
  LREM: { arity: 4, fn: lrem },
  LTRIM: {
    arity: 4,
    fn: (ks, [key, start, stop]) => {
      const list = ks.get(key as string, "list");
      if (!list) return OK;
      const [from, to] = clampRange(
        parseInteger(start as string),
        parseInteger(stop as string),
        list.length,
      );
      const kept = from > to ? [] : list.slice(from, to + 1);
      list.splice(0, list.length, ...kept);
      ks.dropIfEmpty(key as string, list.length);
      return OK;
    },
  },
};

export const COLLECTION_COMMANDS: CommandTable = {
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...LIST_COMMANDS,
};
