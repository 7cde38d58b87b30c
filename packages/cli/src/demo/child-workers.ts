/**
 * Worker processes of a `--redis` demo: `ordo demo <scenario> --serve-worker ...` children of
 * this process, each one Ordo worker with its own pid. Started before the execution (the demo
 * waits for every `ready` line), stopped with SIGTERM (they finish in-flight steps), or killed
 * with SIGKILL by the chaos scenarios (a real crash: their leases expire and others recover).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TextSink } from "../io.js";
import type { ProviderRun } from "./plugins.js";

/** Options of {@link spawnWorkers}. */
export interface SpawnWorkersOptions {
  readonly redis: string;
  readonly prefix: string;
  readonly count: number;
  readonly concurrency: number;
  readonly scenario: string;
  /** Durable store target (SQLite path or MongoDB URL) the workers externalize payloads to. */
  readonly store?: string;
  readonly db?: string;
  readonly out: TextSink;
  /** Give up waiting for the `ready` lines after this many ms. Default 60 000. */
  readonly readyTimeoutMs?: number;
}

/** One worker process. */
export interface ChildWorker {
  /** `demo-<n>`; the ledger's worker id is `<host>:<pid>:demo-<n>`. */
  readonly name: string;
  readonly pid: number;
  /** Ledger worker id, once ready. */
  readonly workerId: string;
  readonly process: ChildProcess;
}

/** The running worker processes. */
export interface ChildWorkers {
  readonly list: readonly ChildWorker[];
  /** Provider calls the processes reported (`run <json>` lines), in arrival order. */
  readonly runs: readonly ProviderRun[];
  /** SIGKILLs one (a crash: nothing reported, nothing released). */
  kill(worker: ChildWorker): void;
  /** SIGTERMs every live one and waits for it to exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/** How to start the CLI again: this module's sibling `bin` (source under tsx, or the build). */
function cliCommand(): { command: string; args: string[] } {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    const bin = fileURLToPath(new URL("../bin.ts", here));
    return {
      command: process.execPath,
      args: ["--conditions=@ordo/source", "--import", "tsx", bin],
    };
  }
  // Bundled by tsup: this code sits in a chunk next to dist/bin.js.
  return { command: process.execPath, args: [fileURLToPath(new URL("./bin.js", here))] };
}

/** Starts `count` worker processes and resolves once each printed its ready line. */
export async function spawnWorkers(options: SpawnWorkersOptions): Promise<ChildWorkers> {
  const { command, args } = cliCommand();
  const runs: ProviderRun[] = [];
  // Exits we caused (chaos kills, stop); any other exit is reported as a crash.
  const expected = new Set<ChildProcess>();
  const started = Array.from({ length: options.count }, (_, i) => {
    const name = `demo-${i + 1}`;
    const child = spawn(
      command,
      [
        ...args,
        "demo",
        options.scenario,
        "--serve-worker",
        name,
        "--redis",
        options.redis,
        "--prefix",
        options.prefix,
        "--concurrency",
        String(options.concurrency),
        ...(options.store === undefined ? [] : ["--store", options.store]),
        ...(options.db === undefined ? [] : ["--db", options.db]),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const ready = readyLine(child, options.readyTimeoutMs ?? 60_000);
    collectRuns(child, runs);
    return { name, child, ready };
  });
  const list: ChildWorker[] = [];
  try {
    for (const s of started) {
      const workerId = await s.ready;
      options.out.write(`[WORKER]    ${s.name} ready: process ${s.child.pid}, id ${workerId}\n`);
      list.push({ name: s.name, pid: s.child.pid ?? 0, workerId, process: s.child });
      reportDeath(s.name, s.child, expected, options.out);
    }
  } catch (error) {
    for (const s of started) s.child.kill("SIGKILL");
    throw error;
  }
  return {
    list,
    runs,
    kill: (worker) => {
      expected.add(worker.process);
      worker.process.kill("SIGKILL");
    },
    stop: () => {
      for (const w of list) expected.add(w.process);
      return Promise.all(list.map((w) => stopOne(w.process))).then(() => undefined);
    },
  };
}

/** Resolves with the worker id of the child's `ready <id>` line; rejects if it exits first. */
function readyLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    let errors = "";
    const timer = setTimeout(() => fail("did not start"), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`demo worker process ${child.pid} ${why}: ${errors.trim() || text.trim()}`));
    };
    child.stderr?.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /^ready (\S+)$/m.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => fail(`exited with code ${code}`));
  });
}

/** Prints a line (with the end of its stderr) when a worker process dies on its own. */
function reportDeath(
  name: string,
  child: ChildProcess,
  expected: ReadonlySet<ChildProcess>,
  out: TextSink,
): void {
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-2_000);
  });
  child.once("exit", (code, signal) => {
    if (expected.has(child)) return;
    out.write(
      `[WORKER]    ${name} (process ${child.pid}) exited unexpectedly (${signal ?? `code ${code}`})` +
        `${errors.trim() === "" ? "" : `: ${errors.trim()}`}\n`,
    );
  });
}

/** Parses the child's `run <json>` lines into `runs` (chunks may split lines). */
function collectRuns(child: ChildProcess, runs: ProviderRun[]): void {
  let rest = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("run ")) runs.push(JSON.parse(line.slice(4)) as ProviderRun);
    }
  });
}

async function stopOne(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
