/**
 * Payload externalization: JSON values above an inline threshold live in the durable store
 * (content-addressed, canonical JSON) and hot state keeps a small reference object in their place,
 * `{"$payload":"sha256:<hex>","size":<bytes>}`. Readers (workers resolving bindings, clients
 * reading results) swap references back for the values; see docs/concepts/retention.md.
 */
import { canonicalJson, type JsonValue, OrdoError } from "@ordo/core";
import type { DurableStore } from "../durable/types.js";

/** The reference object that stands for an externalized JSON value in hot state. */
export interface ExternalPayload {
  /** `"sha256:<64 hex>"` of the canonical JSON bytes (the durable store's payload ref). */
  readonly $payload: string;
  /** Size of the canonical JSON in bytes. */
  readonly size: number;
}

const REF = /^sha256:[0-9a-f]{64}$/;

/**
 * True when `value` is exactly a payload reference object (two keys, `$payload` and `size`).
 *
 * @example
 * ```ts
 * isExternalPayload({ $payload: `sha256:${"0".repeat(64)}`, size: 10 }); // true
 * isExternalPayload({ $payload: "x" }); // false
 * ```
 */
export function isExternalPayload(value: unknown): value is ExternalPayload {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    Object.keys(v).length === 2 &&
    typeof v.$payload === "string" &&
    REF.test(v.$payload) &&
    typeof v.size === "number"
  );
}

/** Limits of {@link externalizeJson}. */
export interface ExternalizeLimits {
  /** Values whose JSON is larger than this many bytes go to the store. */
  readonly inlineMaxBytes: number;
  /** Values larger than this fail with non-retryable `PAYLOAD_TOO_LARGE`. */
  readonly maxPayloadBytes: number;
  /** Owner of the payload (deleted with the execution unless another owner is left). */
  readonly executionId?: string;
  /** Durable expiry of the payload, epoch ms; default kept forever. */
  readonly expiresAt?: number;
}

/**
 * Returns the JSON text to keep in hot state for `json`: itself when small, else a reference
 * to the canonical JSON stored in `store` (without a store the value stays inline). Throws
 * non-retryable `PAYLOAD_TOO_LARGE` above `maxPayloadBytes` in either case.
 *
 * @example
 * ```ts
 * const hotJson = await externalizeJson(store, JSON.stringify(big), { inlineMaxBytes: 1024, maxPayloadBytes: 1e7 });
 * // '{"$payload":"sha256:…","size":20480}'
 * ```
 */
export async function externalizeJson(
  store: DurableStore | undefined,
  json: string,
  limits: ExternalizeLimits,
  what = "payload",
): Promise<string> {
  const size = Buffer.byteLength(json);
  if (size > limits.maxPayloadBytes) {
    throw new OrdoError(
      "PAYLOAD_TOO_LARGE",
      `${what} is ${size} bytes, above maxPayloadBytes (${limits.maxPayloadBytes}); return a smaller value (e.g. a URL to the data) or raise retention.maxPayloadBytes.`,
      { retryable: false, details: { size, maxPayloadBytes: limits.maxPayloadBytes } },
    );
  }
  if (store === undefined || size <= limits.inlineMaxBytes) return json;
  const canonical = canonicalJson(JSON.parse(json) as JsonValue);
  const ref = await store.putPayload(canonical, {
    contentType: "application/json",
    ...(limits.executionId === undefined ? {} : { executionId: limits.executionId }),
    ...(limits.expiresAt === undefined ? {} : { expiresAt: limits.expiresAt }),
  });
  const external: ExternalPayload = { $payload: ref.ref, size: ref.size };
  return JSON.stringify(external);
}

/**
 * Reads payload references back, with a bounded LRU cache of parsed values by ref (payloads are
 * immutable, so a cached value never goes stale). Values are shared: callers must not mutate.
 */
export class PayloadResolver {
  private readonly cache = new Map<string, { value: JsonValue; size: number }>();
  private cachedBytes = 0;

  /**
   * @param store where payloads live
   * @param maxCacheBytes total payload bytes kept in the cache. Default 32 MiB.
   */
  constructor(
    readonly store: DurableStore,
    private readonly maxCacheBytes = 32 * 1024 * 1024,
  ) {}

  /** The value behind `value` when it is a reference, else `value` itself. */
  async resolve(value: JsonValue): Promise<JsonValue> {
    if (!isExternalPayload(value)) return value;
    const hit = this.cache.get(value.$payload);
    if (hit !== undefined) {
      // Refresh recency: Map iteration order is insertion order.
      this.cache.delete(value.$payload);
      this.cache.set(value.$payload, hit);
      return hit.value;
    }
    const stored = await this.store.getPayload(value.$payload);
    if (stored === null) {
      throw new OrdoError(
        "PAYLOAD_NOT_FOUND",
        `Payload ${value.$payload} is not in the ${this.store.kind} durable store (expired, deleted, or another store).`,
        { retryable: false, details: { ref: value.$payload } },
      );
    }
    const parsed = JSON.parse(Buffer.from(stored.bytes).toString("utf8")) as JsonValue;
    this.remember(value.$payload, parsed, stored.size);
    return parsed;
  }

  /** Parses `json` and resolves it when it is a reference. */
  resolveJson(json: string): Promise<JsonValue> {
    return this.resolve(JSON.parse(json) as JsonValue);
  }

  private remember(ref: string, value: JsonValue, size: number): void {
    if (size > this.maxCacheBytes) return;
    this.cache.set(ref, { value, size });
    this.cachedBytes += size;
    for (const [oldest, entry] of this.cache) {
      if (this.cachedBytes <= this.maxCacheBytes) break;
      this.cache.delete(oldest);
      this.cachedBytes -= entry.size;
    }
  }
}
