/**
 * The seam between the embedded engine and a Lua VM. The engine speaks {@link Reply} values (the
 * RESP data model, strings as binary "latin1" strings: one char per byte); a host compiles
 * scripts by SHA and runs them, calling back into the keyspace for every `redis.call`. Swap the
 * VM (wasmoon, fengari, a native addon) by implementing this interface.
 */
import type { Reply } from "../reply.js";

/** What a host needs from the engine while a script runs. */
export interface LuaCallbacks {
  /**
   * Executes one `redis.call`/`redis.pcall` command: `name` as the script spelled it, `args`
   * after it (the callee may keep the array). Errors come back as `ErrorReply`.
   */
  call(name: string, args: string[]): Reply;
  /** SHA1 hex of a binary string (`redis.sha1hex`). */
  sha1hex(data: string): string;
}

/** A Lua VM with Redis's scripting environment. */
export interface LuaHost {
  /**
   * Compiles `source` (binary string) as script `sha`.
   * @returns undefined, or the error message Redis gives for a script that does not compile.
   */
  define(sha: string, source: string): string | undefined;
  /** Whether `define` succeeded for this SHA. */
  has(sha: string): boolean;
  /**
   * Runs a defined script synchronously with `KEYS`/`ARGV` set.
   * @returns the converted script result; a script error is an `ErrorReply` whose message is
   *   exactly Redis's (`... script: <sha>, on @user_script:<line>.`).
   */
  run(
    sha: string,
    keys: readonly string[],
    argv: readonly string[],
    callbacks: LuaCallbacks,
  ): Reply;
  /** Forgets every compiled script (SCRIPT FLUSH). */
  flush(): void;
  /** Frees the VM; the host is unusable afterwards. */
  close(): void;
}
