import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { FIXTURES, ROOT } from "./helpers.js";

const run = promisify(execFile);

/** Runs the real binary the way `npm run ordo` does; resolves with the exit code. */
async function ordoProcess(
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const argv = ["--conditions=@ordo/source", "--import", "tsx", "packages/cli/src/bin.ts", ...args];
  try {
    const { stdout, stderr } = await run(process.execPath, argv, { cwd: ROOT });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: failed.stdout ?? "", err: failed.stderr ?? "" };
  }
}

describe("the ordo binary as a child process", () => {
  test("exit code 1 and JSON report for an invalid IR", async () => {
    const result = await ordoProcess(["validate", `${FIXTURES}/invalid.dag.json`, "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out).valid).toBe(false);
  }, 60_000);

  test("exit code 2 for an unknown command, with the error code on stderr", async () => {
    const result = await ordoProcess(["nope"]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error USAGE: unknown command 'nope'/);
  }, 60_000);

  test("compiles a TypeScript pipeline module", async () => {
    const result = await ordoProcess([
      "compile",
      `${FIXTURES}/triage.pipeline.ts`,
      "--name",
      "summarize",
      "--json",
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ name: "summarize", version: "0.3.0" });
  }, 60_000);
});
