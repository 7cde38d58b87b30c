/**
 * Partitioned Redis keyspace. An execution lives in partition `fnv1a(executionId) mod P`; every
 * key of a partition carries the hash tag `{<prefix>:<p>}`, so each script runs in one Redis
 * Cluster slot while the partitions spread over the cluster. The order of {@link partitionKeys}
 * is the KEYS layout every script declares (see `lua/includes/base.lua`).
 */

/** Default number of partitions. Every client and worker of one deployment must use the same. */
export const DEFAULT_PARTITIONS = 16;
/** Default key prefix. */
export const DEFAULT_PREFIX = "ordo";

/** Execution ids: safe as hash field parts (no `|`) and short. */
export const EXECUTION_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Names of the 16 partition keys, in the KEYS order of every script. */
export const PARTITION_KEY_NAMES = [
  "x",
  "def",
  "st",
  "att",
  "tok",
  "rec",
  "dc",
  "ok",
  "out",
  "err",
  "ready",
  "delayed",
  "leases",
  "wake",
  "log",
  "fin",
] as const;

/** One partition key name. */
export type PartitionKeyName = (typeof PARTITION_KEY_NAMES)[number];

/** 32-bit FNV-1a of a string's UTF-16 code units: stable across processes and languages. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The partition of an execution. */
export function partitionOf(executionId: string, partitions: number): number {
  return fnv1a(executionId) % partitions;
}

/** Resolved key names of one partition. */
export interface PartitionKeys {
  readonly partition: number;
  /** All 16 keys in script KEYS order. */
  readonly all: readonly string[];
  readonly byName: Readonly<Record<PartitionKeyName, string>>;
}

/** Builds (and callers cache) the keys of partition `p`. */
export function partitionKeys(prefix: string, p: number): PartitionKeys {
  const tag = `{${prefix}:${p}}`;
  const all = PARTITION_KEY_NAMES.map((name) => `${tag}:${name}`);
  const byName = Object.fromEntries(PARTITION_KEY_NAMES.map((name, i) => [name, all[i]])) as Record<
    PartitionKeyName,
    string
  >;
  return { partition: p, all, byName };
}

/** Caches the keys of every partition of one `(prefix, partitions)` layout. */
export class Keyspace {
  readonly prefix: string;
  readonly partitions: number;
  private readonly cache: PartitionKeys[];

  constructor(prefix = DEFAULT_PREFIX, partitions = DEFAULT_PARTITIONS) {
    this.prefix = prefix;
    this.partitions = partitions;
    this.cache = Array.from({ length: partitions }, (_, p) => partitionKeys(prefix, p));
  }

  /** Keys of partition `p`. */
  part(p: number): PartitionKeys {
    return this.cache[p]!;
  }

  /** Keys of the partition an execution lives in. */
  of(executionId: string): PartitionKeys {
    return this.cache[partitionOf(executionId, this.partitions)]!;
  }

  /** Every partition's wake list (what idle workers block on). */
  wakeKeys(): string[] {
    return this.cache.map((k) => k.byName.wake);
  }
}
