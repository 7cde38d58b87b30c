/**
 * The in-memory keyspace: typed values by binary key, with millisecond expiry checked lazily on
 * access against the engine clock. Command modules read and write through {@link Keyspace}.
 */
import { CommandError, NOT_FLOAT, NOT_INTEGER, WRONGTYPE } from "../reply.js";
import type { SortedSet } from "./sorted-set.js";

/** One stream entry: id parts and the flat field/value list. */
export interface StreamEntry {
  readonly ms: number;
  readonly seq: number;
  readonly fields: string[];
}

/** A stream value: entries in id order and the last id ever generated. */
export interface StreamValue {
  entries: StreamEntry[];
  lastMs: number;
  lastSeq: number;
}

/** A typed Redis value. */
export type Value =
  | { type: "string"; value: string }
  | { type: "hash"; value: Map<string, string> }
  | { type: "set"; value: Set<string> }
  | { type: "zset"; value: SortedSet }
  | { type: "list"; value: string[] }
  | { type: "stream"; value: StreamValue };

export type ValueType = Value["type"];

interface ValueMap {
  string: string;
  hash: Map<string, string>;
  set: Set<string>;
  zset: SortedSet;
  list: string[];
  stream: StreamValue;
}

type ValueOf<T extends ValueType> = ValueMap[T];

/** Per-call context: the clock frozen for one command or script (as Redis does). */
export class Keyspace {
  readonly data = new Map<string, Value>();
  readonly expires = new Map<string, number>();
  /** List keys pushed to since the last drain (wakes BLPOP waiters). */
  readonly touchedLists = new Set<string>();
  /** Epoch ms used for expiry; the engine sets it before each command or script. */
  now = 0;

  constructor(readonly clock: () => number) {}

  /** The live value at `key`, deleting it first when expired. */
  lookup(key: string): Value | undefined {
    if (this.expires.size === 0) return this.data.get(key);
    const at = this.expires.get(key);
    if (at !== undefined && at <= this.now) {
      this.data.delete(key);
      this.expires.delete(key);
      return undefined;
    }
    return this.data.get(key);
  }

  /** The value at `key` if it has `type`; undefined when absent; WRONGTYPE otherwise. */
  get<T extends ValueType>(key: string, type: T): ValueOf<T> | undefined {
    const found = this.lookup(key);
    if (found === undefined) return undefined;
    if (found.type !== type) throw new CommandError(WRONGTYPE);
    return found.value as unknown as ValueOf<T>;
  }

  /** The value at `key`, created empty with `make` when absent; WRONGTYPE on another type. */
  getOrCreate<T extends ValueType>(key: string, type: T, make: () => ValueOf<T>): ValueOf<T> {
    const found = this.get(key, type);
    if (found !== undefined) return found;
    const value = make();
    this.data.set(key, { type, value } as Value);
    return value;
  }

  /** Stores a value, clearing any TTL (like SET without KEEPTTL). */
  set(key: string, value: Value): void {
    this.data.set(key, value);
    this.expires.delete(key);
  }

  delete(key: string): boolean {
    const existed = this.lookup(key) !== undefined;
    this.data.delete(key);
    this.expires.delete(key);
    return existed;
  }

  /** Deletes `key` when its collection became empty (Redis never keeps empty collections). */
  dropIfEmpty(key: string, size: number): void {
    if (size === 0) this.delete(key);
  }

  /** All live keys (expired ones are removed while iterating). */
  *keys(): Generator<string> {
    for (const key of [...this.data.keys()]) if (this.lookup(key) !== undefined) yield key;
  }

  flush(): void {
    this.data.clear();
    this.expires.clear();
  }
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/** Parses a Redis integer argument (64-bit range, no spaces or "+"). */
export function parseInteger(text: string, error = NOT_INTEGER): number {
  if (!INTEGER.test(text) || text.length > 20) throw new CommandError(error);
  const n = Number(text);
  if (n >= 2 ** 63 || n < -(2 ** 63)) throw new CommandError(error);
  return n;
}

/** Parses a Redis float argument (`inf`, `-inf`, `+inf` allowed; NaN rejected). */
export function parseFloat64(text: string, error = NOT_FLOAT): number {
  const lower = text.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") {
    return Number.POSITIVE_INFINITY;
  }
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  if (text.trim() !== text || text === "") throw new CommandError(error);
  const n = Number(text);
  if (Number.isNaN(n)) throw new CommandError(error);
  return n;
}

/** Formats a double as Redis replies it (`%.17g`, shortest exact form, `inf`/`-inf`). */
export function formatDouble(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return "inf";
  if (n === Number.NEGATIVE_INFINITY) return "-inf";
  if (Number.isInteger(n) && Math.abs(n) < 1e17) return String(n);
  const text = String(n);
  // JS uses "1e+21"; Redis (%.17g) too for large exponents, but "1e-7" vs "9.9999999999999995e-08".
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

/** Glob match as Redis's stringmatchlen: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`. */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "\\" && i + 1 < pattern.length) out += escapeRe(pattern[++i] as string);
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) {
        out += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = end;
    } else out += escapeRe(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
