/**
 * Command registry types. Arity follows Redis's command table: positive = exact argument count
 * including the command name, negative = minimum.
 */
import type { Reply } from "../reply.js";
import type { Keyspace } from "./keyspace.js";

/** Implements one command; `args` excludes the command name. Throws `CommandError`. */
export type CommandFn = (ks: Keyspace, args: string[]) => Reply;

/** One command: arity and implementation. */
export interface CommandSpec {
  readonly arity: number;
  readonly fn: CommandFn;
}

/** Commands by uppercase name. */
export type CommandTable = Record<string, CommandSpec>;
