/**
 * Every command a `lua/` script sends through `redis.call`/`redis.pcall` must be implemented by
 * the embedded keyspace, and must be named by a string literal so this guard can check it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EMBEDDED_COMMANDS } from "../../packages/runtime/src/embedded/index.js";
import { scanCommands } from "./command-scan.js";

const LUA_DIR = join(import.meta.dirname, "../../lua");

function luaFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return entries.filter((name) => name.endsWith(".lua")).map((name) => join(dir, name));
}

describe("scanCommands", () => {
  it("finds literal command names and flags computed ones", () => {
    const scan = scanCommands(
      [
        "local v = redis.call('HGET', KEYS[1], 'f')",
        'redis.pcall( "zadd", KEYS[2], 1, "m")',
        "-- redis.call('FLUSHALL') in a comment does not count",
        "local cmd = 'DEL'; redis.call(cmd, KEYS[1])",
      ].join("\n"),
    );
    expect([...scan.commands].sort()).toEqual(["HGET", "ZADD"]);
    expect(scan.nonLiteral).toEqual(["redis.call(cmd"]);
  });
});

describe("lua/ scripts use only embedded commands", () => {
  const files = luaFiles(LUA_DIR);
  it.each(files.length > 0 ? files : ["(no lua files)"])("%s", (file) => {
    if (file === "(no lua files)") return;
    const scan = scanCommands(readFileSync(file, "utf8"));
    expect(scan.nonLiteral, "command names must be string literals").toEqual([]);
    const missing = [...scan.commands].filter((name) => !EMBEDDED_COMMANDS.has(name));
    expect(missing, "commands the embedded keyspace lacks").toEqual([]);
  });
});
