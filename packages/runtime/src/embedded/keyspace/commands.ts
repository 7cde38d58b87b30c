/**
 * The command table of the embedded keyspace and the dispatcher that applies Redis's rules for
 * unknown commands, arity and errors (with the script-flavoured messages inside `redis.call`).
 */
import { CommandError, ErrorReply, type Reply } from "../reply.js";
import { COLLECTION_COMMANDS } from "./collections.js";
import type { CommandSpec, CommandTable } from "./command-table.js";
import type { Keyspace } from "./keyspace.js";
import { STREAM_COMMANDS } from "./streams.js";
import { STRING_COMMANDS } from "./strings.js";
import { ZSET_COMMANDS } from "./zsets.js";

const COMMANDS: CommandTable = {
  ...STRING_COMMANDS,
  ...COLLECTION_COMMANDS,
  ...ZSET_COMMANDS,
  ...STREAM_COMMANDS,
};

/** Every command the keyspace implements, uppercase (plus the client-level ones). */
export const KEYSPACE_COMMANDS: ReadonlySet<string> = new Set(Object.keys(COMMANDS));

/** Specs by the exact name scripts spell (`HGET`, `hget`), so the hot path skips toUpperCase. */
const SPEC_CACHE = new Map<string, CommandSpec>();
const SPEC_CACHE_LIMIT = 1024;

function specOf(name: string): CommandSpec | undefined {
  let spec = SPEC_CACHE.get(name);
  if (spec === undefined) {
    spec = Object.hasOwn(COMMANDS, name.toUpperCase()) ? COMMANDS[name.toUpperCase()] : undefined;
    if (spec !== undefined && SPEC_CACHE.size < SPEC_CACHE_LIMIT) SPEC_CACHE.set(name, spec);
  }
  return spec;
}

/**
 * Runs one command. `args[0]` is the command name (any case). Never throws: failures are
 * {@link ErrorReply}s with Redis's text.
 */
export function execute(ks: Keyspace, args: string[], fromScript: boolean): Reply {
  return executeCommand(ks, args[0] ?? "", args.slice(1), fromScript);
}

/** {@link execute} with the name apart: `args` are the command's arguments only. */
export function executeCommand(
  ks: Keyspace,
  name: string,
  args: string[],
  fromScript: boolean,
): Reply {
  const spec = specOf(name);
  if (spec === undefined) {
    if (fromScript) return new ErrorReply("ERR Unknown Redis command called from script");
    const rest = args.map((a) => `'${a}' `).join("");
    return new ErrorReply(`ERR unknown command '${name}', with args beginning with: ${rest}`);
  }
  const count = args.length + 1;
  if (spec.arity > 0 ? count !== spec.arity : count < -spec.arity) {
    if (fromScript)
      return new ErrorReply("ERR Wrong number of args calling Redis command from script");
    return new ErrorReply(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
  }
  try {
    return spec.fn(ks, args);
  } catch (error) {
    if (error instanceof CommandError) return new ErrorReply(error.message);
    throw error;
  }
}
