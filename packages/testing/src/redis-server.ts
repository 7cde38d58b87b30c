/**
 * A real Redis for tests: either the server named by `REDIS_URL`, or a throwaway `redis-server`
 * child process on a private unix socket (no TCP port, no persistence), stopped by pid in teardown.
 * Test files isolate their keys with {@link uniquePrefix}, so they can share one server and run in
 * parallel.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OrdoError } from "@ordo/core";
import { Redis, type RedisOptions } from "ioredis";

/** A Redis a test can connect to. */
export interface RedisHandle {
  /** `redis://...` when the server came from `REDIS_URL`. */
  readonly url?: string;
  /** Unix socket path when the harness spawned the server. */
  readonly path?: string;
  /** Options that reach this server (spread them into your own ioredis options). */
  readonly connectionOptions: RedisOptions;
  /** A new ioredis client; the harness closes it in `stop()` if you did not. */
  connect(): Redis;
  /** Closes clients opened by `connect()` and kills the spawned server (no-op for `REDIS_URL`). */
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Standalone only; use {@link startRedisCluster} for a cluster. */
  readonly cluster?: false;
  /** Ignore `REDIS_URL` and always spawn a private server. Default: false. */
  readonly spawn?: boolean;
}

/**
 * Absolute path of a binary on PATH, or a clear error saying how to install it.
 * @internal
 */
export function findBinary(name: "redis-server" | "redis-cli"): string {
  try {
    return execFileSync("/bin/sh", ["-c", `command -v ${name}`])
      .toString()
      .trim();
  } catch {
    throw new OrdoError(
      "CONNECTION",
      `${name} is not on PATH: install it (\`sudo apt-get install redis-server\`, ` +
        "`brew install redis`) or set REDIS_URL=redis://host:port.",
    );
  }
}

/**
 * A random key prefix for one test or file, so suites sharing a server never see each other's
 * keys.
 * @example
 * const prefix = uniquePrefix("claim"); // "claim-3f9a1c0b2d4e"
 * await redis.set(`${prefix}:k`, "v");
 */
export function uniquePrefix(label: string): string {
  return `${label}-${randomBytes(6).toString("hex")}`;
}

/**
 * Retries PING until the server answers or `timeoutMs` passes.
 * @internal
 */
export async function waitForPing(options: RedisOptions, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const probe = new Redis({
      ...options,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch (error) {
      lastError = error;
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new OrdoError("CONNECTION", `Redis did not answer PING within ${timeoutMs} ms`, {
    cause: lastError,
  });
}

/**
 * Kills a child process and resolves once it has exited (at most ~2 s).
 * @internal
 */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGKILL");
  });
}

/** What {@link openedClients} needs of an ioredis `Redis` or `Cluster`. */
interface Disconnectable {
  disconnect(): void;
  once(event: "end", listener: () => void): unknown;
}

/**
 * The clients a handle's `connect()` opened and that have not ended yet; `stop()` disconnects
 * them all before `teardown` (stops the server or cluster), so a test's `stop()` never hangs on a
 * client it forgot to close.
 * @internal
 */
export function openedClients<C extends Disconnectable>(teardown: () => Promise<void>) {
  const clients = new Set<C>();
  return {
    track(client: C): C {
      clients.add(client);
      client.once("end", () => clients.delete(client));
      return client;
    },
    async stop(): Promise<void> {
      for (const client of clients) client.disconnect();
      clients.clear();
      await teardown();
    },
  };
}

function handleFor(
  options: RedisOptions,
  where: { url?: string; path?: string },
  teardown: () => Promise<void>,
): RedisHandle {
  const clients = openedClients<Redis>(teardown);
  return {
    ...where,
    connectionOptions: options,
    connect: () => clients.track(where.url ? new Redis(where.url, options) : new Redis(options)),
    stop: clients.stop,
  };
}

/**
 * Starts (or connects to) a Redis for a test file. With `REDIS_URL` set, that server is used and
 * `stop()` only closes clients; otherwise a private `redis-server` is spawned on a unix socket in a
 * fresh temp directory and killed by `stop()`.
 * @throws OrdoError `CONNECTION` when `redis-server` is missing or does not answer PING in 10 s.
 * @example
 * const redis = await startRedis();
 * const client = redis.connect();
 * await client.set(`${uniquePrefix("t")}:k`, "v");
 * await redis.stop();
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisHandle> {
  const url = process.env.REDIS_URL;
  if (url && !options.spawn) {
    const connectionOptions: RedisOptions = {};
    await waitForPing({ ...connectionOptions, ...urlOptions(url) });
    return handleFor(connectionOptions, { url }, async () => {});
  }
  const binary = findBinary("redis-server");
  const dir = mkdtempSync(join(tmpdir(), "ordo-redis-"));
  const path = join(dir, "r.sock");
  const child = spawn(
    binary,
    [
      ...["--port", "0", "--unixsocket", path, "--unixsocketperm", "700"],
      ...["--save", "", "--appendonly", "no", "--dir", dir],
    ],
    { stdio: "ignore" },
  );
  const teardown = async () => {
    await killChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const connectionOptions: RedisOptions = { path };
  try {
    await waitForPing(connectionOptions);
  } catch (error) {
    await teardown();
    throw error;
  }
  return handleFor(connectionOptions, { path }, teardown);
}

function urlOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
  };
}

/** The vitest (or jest) lifecycle hooks {@link useRedis} registers with. */
export interface LifecycleHooks {
  beforeAll(fn: () => Promise<void>, timeoutMs?: number): void;
  afterAll(fn: () => Promise<void>, timeoutMs?: number): void;
}

/** What {@link useRedis} returns: usable inside tests (after `beforeAll` ran). */
export interface UsedRedis {
  /** The handle; throws when read before `beforeAll` ran. */
  readonly handle: RedisHandle;
  /** A client shared by the file, opened in `beforeAll`. */
  readonly client: Redis;
}

/**
 * Starts one Redis per test file in `beforeAll` and stops it in `afterAll`. Pass vitest's hooks
 * (the testing package does not import vitest itself).
 * @example
 * import { afterAll, beforeAll, it } from "vitest";
 * const redis = useRedis({ beforeAll, afterAll });
 * it("sets", async () => { await redis.client.set(uniquePrefix("t"), "v"); });
 */
export function useRedis(hooks: LifecycleHooks, options: StartRedisOptions = {}): UsedRedis {
  let handle: RedisHandle | undefined;
  let client: Redis | undefined;
  hooks.beforeAll(async () => {
    handle = await startRedis(options);
    client = handle.connect();
  }, 30_000);
  hooks.afterAll(async () => {
    await handle?.stop();
  });
  const notStarted = () =>
    new OrdoError("USAGE", "useRedis(): the Redis is used before beforeAll() ran");
  return {
    get handle() {
      if (!handle) throw notStarted();
      return handle;
    },
    get client() {
      if (!client) throw notStarted();
      return client;
    },
  };
}
