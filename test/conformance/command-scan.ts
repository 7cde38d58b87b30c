/**
 * Finds the Redis command names a Lua source passes to `redis.call(`/`redis.pcall(`. A call whose
 * first argument is not a string literal is reported separately: the guard cannot check it.
 */

/** Commands found (uppercase) and the calls with a non-literal command name. */
export interface CommandScan {
  readonly commands: ReadonlySet<string>;
  readonly nonLiteral: readonly string[];
}

/** Scans Lua source (comments removed first so documented examples do not count). */
export function scanCommands(source: string): CommandScan {
  const code = source.replace(/--\[(=*)\[[\s\S]*?\]\1\]/g, "").replace(/--[^\n]*/g, "");
  const commands = new Set<string>();
  const nonLiteral: string[] = [];
  for (const match of code.matchAll(/redis\.p?call\s*\(\s*([^,)]*)/g)) {
    const first = (match[1] ?? "").trim();
    const literal = /^(['"])([A-Za-z]+)\1$/.exec(first);
    if (literal?.[2]) commands.add(literal[2].toUpperCase());
    else nonLiteral.push(match[0]);
  }
  return { commands, nonLiteral };
}
