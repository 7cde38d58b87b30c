/**
 * Runs one Lua script on real Redis and on `EmbeddedRedis` and returns both outcomes, so a test
 * can assert they are identical. Keys are prefixed with one random prefix on both sides (so
 * replies that echo keys compare equal, and files can share a Redis server).
 */

import { uniquePrefix } from "@ordo/testing";
import type { Redis } from "ioredis";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";

/** A reply (ioredis shape) or the error message a call rejected with. */
export type Outcome = { readonly ok: unknown } | { readonly error: string };

/** One command to run before the script, e.g. `["HSET", "h", "f", "1"]`; key = `args[1]`. */
export type SetupCommand = readonly (string | number)[];

/** Both sides' outcome of one probe. */
export interface BothOutcomes {
  readonly redis: Outcome;
  readonly embedded: Outcome;
}

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Prefixes the key argument of a setup command (position 1, like most commands). */
function prefixed(command: SetupCommand, prefix: string): (string | number)[] {
  return command.map((arg, i) => (i === 1 ? `${prefix}${String(arg)}` : arg));
}

/**
 * Runs `script` with `keys` (prefixed) and `args` on both engines after the same `setup`.
 * Pass `embedded` to reuse one engine (e.g. with a fake clock); by default a fresh one per call.
 * @example
 * const both = await runOnBoth(redis, "return redis.call('INCR', KEYS[1])", ["k"], []);
 * expect(both.embedded).toEqual(both.redis);
 */
export async function runOnBoth(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
  setup: readonly SetupCommand[] = [],
  embedded: EmbeddedRedis = new EmbeddedRedis(),
): Promise<BothOutcomes> {
  const prefix = `${uniquePrefix("conf")}:`;
  const fullKeys = keys.map((key) => `${prefix}${key}`);
  for (const command of setup) {
    const [name, ...rest] = prefixed(command, prefix);
    await redis.call(String(name), ...rest);
    await embedded.call(String(name), ...rest);
  }
  const onRedis = await outcome(() => redis.eval(script, fullKeys.length, ...fullKeys, ...args));
  const onEmbedded = await outcome(() =>
    embedded.eval(script, fullKeys.length, ...fullKeys, ...args),
  );
  return { redis: strip(onRedis, prefix), embedded: strip(onEmbedded, prefix) };
}

/** Replaces the random prefix by `<p>` so outcomes print readably. */
function strip(value: Outcome, prefix: string): Outcome {
  return JSON.parse(JSON.stringify(value).split(prefix).join("<p>")) as Outcome;
}
