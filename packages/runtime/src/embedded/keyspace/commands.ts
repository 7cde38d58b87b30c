/**
 * The command table of the embedded keyspace and the dispatcher that applies Redis's rules for
 * unknown commands, arity and errors (with the script-flavoured messages inside `redis.call`).
 */
import { CommandError, ErrorReply, type Reply } from "../reply.js";
import { COLLECTION_COMMANDS } from "./collections.js";
import type { CommandTable } from "./command-table.js";
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

/**
 * Runs one command. `args[0]` is the command name (any case). Never throws: failures are
 * {@link ErrorReply}s with Redis's text.
 */
export function execute(ks: Keyspace, args: string[], fromScript: boolean): Reply {
  const name = (args[0] ?? "").toUpperCase();
  const spec = COMMANDS[name];
  if (spec === undefined) {
    if (fromScript) return new ErrorReply("ERR Unknown Redis command called from script");
    const rest = args
      .slice(1)
      .map((a) => `'${a}' `)
      .join("");
    return new ErrorReply(
      `ERR unknown command '${args[0] ?? ""}', with args beginning with: ${rest}`,
    );
  }
  if (spec.arity > 0 ? args.length !== spec.arity : args.length < -spec.arity) {
    if (fromScript)
      return new ErrorReply("ERR Wrong number of args calling Redis command from script");
    return new ErrorReply(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
  }
  try {
    return spec.fn(ks, args.slice(1));
  } catch (error) {
    if (error instanceof CommandError) return new ErrorReply(error.message);
    throw error;
  }
}
