/**
 * Sorted-set commands over {@link SortedSet}. Scores are replied as Redis 7.0 formats them
 * (`%.17g`: 0.1 -> "0.10000000000000001").
 */
import { CommandError, type Reply, SYNTAX } from "../reply.js";
import { clampRange } from "./collections.js";
import type { CommandTable } from "./command-table.js";
import { type Keyspace, parseFloat64, parseInteger } from "./keyspace.js";
import { SortedSet, type ZEntry } from "./sorted-set.js";

/** Formats a double like C's `%.17g`. */
export function g17(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return "inf";
  if (n === Number.NEGATIVE_INFINITY) return "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  // Integers up to 2^53 print exactly in both (JS shortens larger ones, %.17g does not).
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) return String(n);
  const [mantissa = "", expText = "0"] = n.toExponential(16).split("e");
  const exp = Number(expText);
  const strip = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= 17) {
    const sign = exp < 0 ? "-" : "+";
    return `${strip(mantissa)}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return strip(n.toFixed(Math.max(0, 16 - exp)));
}

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

function parseBound(text: string): Bound {
  const exclusive = text.startsWith("(");
  const value = parseFloat64(exclusive ? text.slice(1) : text, "ERR min or max is not a float");
  return { value, exclusive };
}

function withScores(entries: ZEntry[], scores: boolean): string[] {
  if (!scores) return entries.map((e) => e.member);
  return entries.flatMap((e) => [e.member, g17(e.score)]);
}

interface ZaddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

function parseZaddFlags(args: string[]): [ZaddFlags, number] {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
  let i = 1;
  for (; i < args.length; i++) {
    const flag = (args[i] as string).toUpperCase();
    if (
      flag === "NX" ||
      flag === "XX" ||
      flag === "GT" ||
      flag === "LT" ||
      flag === "CH" ||
      flag === "INCR"
    ) {
      flags[flag.toLowerCase() as keyof ZaddFlags] = true;
    } else break;
  }
  const pairs = args.length - i;
  if (pairs === 0 || pairs % 2 !== 0) throw new CommandError(SYNTAX);
  if (flags.nx && flags.xx) {
    throw new CommandError("ERR XX and NX options at the same time are not compatible");
  }
  if ((flags.gt && flags.lt) || (flags.nx && (flags.gt || flags.lt))) {
    throw new CommandError("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (flags.incr && pairs !== 2) {
    throw new CommandError("ERR INCR option supports a single increment-element pair");
  }
  return [flags, i];
}

function zadd(ks: Keyspace, args: string[]): Reply {
  const [flags, first] = parseZaddFlags(args);
  const scores: number[] = [];
  for (let i = first; i < args.length; i += 2) scores.push(parseFloat64(args[i] as string));
  const key = args[0] as string;
  const existing = ks.get(key, "zset");
  if (!existing && flags.xx) return flags.incr ? null : 0;
  const zset = existing ?? ks.getOrCreate(key, "zset", () => new SortedSet());
  let added = 0;
  let changed = 0;
  let last: number | null = null;
  for (let j = 0; j < scores.length; j++) {
    const member = args[first + j * 2 + 1] as string;
    const old = zset.score(member);
    let score = scores[j] as number;
    if (flags.incr) score += old ?? 0;
    if (Number.isNaN(score)) throw new CommandError("ERR resulting score is not a number (NaN)");
    if (old === undefined ? flags.xx : flags.nx) continue;
    if (old !== undefined && ((flags.gt && score <= old) || (flags.lt && score >= old))) continue;
    last = score;
    if (old === undefined) added++;
    else if (old !== score) changed++;
    zset.set(member, score);
  }
  ks.dropIfEmpty(key, zset.size);
  if (flags.incr) return last === null ? null : g17(last);
  return flags.ch ? added + changed : added;
}

function zrem(ks: Keyspace, [key, ...members]: string[]): number {
  const zset = ks.get(key as string, "zset");
  if (!zset) return 0;
  const removed = members.filter((m) => zset.delete(m)).length;
  ks.dropIfEmpty(key as string, zset.size);
  return removed;
}

/** Ranks [start, end) of the entries scoring within [min, max]. */
function scoreRange(zset: SortedSet, min: Bound, max: Bound): [number, number] {
  return [
    zset.firstAtOrAbove(min.value, min.exclusive),
    zset.endAtOrBelow(max.value, max.exclusive),
  ];
}

interface RangeQuery {
  byScore: boolean;
  rev: boolean;
  scores: boolean;
  offset: number;
  count: number;
}

function parseRangeOptions(args: string[], from: number, query: RangeQuery): RangeQuery {
  for (let i = from; i < args.length; i++) {
    const flag = (args[i] as string).toUpperCase();
    if (flag === "WITHSCORES") query.scores = true;
    else if (flag === "BYSCORE") query.byScore = true;
    else if (flag === "REV") query.rev = true;
    else if (flag === "LIMIT" && i + 2 < args.length) {
      query.offset = parseInteger(args[++i] as string);
      query.count = parseInteger(args[++i] as string);
    } else throw new CommandError(SYNTAX);
  }
  return query;
}

/** ZRANGE and its legacy forms: `lo`/`hi` are in the command's own order (max first for REV). */
function zrange(ks: Keyspace, key: string, lo: string, hi: string, q: RangeQuery): Reply {
  const zset = ks.get(key, "zset");
  if (!zset) return [];
  let entries: ZEntry[];
  if (q.byScore) {
    const [min, max] = q.rev ? [parseBound(hi), parseBound(lo)] : [parseBound(lo), parseBound(hi)];
    const [start, end] = scoreRange(zset, min, max);
    entries = zset.range(start, end - 1);
    if (q.rev) entries.reverse();
    if (q.offset < 0) return [];
    entries = entries.slice(q.offset, q.count < 0 ? undefined : q.offset + q.count);
  } else {
    if (q.count !== -1 || q.offset !== 0) {
      throw new CommandError(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
      );
    }
    const [from, to] = clampRange(parseInteger(lo), parseInteger(hi), zset.size);
    if (from > to) return [];
    if (q.rev) entries = zset.range(zset.size - 1 - to, zset.size - 1 - from).reverse();
    else entries = zset.range(from, to);
  }
  return withScores(entries, q.scores);
}

function query(): RangeQuery {
  return { byScore: false, rev: false, scores: false, offset: 0, count: -1 };
}

function zpop(ks: Keyspace, [key, count]: string[], max: boolean): Reply {
  const n =
    count === undefined ? 1 : parseInteger(count, "ERR value is out of range, must be positive");
  if (n < 0) throw new CommandError("ERR value is out of range, must be positive");
  const zset = ks.get(key as string, "zset");
  if (!zset || n === 0) return [];
  const taken = max
    ? zset.removeRange(Math.max(0, zset.size - n), zset.size).reverse()
    : zset.removeRange(0, n);
  ks.dropIfEmpty(key as string, zset.size);
  return withScores(taken, true);
}

/** ZRANGEBYSCORE / ZREVRANGEBYSCORE: ZRANGE BYSCORE [REV], which refuse the BYSCORE and REV flags. */
function zrangeByScore(ks: Keyspace, args: string[], rev: boolean): Reply {
  const q = parseRangeOptions(args, 3, query());
  if (q.byScore || q.rev) throw new CommandError(SYNTAX);
  return zrange(ks, args[0] as string, args[1] as string, args[2] as string, {
    ...q,
    byScore: true,
    rev,
  });
}

export const ZSET_COMMANDS: CommandTable = {
  ZADD: { arity: -4, fn: zadd },
  ZREM: { arity: -3, fn: zrem },
  ZSCORE: {
    arity: 3,
    fn: (ks, [key, m]) => {
      const score = ks.get(key as string, "zset")?.score(m as string);
      return score === undefined ? null : g17(score);
    },
  },
  ZINCRBY: {
    arity: 4,
    fn: (ks, [key, by, member]) =>
      zadd(ks, [key as string, "INCR", by as string, member as string]),
  },
  ZCARD: { arity: 2, fn: (ks, [key]) => ks.get(key as string, "zset")?.size ?? 0 },
  ZCOUNT: {
    arity: 4,
    fn: (ks, [key, min, max]) => {
      const zset = ks.get(key as string, "zset");
      if (!zset) return 0;
      const [start, end] = scoreRange(zset, parseBound(min as string), parseBound(max as string));
      return Math.max(0, end - start);
    },
  },
  ZRANK: {
    arity: 3,
    fn: (ks, [key, m]) => ks.get(key as string, "zset")?.rank(m as string) ?? null,
  },
  ZRANGE: {
    arity: -4,
    fn: (ks, args) =>
      zrange(
        ks,
        args[0] as string,
        args[1] as string,
        args[2] as string,
        parseRangeOptions(args, 3, query()),
      ),
  },
  ZRANGEBYSCORE: { arity: -4, fn: (ks, args) => zrangeByScore(ks, args, false) },
  ZREVRANGEBYSCORE: { arity: -4, fn: (ks, args) => zrangeByScore(ks, args, true) },
  ZPOPMIN: { arity: -2, fn: (ks, args) => zpop(ks, args, false) },
  ZPOPMAX: { arity: -2, fn: (ks, args) => zpop(ks, args, true) },
  ZREMRANGEBYSCORE: {
    arity: 4,
    fn: (ks, [key, min, max]) => {
      const zset = ks.get(key as string, "zset");
      if (!zset) return 0;
      const [start, end] = scoreRange(zset, parseBound(min as string), parseBound(max as string));
      const removed = zset.removeRange(start, end).length;
      ks.dropIfEmpty(key as string, zset.size);
      return removed;
    },
  },
};
