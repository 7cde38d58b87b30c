/**
 * Control-plane keyspace: thirteen keys under one hash tag `{<prefix>:ctl}` (one Redis Cluster
 * slot), in the KEYS order every control script declares (see `lua/includes/ctl.lua`).
 */

/** Names of the control keys, in script KEYS order. */
export const CONTROL_KEY_NAMES = [
  "runs",
  "pending",
  "claims",
  "all",
  "active",
  "meta",
  "inst",
  "insts",
  "log",
  "scale",
  "execs",
  "defs",
  "wake",
] as const;

/** One control key name. */
export type ControlKeyName = (typeof CONTROL_KEY_NAMES)[number];

/** Resolved control keys of one prefix. */
export interface ControlKeys {
  /** All keys in script KEYS order. */
  readonly all: readonly string[];
  readonly byName: Readonly<Record<ControlKeyName, string>>;
}

/**
 * The control keys of a prefix (the same prefix as the engine's, default `ordo`).
 *
 * @example
 * ```ts
 * controlKeys("ordo").byName.scale; // "{ordo:ctl}:scale" (the autoscaler's stream)
 * ```
 */
export function controlKeys(prefix: string): ControlKeys {
  const tag = `{${prefix}:ctl}`;
  const all = CONTROL_KEY_NAMES.map((name) => `${tag}:${name}`);
  const byName = Object.fromEntries(CONTROL_KEY_NAMES.map((n, i) => [n, all[i]])) as Record<
    ControlKeyName,
    string
  >;
  return { all, byName };
}
