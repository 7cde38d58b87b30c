/**
 * The LLM response cache. A completed provider answer is stored before the step returns, so a
 * retry, a recovery after a worker crash, or (with scope `request`) a replay finds it and never
 * calls the provider again. Keys are `sha256(canonical request)` plus the step's idempotency key.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson, sha256Hex } from "@ordo/step";
import type { LlmUsage } from "./contract.js";

/** What the cache stores: the provider's answer, not the step output (costs are recomputed). */
export interface LlmCacheEntry {
  readonly text: string;
  readonly provider: string;
  readonly model: string;
  readonly finishReason: string;
  readonly usage: LlmUsage;
  /** Unix ms when the answer was produced. */
  readonly createdAt: number;
}

/**
 * Storage of cached answers. Implementations must be safe to call concurrently; `set` of an
 * existing key may overwrite (equal keys mean equal requests).
 *
 * @example
 * ```ts
 * const cache: LlmCache = new InMemoryLlmCache();
 * await cache.get("k"); // undefined
 * ```
 */
export interface LlmCache {
  get(key: string): Promise<LlmCacheEntry | undefined>;
  set(key: string, value: LlmCacheEntry): Promise<void>;
}

/**
 * In-process cache with a size bound (oldest entries are dropped first). It does not survive a
 * process crash; use {@link FileLlmCache} (or your own durable {@link LlmCache}) for that.
 *
 * @example
 * ```ts
 * const cache = new InMemoryLlmCache({ maxEntries: 1000 });
 * ```
 */
export class InMemoryLlmCache implements LlmCache {
  readonly #entries = new Map<string, LlmCacheEntry>();
  readonly #maxEntries: number;

  /** @param options.maxEntries default 10000 */
  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  async get(key: string): Promise<LlmCacheEntry | undefined> {
    return this.#entries.get(key);
  }

  async set(key: string, value: LlmCacheEntry): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Number of cached answers. */
  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Durable cache: one JSON file per key in `directory`, written atomically (temp file + rename),
 * so a crash never leaves a torn entry. Survives worker restarts on the same disk.
 *
 * @example
 * ```ts
 * const cache = new FileLlmCache(".ordo/llm-cache");
 * ```
 */
export class FileLlmCache implements LlmCache {
  constructor(readonly directory: string) {}

  #path(key: string): string {
    // keys contain ':' and arbitrary idempotency keys: hash them into a safe file name
    return join(this.directory, `${sha256Hex(key)}.json`);
  }

  async get(key: string): Promise<LlmCacheEntry | undefined> {
    try {
      return JSON.parse(await readFile(this.#path(key), "utf8")) as LlmCacheEntry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async set(key: string, value: LlmCacheEntry): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const path = this.#path(key);
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, JSON.stringify(value), "utf8");
    await rename(temp, path);
  }
}

/** The two Redis commands {@link RedisLlmCache} needs; an `ioredis` client satisfies it. */
export interface RedisLikeClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "PX", milliseconds: number): Promise<unknown>;
}

/**
 * Shared cache in Redis, for workers on several machines (a recovery may land anywhere). Entries
 * live `ttlMs` (default 7 days) under `prefix` (default `ordo:llm-cache:`). A Redis error on read
 * is thrown (the runtime retries the step) rather than silently paying for a second call.
 *
 * @example
 * ```ts
 * import Redis from "ioredis";
 * const cache = new RedisLlmCache(new Redis(process.env.REDIS_URL!), { ttlMs: 86_400_000 });
 * ```
 */
export class RedisLlmCache implements LlmCache {
  readonly #client: RedisLikeClient;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(client: RedisLikeClient, options: { prefix?: string; ttlMs?: number } = {}) {
    this.#client = client;
    this.#prefix = options.prefix ?? "ordo:llm-cache:";
    this.#ttlMs = options.ttlMs ?? 7 * 24 * 3_600_000;
  }

  async get(key: string): Promise<LlmCacheEntry | undefined> {
    const text = await this.#client.get(this.#prefix + key);
    return text === null ? undefined : (JSON.parse(text) as LlmCacheEntry);
  }

  async set(key: string, value: LlmCacheEntry): Promise<void> {
    await this.#client.set(this.#prefix + key, JSON.stringify(value), "PX", this.#ttlMs);
  }
}

/** Canonical JSON of `@ordo/core` (re-exported by `@ordo/step`); kept as this package's export. */
export { canonicalJson };

/**
 * The cache key of a request: `sha256hex(canonicalJson(request))`, then `:` and the idempotency
 * key when the scope is per step.
 *
 * @example
 * ```ts
 * llmCacheKey({ model: "m", messages: [] }, "exec-1:answer"); // "3f1c...:exec-1:answer"
 * ```
 */
export function llmCacheKey(request: unknown, idempotencyKey?: string): string {
  const fingerprint = sha256Hex(canonicalJson(request));
  return idempotencyKey === undefined ? fingerprint : `${fingerprint}:${idempotencyKey}`;
}
