/**
 * The one way typed script wrappers run a script: a transport failure (connection lost, Redis
 * down) becomes a retryable `SCRIPT_ERROR` naming the script; the reply array is returned as is
 * for the wrapper to decode (status words map to codes in the wrapper's table).
 */
import { OrdoError } from "@ordo/core";
import type { HotStore, ScriptName } from "./hot-store.js";

/**
 * Runs `name` with `keys` and `args` (numbers sent as decimal text).
 *
 * @example
 * ```ts
 * const reply = await callScript(store, "claimSteps", keys.all, [workerId, 1, 30_000]);
 * ```
 */
export async function callScript(
  store: HotStore,
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
  details?: Record<string, unknown>,
): Promise<unknown[]> {
  try {
    return (await store.runScript(name, keys, args.map(String))) as unknown[];
  } catch (cause) {
    throw new OrdoError("SCRIPT_ERROR", `${name} failed: ${(cause as Error).message}`, {
      retryable: true,
      cause,
      ...(details === undefined ? {} : { details }),
    });
  }
}
