/**
 * The binary as a child process: the README's `npm run demo` (same node flags) and `ordo worker`
 * serving an `ordo run --workers 0` until SIGTERM.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { type RedisHandle, startRedis, uniquePrefix } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ordo, ROOT } from "./helpers.js";

const execFileAsync = promisify(execFile);
const NODE_ARGS = ["--conditions=@ordo/source", "--import", "tsx", "packages/cli/src/bin.ts"];

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe("ordo as a child process", () => {
  test("npm run demo: exit 0 and the completed status line, with no Redis configured", async () => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    const { stdout } = await execFileAsync(process.execPath, [...NODE_ARGS, "demo"], {
      cwd: ROOT,
      env,
    });
    expect(stdout).toMatch(/^engine +embedded/m);
    expect(stdout).toMatch(/^status +completed +\(8\/8 steps completed, 1 retry\)$/m);
    expect(stdout).toMatch(/^\[#{24}\] 8\/8 steps$/m);
  }, 60_000);

  test("ordo worker runs the steps of ordo run --workers 0, then exits 0 on SIGTERM", async () => {
    const url = redis.url ?? redis.path!;
    const prefix = uniquePrefix("cli-proc");
    const child = spawn(
      process.execPath,
      [
        ...NODE_ARGS,
        "worker",
        "examples/quickstart/src/plugins.ts",
        "--redis",
        url,
        "--prefix",
        prefix,
        "--id",
        "proc-1",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    try {
      await until(() => out.includes("ready on"), 30_000);
      const result = await ordo([
        "run",
        "examples/quickstart/src/pipeline.ts",
        "--input-file",
        "examples/quickstart/input.json",
        "--redis",
        url,
        "--prefix",
        prefix,
        "--workers",
        "0",
        "--json",
        "-q",
      ]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.out).status).toBe("completed");
      child.kill("SIGTERM");
      expect(await exitCode(child)).toBe(0);
      expect(out).toMatch(/^SIGTERM: closing worker proc-1/m);
      expect(out).toMatch(/^worker proc-1 closed: claimed 9, completed 8, failed 1$/m);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
