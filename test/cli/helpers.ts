/** Shared helpers of the CLI tests: run `ordo` in-process and locate fixtures. */
import { mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main, memoryIO } from "@ordo/cli";

/** Repository root (tests run commands with it as cwd, like `npm run ordo`). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FIXTURES = "test/cli/fixtures";

/** Runs `ordo <argv>` in-process; returns the exit code and what it printed. */
export async function ordo(
  argv: readonly string[],
  cwd: string = ROOT,
): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/**
 * A scratch folder inside the repo (so `@ordo/sdk` resolves from node_modules) under
 * `test/cli/.tmp/`: git and biome ignore `.tmp/` (.gitignore) and the repo typecheck's
 * `test/**\/*.ts` skips dot-folders, so deliberately broken modules written there break nothing.
 */
export async function scratchDir(name: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = join(ROOT, "test", "cli", ".tmp", `${name}-${process.pid}`);
  await mkdir(dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
