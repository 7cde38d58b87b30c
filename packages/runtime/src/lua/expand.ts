/**
 * Lua source assembly: expands `-- @include <name>` lines with `lua/includes/<name>.lua` and reads
 * each script's name and version from its header line `-- <name> v<version>`. Used by the bundle
 * generator (`build-bundle.ts`) and by the test that keeps the committed bundle in sync.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One assembled script. */
export interface AssembledScript {
  readonly name: string;
  readonly version: number;
  /** Source with every include expanded. */
  readonly source: string;
}

const HEADER = /^-- ([A-Za-z]+) v(\d+)\s*$/;
const INCLUDE = /^-- @include ([a-z]+)\s*$/;

/** Expands includes of one script file (includes may not include other files). */
export function assembleScript(luaDir: string, file: string): AssembledScript {
  const text = readFileSync(join(luaDir, file), "utf8");
  const lines = text.split("\n");
  const header = HEADER.exec(lines[0] ?? "");
  if (header === null) {
    throw new Error(`${file}: first line must be "-- <name> v<version>"`);
  }
  const out = lines.map((line) => {
    const include = INCLUDE.exec(line);
    if (include === null) return line;
    return readFileSync(join(luaDir, "includes", `${include[1]}.lua`), "utf8").trimEnd();
  });
  return { name: header[1]!, version: Number(header[2]), source: out.join("\n") };
}

/** Assembles every `*.lua` script directly under `luaDir`, sorted by file name. */
export function assembleAll(luaDir: string): AssembledScript[] {
  return readdirSync(luaDir)
    .filter((file) => file.endsWith(".lua"))
    .sort()
    .map((file) => assembleScript(luaDir, file));
}

/** The TypeScript module text of the generated bundle. */
export function renderBundle(scripts: readonly AssembledScript[]): string {
  const entries = scripts
    .map(
      (s) =>
        `  ${s.name}: {\n    name: ${JSON.stringify(s.name)},\n    version: ${s.version},\n    source:\n      ${JSON.stringify(s.source)},\n  },`,
    )
    .join("\n");
  return `// Generated from lua/*.lua by packages/runtime/src/lua/build-bundle.ts. Do not edit.
// Regenerate: node --import tsx packages/runtime/src/lua/build-bundle.ts
export const LUA_SCRIPTS = {
${entries}
} as const;
`;
}
