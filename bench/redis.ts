/**
 * The one Redis server of a bench run, and the counters read from it.
 *
 * `startRedis()` spawns `redis-server` on a unix socket in a temp directory with persistence off
 * (no RDB, no AOF), unless `REDIS_URL` is set, in which case that server is used as is (and never
 * flushed: every run then uses its own key prefix).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis, type RedisOptions } from "ioredis";

/** Where the bench Redis is; serialisable so it can be sent to worker children over IPC. */
export interface RedisTarget {
  /** Unix socket path of a spawned server, or null when `url` is used. */
  readonly path: string | null;
  readonly url: string | null;
  /** True when this process spawned the server (then FLUSHALL between runs is allowed). */
  readonly owned: boolean;
}

/** A started (or adopted) Redis server. */
export interface RedisServer {
  readonly target: RedisTarget;
  readonly version: string;
  stop(): Promise<void>;
}

/** ioredis options for a target; `extra` is merged in (BullMQ needs maxRetriesPerRequest: null). */
export function redisOptions(target: RedisTarget, extra: RedisOptions = {}): RedisOptions {
  if (target.path) return { path: target.path, ...extra };
  const url = new URL(target.url!);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password || undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    ...extra,
  };
}

/** Starts redis-server on a temp unix socket, or adopts `REDIS_URL` when set. */
export async function startRedis(): Promise<RedisServer> {
  const url = process.env.REDIS_URL;
  if (url) {
    const target: RedisTarget = { path: null, url, owned: false };
    return { target, version: await serverVersion(target), stop: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), "ordo-bench-"));
  const path = join(dir, "redis.sock");
  const args = ["--port", "0", "--unixsocket", path, "--unixsocketperm", "700"];
  const child = spawn("redis-server", [...args, "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await waitForReady(child);
  const target: RedisTarget = { path, url: null, owned: true };
  return {
    target,
    version: await serverVersion(target),
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${log}`)),
      10_000,
    );
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}):\n${log}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (/ready to accept connections/i.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

async function serverVersion(target: RedisTarget): Promise<string> {
  const redis = new Redis(redisOptions(target));
  try {
    const info = await redis.info("server");
    return /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
  } finally {
    redis.disconnect();
  }
}

/** Server-side counters: every command executed, including the ones Lua scripts call. */
export interface ServerCounters {
  /** `total_commands_processed`: counts script-internal `redis.call`s too. */
  readonly commands: number;
  /** EVALSHA + EVAL + FCALL calls: the top-level script invocations. */
  readonly scripts: number;
  /** `used_cpu_user + used_cpu_sys` of the server, ms. */
  readonly cpuMs: number;
}

/** Reads {@link ServerCounters} (its INFO calls add 3 commands, subtracted by callers). */
export async function readCounters(redis: Redis): Promise<ServerCounters> {
  const stats = await redis.info("stats");
  const cmdstats = await redis.info("commandstats");
  const cpu = await redis.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  const commands = Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? Number.NaN);
  let scripts = 0;
  for (const m of cmdstats.matchAll(/cmdstat_(evalsha|eval|fcall|evalsha_ro|eval_ro):calls=(\d+)/g))
    scripts += Number(m[2]);
  return { commands, scripts, cpuMs: (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1000 };
}

/**
 * Counts every command this process sends through ioredis (all clients: the engine's, BullMQ's,
 * ours). Pipelined and MULTI commands count one each, so this is an upper bound on round trips.
 * Installed once per worker child, before any connection is made.
 */
export class CommandMeter {
  count = 0;
  readonly byName = new Map<string, number>();
  /** SHA1 -> script name, so EVALSHA calls are reported per script (`evalsha:<name>`). */
  readonly scriptNames = new Map<string, string>();
  private enabled = false;

  install(): void {
    const proto = Redis.prototype as unknown as {
      sendCommand: (command: { name?: string; args?: unknown[] }, ...rest: unknown[]) => unknown;
    };
    const original = proto.sendCommand;
    const meter = this;
    // A command sent before the connection is ready goes to ioredis's offline queue and passes
    // through sendCommand again when flushed: count each command object once.
    const seen = new WeakSet<object>();
    proto.sendCommand = function (this: unknown, command, ...rest) {
      if (meter.enabled && !seen.has(command)) {
        seen.add(command);
        meter.count++;
        let name = command?.name ?? "?";
        if (name === "evalsha")
          name += `:${meter.scriptNames.get(String(command.args?.[0])) ?? "?"}`;
        meter.byName.set(name, (meter.byName.get(name) ?? 0) + 1);
      }
      return original.call(this, command, ...rest);
    };
  }

  start(): void {
    this.count = 0;
    this.byName.clear();
    this.enabled = true;
  }

  stop(): void {
    this.enabled = false;
  }
}
