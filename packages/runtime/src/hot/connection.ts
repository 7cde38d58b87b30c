/**
 * The `connection` option of clients and workers, resolved to a {@link HotStore}.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { EmbeddedRedis } from "../embedded/index.js";
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

let processEngine: EmbeddedRedis | undefined;

/**
 * The process-wide embedded engine that clients and workers created without a `connection`
 * share (created on first use). Its state lives as long as the process.
 */
export function defaultEmbeddedEngine(): EmbeddedRedis {
  processEngine ??= new EmbeddedRedis();
  return processEngine;
}

/**
 * Opens (or wraps) a connection; no connection means the process-wide embedded engine.
 * Stores opened here from a URL or options are closed by their user's `close()`.
 */
export function openHotStore(connection: Connection | undefined): HotStore {
  if (connection === undefined) return new EmbeddedHotStore(defaultEmbeddedEngine(), false);
  if (typeof connection === "string") return RedisHotStore.connect(connection);
  if (connection instanceof Redis || connection instanceof Cluster) {
    return new RedisHotStore(connection, false);
  }
  if ("embedded" in connection) return new EmbeddedHotStore(connection.embedded, false);
  return RedisHotStore.connect(connection as RedisOptions);
}
