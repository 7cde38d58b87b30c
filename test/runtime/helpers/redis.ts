/**
 * Redis for runtime tests through `@ordo/testing` (`REDIS_URL`, else a private redis-server on a
 * unix socket). Each test file isolates its keys with a unique prefix, so files run in parallel.
 */
import { uniquePrefix as harnessPrefix, type RedisHandle, startRedis } from "@ordo/testing";
import type { Redis, RedisOptions } from "ioredis";

/** A Redis a runtime test can use. */
export interface TestRedis {
  /** The `connection` option for clients and workers. */
  readonly connection: string | RedisOptions;
  /** The same, as one command-line argument for worker processes (see {@link parseConnectionArg}). */
  readonly arg: string;
  /** A plain ioredis client (closed by `stop()`). */
  connect(): Redis;
  stop(): Promise<void>;
}

/** Starts (or reuses via `REDIS_URL`) a Redis; `spawn` forces a private server. */
export async function startTestRedis(options: { spawn?: boolean } = {}): Promise<TestRedis> {
  const handle: RedisHandle = await startRedis(options.spawn ? { spawn: true } : {});
  const connection = handle.url ?? handle.connectionOptions;
  return {
    connection,
    arg: typeof connection === "string" ? connection : JSON.stringify(connection),
    connect: () => handle.connect(),
    stop: () => handle.stop(),
  };
}

/** Inverse of {@link TestRedis.arg}. */
export function parseConnectionArg(arg: string): string | RedisOptions {
  return arg.startsWith("{") ? (JSON.parse(arg) as RedisOptions) : arg;
}

/** A random key prefix for one test file or case. */
export function uniquePrefix(label = "t"): string {
  return harnessPrefix(label);
}
