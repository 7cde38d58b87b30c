/**
 * The `connection` option of clients and workers, resolved to a {@link HotStore}.
 */
import { OrdoError } from "@ordo/core";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { EmbeddedHotStore, type EmbeddedRedisLike } from "./embedded-store.js";
import type { HotStore } from "./hot-store.js";
import { RedisHotStore } from "./redis-store.js";

/**
 * Where hot state lives: a Redis URL (`redis://host:6379`), ioredis options, an ioredis `Redis` or
 * `Cluster` instance (shared, not closed by Ordo), or `{ embedded }` for the in-process engine.
 */
export type Connection =
  | string
  | RedisOptions
  | Redis
  | Cluster
  | { readonly embedded: EmbeddedRedisLike };

/** Opens (or wraps) a connection. `owned` stores are closed by their user's `close()`. */
export function openHotStore(connection: Connection | undefined): HotStore {
  if (connection === undefined) {
    throw new OrdoError(
      "USAGE",
      "No connection given: pass a Redis URL, ioredis options or instance, or { embedded }.",
    );
  }
  if (typeof connection === "string") return RedisHotStore.connect(connection);
  if (connection instanceof Redis || connection instanceof Cluster) {
    return new RedisHotStore(connection, false);
  }
  if ("embedded" in connection) return new EmbeddedHotStore(connection.embedded, false);
  return RedisHotStore.connect(connection as RedisOptions);
}
