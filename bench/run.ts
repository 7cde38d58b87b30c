/**
 * `npm run bench`: Ordo vs BullMQ side by side on one local redis-server.
 *
 * Usage: `npm run bench -- [--runs 3] [--quick] [--only chain,diamond]
 * [--systems ordo,bullmq,embedded] [--concurrency 50] [--no-write] [--profile <dir>]`.
 * Each (workload, system, run) executes in a fresh worker child (bench/child.ts); the order of
 * systems alternates between runs so neither always runs on a warmer machine. Prints one JSON line
 * per workload on stdout (progress goes to stderr) and writes bench/RESULTS.md, except with
 * `--quick` (smoke sizes) or `--no-write`. `REDIS_URL` selects an existing server instead of
 * spawning one.
 */
import { execFileSync, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import type { ChildMessage, RunRequest, RunResult, SystemName } from "./protocol.js";
import { SYSTEMS } from "./protocol.js";
import { type RedisServer, redisOptions, startRedis } from "./redis.js";
import { type RunMeta, renderMarkdown, summarize, type WorkloadSummary } from "./report.js";
import { buildWorkload, WORKLOAD_NAMES, type WorkloadName } from "./workloads.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** A run that takes longer than this is killed and reported as an error. */
const RUN_TIMEOUT_MS = 300_000;

interface Options {
  runs: number;
  quick: boolean;
  workloads: WorkloadName[];
  systems: SystemName[];
  concurrency: number;
  write: boolean;
  /** Directory for V8 CPU profiles of the children's timed windows, or null. */
  profileDir: string | null;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      systems: { type: "string", default: SYSTEMS.join(",") },
      concurrency: { type: "string", default: "50" },
      "no-write": { type: "boolean", default: false },
      profile: { type: "string" },
    },
  });
  const pick = <T extends string>(list: string, allowed: readonly T[], what: string): T[] =>
    list.split(",").map((item) => {
      if (!(allowed as readonly string[]).includes(item))
        throw new Error(`unknown ${what} '${item}': use ${allowed.join(", ")}`);
      return item as T;
    });
  return {
    runs: Math.max(1, Number(values.runs)),
    quick: values.quick,
    workloads: values.only ? pick(values.only, WORKLOAD_NAMES, "workload") : [...WORKLOAD_NAMES],
    systems: pick(values.systems, SYSTEMS, "system"),
    concurrency: Number(values.concurrency),
    write: !values["no-write"] && !values.quick,
    profileDir: values.profile ?? null,
  };
}

/** Forks bench/child.ts, sends the request, waits for its one message. */
function runChild(request: RunRequest, profileDir: string | null): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const child = fork(join(HERE, "child.ts"), [], {
      env: profileDir ? { ...process.env, ORDO_BENCH_PROFILE_DIR: profileDir } : process.env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let settled = false;
    const settle = (message: ChildMessage) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(message);
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      settle({ ok: false, error: `timed out after ${RUN_TIMEOUT_MS} ms` });
    }, RUN_TIMEOUT_MS);
    child.once("message", (message: ChildMessage) => settle(message));
    child.once("exit", (code) => settle({ ok: false, error: `worker child exited (${code})` }));
    child.send(request);
  });
}

/** One run on one line (stderr); numbers a system does not have (NaN, null over IPC) print "-". */
function progressLine(r: RunResult): string {
  const n = (v: number | null, digits = 0) =>
    v === null || !Number.isFinite(v) ? "-" : v.toFixed(digits);
  return (
    `${n(r.stepsPerSec)} steps/s (${n(r.wallMs)} ms, rss ${n(r.peakRssMb)} MiB, ` +
    `cpu/step worker ${n(r.workerCpuUsPerStep)} us redis ${n(r.redisCpuUsPerStep)} us, ` +
    `${n(r.clientCommandsPerStep, 2)} cmds/step: ${JSON.stringify(r.topCommands)})`
  );
}

async function measureWorkload(
  options: Options,
  server: RedisServer,
  admin: Redis,
  workload: WorkloadName,
): Promise<WorkloadSummary> {
  const spec = buildWorkload(workload, options.quick);
  const results: RunResult[] = [];
  const errors: string[] = [];
  for (let run = 0; run < options.runs; run++) {
    const order = run % 2 === 0 ? options.systems : [...options.systems].reverse();
    for (const system of order) {
      if (server.target.owned) await admin.flushall();
      const request: RunRequest = {
        system,
        workload,
        quick: options.quick,
        target: system === "embedded" ? null : server.target,
        prefix: `bench-${randomUUID().slice(0, 8)}`,
        concurrency: options.concurrency,
      };
      const message = await runChild(request, options.profileDir);
      if (message.ok) {
        results.push(message.result);
        console.error(`  ${workload} #${run + 1} ${system}: ${progressLine(message.result)}`);
      } else {
        errors.push(`${system} #${run + 1}: ${message.error.split("\n")[0]}`);
        console.error(`  ${workload} #${run + 1} ${system} FAILED:\n${message.error}`);
      }
    }
  }
  return summarize(workload, spec.label, spec.steps, options.runs, results, errors);
}

function versionOf(packageJson: string): string {
  try {
    return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function meta(options: Options, server: RedisServer): RunMeta {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: HERE }).toString().trim();
  } catch {}
  const root = join(HERE, "..");
  return {
    date: new Date().toISOString(),
    commit,
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    cpus: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    redis: server.version,
    bullmq: versionOf(join(root, "node_modules/bullmq/package.json")),
    ordo: versionOf(join(root, "packages/runtime/package.json")),
    runs: options.runs,
    concurrency: options.concurrency,
    quick: options.quick,
    transport: server.target.path ? "unix socket" : "REDIS_URL",
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const server = await startRedis();
  const admin = new Redis(redisOptions(server.target));
  const summaries: WorkloadSummary[] = [];
  try {
    for (const workload of options.workloads) {
      console.error(`${workload}:`);
      const summary = await measureWorkload(options, server, admin, workload);
      summaries.push(summary);
      console.log(JSON.stringify(summary));
    }
  } finally {
    admin.disconnect();
    await server.stop();
  }
  if (options.write) {
    const methodology = readFileSync(join(HERE, "METHODOLOGY.md"), "utf8");
    const markdown = renderMarkdown(meta(options, server), summaries, methodology);
    writeFileSync(join(HERE, "RESULTS.md"), markdown);
    console.error("wrote bench/RESULTS.md");
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
