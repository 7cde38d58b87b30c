/**
 * Stream commands: XADD (auto and explicit ids, MAXLEN/MINID trimming), XRANGE/XREVRANGE with
 * COUNT and exclusive bounds, XLEN, XTRIM, XDEL. Approximate trimming (`~`) trims exactly, which
 * keeps at most what Redis keeps.
 */
import { CommandError, type Reply, SYNTAX } from "../reply.js";
import type { CommandTable } from "./command-table.js";
import { type Keyspace, parseInteger, type StreamEntry, type StreamValue } from "./keyspace.js";

const ID_ERROR = "ERR Invalid stream ID specified as stream command argument";
const SMALLER_ID =
  "ERR The ID specified in XADD is equal or smaller than the target stream top item";

function compare(aMs: number, aSeq: number, bMs: number, bSeq: number): number {
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

/** Parses `ms-seq`, `ms` (seq defaults to `missingSeq`), `-` and `+`. */
function parseId(text: string, missingSeq: number): [number, number] {
  if (text === "-") return [0, 0];
  if (text === "+") return [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new CommandError(ID_ERROR);
  return [Number(match[1]), match[2] === undefined ? missingSeq : Number(match[2])];
}

function newStream(): StreamValue {
  return { entries: [], lastMs: 0, lastSeq: 0 };
}

function nextId(stream: StreamValue, spec: string, now: number): [number, number] {
  if (spec === "*") {
    return now > stream.lastMs ? [now, 0] : [stream.lastMs, stream.lastSeq + 1];
  }
  const star = /^(\d+)-\*$/.exec(spec);
  if (star) {
    const ms = Number(star[1]);
    if (ms < stream.lastMs) throw new CommandError(SMALLER_ID);
    return ms === stream.lastMs ? [ms, stream.lastSeq + 1] : [ms, 0];
  }
  const [ms, seq] = parseId(spec, 0);
  if (ms === 0 && seq === 0)
    throw new CommandError("ERR The ID specified in XADD must be greater than 0-0");
  if (compare(ms, seq, stream.lastMs, stream.lastSeq) <= 0) throw new CommandError(SMALLER_ID);
  return [ms, seq];
}

interface Trim {
  readonly strategy: "MAXLEN" | "MINID";
  readonly threshold: string;
}

/** Parses `MAXLEN|MINID [=|~] threshold [LIMIT n]` at `i`; returns the trim and next index. */
function parseTrim(args: string[], i: number): [Trim, number] {
  const strategy = (args[i] as string).toUpperCase() as Trim["strategy"];
  let j = i + 1;
  if (args[j] === "=" || args[j] === "~") j++;
  const threshold = args[j];
  if (threshold === undefined) throw new CommandError(SYNTAX);
  j++;
  if ((args[j] ?? "").toUpperCase() === "LIMIT") j += 2;
  return [{ strategy, threshold }, j];
}

function applyTrim(stream: StreamValue, trim: Trim): number {
  const before = stream.entries.length;
  if (trim.strategy === "MAXLEN") {
    const max = parseInteger(trim.threshold);
    if (max < 0) throw new CommandError("ERR The MAXLEN argument must be >= 0.");
    if (before > max) stream.entries.splice(0, before - max);
  } else {
    const [ms, seq] = parseId(trim.threshold, 0);
    let cut = 0;
    while (
      cut < before &&
      compare(
        (stream.entries[cut] as StreamEntry).ms,
        (stream.entries[cut] as StreamEntry).seq,
        ms,
        seq,
      ) < 0
    )
      cut++;
    stream.entries.splice(0, cut);
  }
  return before - stream.entries.length;
}

function xadd(ks: Keyspace, args: string[]): Reply {
  const key = args[0] as string;
  let i = 1;
  let nomkstream = false;
  let trim: Trim | undefined;
  for (;;) {
    const flag = (args[i] ?? "").toUpperCase();
    if (flag === "NOMKSTREAM") {
      nomkstream = true;
      i++;
    } else if (flag === "MAXLEN" || flag === "MINID") [trim, i] = parseTrim(args, i);
    else break;
  }
  const idSpec = args[i];
  const fields = args.slice(i + 1);
  if (idSpec === undefined || fields.length === 0 || fields.length % 2 !== 0) {
    throw new CommandError("ERR wrong number of arguments for 'xadd' command");
  }
  const existing = ks.get(key, "stream");
  if (!existing && nomkstream) return null;
  const stream = existing ?? newStream();
  const [ms, seq] = nextId(stream, idSpec, ks.now);
  if (!existing) ks.set(key, { type: "stream", value: stream });
  stream.entries.push({ ms, seq, fields });
  stream.lastMs = ms;
  stream.lastSeq = seq;
  if (trim) applyTrim(stream, trim);
  return `${ms}-${seq}`;
}

function entryReply(entry: StreamEntry): Reply {
  return [`${entry.ms}-${entry.seq}`, entry.fields.slice()];
}

function bound(text: string, low: boolean): [number, number] {
  const exclusive = text.startsWith("(");
  const [ms, seq] = parseId(exclusive ? text.slice(1) : text, low ? 0 : Number.MAX_SAFE_INTEGER);
  if (!exclusive) return [ms, seq];
  return low ? [ms, seq + 1] : seq === 0 ? [ms - 1, Number.MAX_SAFE_INTEGER] : [ms, seq - 1];
}

/** Index of the first entry at or after `[ms, seq]` (entries are sorted by id). */
function lowerBound(entries: readonly StreamEntry[], ms: number, seq: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = entries[mid] as StreamEntry;
    if (compare(e.ms, e.seq, ms, seq) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Binary search on the sorted entries, then at most `count` steps: a follower polling the tail
 * of a long stream (ledger, progress) costs O(log n), not a scan of the whole stream.
 */
function xrange(ks: Keyspace, args: string[], rev: boolean): Reply {
  const [key, a, b, countFlag, countText] = args as [string, string, string, string?, string?];
  let count = Number.POSITIVE_INFINITY;
  if (countFlag !== undefined) {
    if (countFlag.toUpperCase() !== "COUNT" || countText === undefined || args.length > 5)
      throw new CommandError(SYNTAX);
    count = parseInteger(countText);
    if (count <= 0) return [];
  }
  const stream = ks.get(key, "stream");
  if (!stream) return [];
  const [lo, hi] = rev ? [bound(b, true), bound(a, false)] : [bound(a, true), bound(b, false)];
  const entries = stream.entries;
  const first = lowerBound(entries, lo[0], lo[1]);
  // One past the last entry <= hi.
  const end =
    hi[1] === Number.MAX_SAFE_INTEGER
      ? lowerBound(entries, hi[0] + 1, 0)
      : lowerBound(entries, hi[0], hi[1] + 1);
  const out: Reply[] = [];
  if (rev) {
    for (let i = end - 1; i >= first && out.length < count; i--) {
      out.push(entryReply(entries[i] as StreamEntry));
    }
  } else {
    for (let i = first; i < end && out.length < count; i++) {
      out.push(entryReply(entries[i] as StreamEntry));
    }
  }
  return out;
}

export const STREAM_COMMANDS: CommandTable = {
  XADD: { arity: -5, fn: xadd },
  XRANGE: { arity: -4, fn: (ks, args) => xrange(ks, args, false) },
  XREVRANGE: { arity: -4, fn: (ks, args) => xrange(ks, args, true) },
  XLEN: { arity: 2, fn: (ks, [key]) => ks.get(key as string, "stream")?.entries.length ?? 0 },
  XTRIM: {
    arity: -4,
    fn: (ks, args) => {
      const stream = ks.get(args[0] as string, "stream");
      const flag = (args[1] as string).toUpperCase();
      if (flag !== "MAXLEN" && flag !== "MINID") throw new CommandError(SYNTAX);
      const [trim] = parseTrim(args, 1);
      return stream ? applyTrim(stream, trim) : 0;
    },
  },
  XDEL: {
    arity: -3,
    fn: (ks, [key, ...ids]) => {
      const stream = ks.get(key as string, "stream");
      if (!stream) return 0;
      let removed = 0;
      for (const id of ids) {
        const [ms, seq] = parseId(id, 0);
        const at = stream.entries.findIndex((e) => e.ms === ms && e.seq === seq);
        if (at >= 0) {
          stream.entries.splice(at, 1);
          removed++;
        }
      }
      return removed;
    },
  },
};
