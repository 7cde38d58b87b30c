/**
 * Finding pipeline modules under a directory: files named `*.pipeline.ts` and TypeScript files
 * importing `@ordo/sdk`. Skips `node_modules`, build output and hidden folders, declaration files
 * and test files (importing a test file would run it).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const SKIPPED_DIRS = new Set(["node_modules", "dist", "build", "coverage"]);
const TS_FILE = /\.(?:m?ts|tsx)$/;
const NOT_MODULE = /(?:\.d\.ts|\.test\.ts|\.test-d\.ts|\.spec\.ts)$/;
/** A real import statement (at a line start, so examples in doc comments do not count). */
const SDK_IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']@ordo\/sdk(?:\/[^"']*)?["']/m;

/**
 * Pipeline module candidates under `root` (absolute paths, sorted).
 *
 * @example
 * ```ts
 * import { findPipelineFiles } from "@ordo/analyze";
 * const files = await findPipelineFiles(process.cwd());
 * ```
 */
export async function findPipelineFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await visit(path);
      } else if (entry.isFile() && (await isPipelineModule(path))) {
        found.push(path);
      }
    }
  };
  await visit(root);
  return found.sort();
}

async function isPipelineModule(path: string): Promise<boolean> {
  if (!TS_FILE.test(path) || NOT_MODULE.test(path)) return false;
  if (path.endsWith(".pipeline.ts")) return true;
  return SDK_IMPORT.test(await readFile(path, "utf8"));
}
