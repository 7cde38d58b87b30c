/**
 * The body of `ordo demo`: open the session (embedded workers, or worker processes on Redis),
 * run the scenario with live progress and keys, then its checks (throttling, chaos replay, the
 * json scenario's archive and retention) and the report.
 */
import { randomUUID } from "node:crypto";
import type { DurableStore } from "@ordo/runtime";
import { EXIT, usageError } from "../command.js";
import type { CliIO, TextSink } from "../io.js";
import { prettyJson } from "../output.js";
import type { DemoRun, DemoScenario } from "../run/demo-scenarios.js";
import { executeWithProgress } from "../run/execute.js";
import { assertPluginsCover } from "../run/plugins.js";
import { exitCodeOf, formatReport, type RunReport } from "../run/report.js";
import { parseCount } from "../run/session.js";
import {
  type ArchiveReport,
  archiveAndRetain,
  archiveOk,
  DEFAULT_DEMO_STORE,
  formatArchive,
  openDemoStore,
} from "./archive.js";
import { processTargets, scheduleKills, workerTargets } from "./chaos-kill.js";
import { attachControls, type ControlInput } from "./controls.js";
import { observeProviderRuns, type ProviderRun } from "./plugins.js";
import { type ReplayCheck, replayCheck } from "./replay-check.js";
import { type DemoSession, openDemoSession } from "./session.js";
import { type ThrottleSummary, throttleSummary } from "./throttle-summary.js";
import { serveDemoWorker } from "./worker-process.js";

/** Parsed options of `ordo demo`. */
export interface DemoValues {
  readonly redis?: string | undefined;
  readonly prefix?: string | undefined;
  readonly workers?: string | undefined;
  readonly concurrency?: string | undefined;
  readonly json?: boolean | undefined;
  readonly answer?: string | undefined;
  readonly store?: string | undefined;
  readonly db?: string | undefined;
  readonly "serve-worker"?: string | undefined;
}

/** Worker processes a `--redis` demo starts when `--workers` is not given. */
const DEFAULT_PROCESSES = 4;

/** Workers and steps each runs at once: on Redis, the scenario's total spread over processes. */
export function workerPlan(values: DemoValues, scenario: DemoScenario) {
  const total = scenario.workers * scenario.concurrency;
  if (values.redis === undefined) {
    const workers = parseCount("--workers", values.workers, scenario.workers);
    if (workers === 0) {
      throw usageError(
        "--workers 0 needs --redis: no external worker can reach an embedded engine",
      );
    }
    const concurrency = parseCount("--concurrency", values.concurrency, scenario.concurrency);
    return { workers, concurrency: Math.max(1, concurrency) };
  }
  const fallback = Math.min(scenario.workers, DEFAULT_PROCESSES);
  const workers = parseCount("--workers", values.workers, fallback);
  const spread = Math.ceil(total / Math.max(1, workers));
  return {
    workers,
    concurrency: Math.max(1, parseCount("--concurrency", values.concurrency, spread)),
  };
}

/** `--serve-worker <name>`: this process is one worker of a `--redis` demo (internal). */
export async function serveWorkerMode(
  values: DemoValues,
  scenario: DemoScenario,
  io: CliIO,
): Promise<number> {
  const loaded = await scenario.load(io);
  if (loaded === undefined || values.redis === undefined) return EXIT.INVALID;
  const durable =
    values.store === undefined ? undefined : await openDemoStore(io.cwd, values.store, values.db);
  try {
    await serveDemoWorker(io, {
      name: values["serve-worker"] ?? "demo",
      redis: values.redis,
      prefix: values.prefix ?? "ordo",
      concurrency: Math.max(1, parseCount("--concurrency", values.concurrency, 1)),
      plugins: loaded.plugins,
      ...(durable === undefined ? {} : { store: durable.store }),
    });
    return EXIT.OK;
  } finally {
    await durable?.store.close();
  }
}

/** What the demo found, for the report. */
interface Outcome {
  readonly report: RunReport;
  readonly completedBy: ReadonlyMap<string, number>;
  readonly throttling: readonly ThrottleSummary[];
  readonly replay?: ReplayCheck;
  readonly archive?: ArchiveReport;
}

/**
 * Runs `scenario` and prints its report; resolves with the exit code (0 completed and every
 * check passed, 1 failed or a check failed, 3 cancelled).
 */
export async function runDemo(
  values: DemoValues,
  scenario: DemoScenario,
  io: CliIO,
  input: ControlInput | undefined,
): Promise<number> {
  const loaded = await scenario.load(io);
  if (loaded === undefined) return EXIT.INVALID;
  assertPluginsCover(loaded.pipeline.ir, loaded.plugins);
  const out = values.json ? io.stderr : io.stdout;
  const plan = workerPlan(values, scenario);
  const durable = scenario.durable
    ? await openDemoStore(io.cwd, values.store ?? DEFAULT_DEMO_STORE, values.db)
    : undefined;
  try {
    printHeader(out, values, scenario, loaded, plan, durable?.target);
    const session = await openDemoSession({
      ...plan,
      plugins: loaded.plugins,
      scenario: scenario.name,
      out,
      ...(values.redis === undefined ? {} : { redis: values.redis }),
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
      ...(durable === undefined ? {} : { durable: { ...durable, db: values.db } }),
    });
    try {
      const outcome = await execute(session, values, scenario, loaded, out, input, durable?.store);
      return printOutcome(io, values, scenario, outcome, durable?.target);
    } finally {
      await session.close();
    }
  } finally {
    await durable?.store.close();
  }
}

async function execute(
  session: DemoSession,
  values: DemoValues,
  scenario: DemoScenario,
  loaded: DemoRun,
  out: TextSink,
  input: ControlInput | undefined,
  store: DurableStore | undefined,
): Promise<Outcome> {
  const { ir } = loaded.pipeline;
  const executionId = randomUUID();
  const detach = attachControls({
    client: session.client,
    executionId,
    out,
    keys: !values.json && input?.isTTY === true,
    ...(input === undefined ? {} : { input }),
    ...(values.answer === undefined ? {} : { answer: values.answer }),
  });
  const targets = session.children
    ? processTargets(session.children)
    : workerTargets(session.workers);
  const stopKills =
    scenario.kills === undefined
      ? () => {}
      : scheduleKills({
          client: session.client,
          targets,
          executionId,
          count: scenario.kills,
          at: 0.3,
          out,
        });
  // Provider calls of in-process workers (worker processes report theirs on stdout).
  const local: ProviderRun[] = [];
  const stopObserving = observeProviderRuns(executionId, (run) => local.push(run));
  try {
    const { report, printer } = await executeWithProgress({
      client: session.client,
      ir,
      input: loaded.input,
      progress: out,
      bar: true,
      executionId,
    });
    detach();
    const runs = session.children?.runs ?? local;
    const throttling = await throttleSummary(session.client, ir, executionId, runs);
    const completed = report.status === "completed";
    const replay =
      scenario.replay && completed
        ? await replayCheck(session.connection, session.prefix, session.client, executionId)
        : undefined;
    const archive =
      store !== undefined && completed
        ? await archiveAndRetain({ ...session, store, ir, executionId })
        : undefined;
    return {
      report,
      completedBy: printer.completedBy,
      throttling,
      ...(replay === undefined ? {} : { replay }),
      ...(archive === undefined ? {} : { archive }),
    };
  } finally {
    detach();
    stopKills();
    stopObserving();
  }
}

function printHeader(
  out: TextSink,
  values: DemoValues,
  scenario: DemoScenario,
  loaded: DemoRun,
  plan: { workers: number; concurrency: number },
  store: string | undefined,
): void {
  const { ir, fingerprint } = loaded.pipeline;
  const engine =
    values.redis === undefined
      ? "embedded (in-process Lua engine; no Redis, no MongoDB)"
      : `Redis at ${values.redis}, key prefix ${values.prefix ?? "ordo"}`;
  const where = values.redis === undefined ? "in-process" : "worker processes";
  out.write(
    `Ordo demo '${scenario.name}': ${scenario.summary}\n` +
      `engine     ${engine}\n` +
      (store === undefined ? "" : `durable    SQLite/MongoDB store ${store}\n`) +
      `workers    ${plan.workers} ${where}, ${plan.concurrency} step(s) at a time each\n` +
      `pipeline   ${ir.name}@${ir.version}, ${ir.steps.length} steps, definition ${fingerprint}\n` +
      `input      ${JSON.stringify(loaded.input)}\n\n`,
  );
}

function printOutcome(
  io: CliIO,
  values: DemoValues,
  scenario: DemoScenario,
  o: Outcome,
  store: string | undefined,
): number {
  const { report, throttling, replay, archive } = o;
  if (values.json) {
    io.stdout.write(
      prettyJson({
        scenario: scenario.name,
        ...report,
        workers: Object.fromEntries(o.completedBy),
        ...(throttling.length === 0 ? {} : { throttling }),
        ...(replay === undefined ? {} : { replay }),
        ...(archive === undefined ? {} : { archive }),
      }),
    );
  } else {
    const byWorker = [...o.completedBy].map(([id, n]) => `${id}: ${n}`).join(", ");
    io.stdout.write(`\n${formatReport(report)}workers      ${byWorker || "-"} (steps completed)\n`);
    for (const t of throttling) {
      io.stdout.write(
        `throttling   ${t.scope}: limit ${t.limit}, at most ${t.observedMax} at once, ` +
          `${t.throttled} throttled claim(s)${t.denied > 0 ? `, ${t.denied} denied by policy` : ""}, ` +
          `limit ${t.respected ? "respected" : "EXCEEDED"} ` +
          `(measured on ${t.measured})\n`,
      );
    }
    if (replay !== undefined) io.stdout.write(formatReplay(replay));
    if (archive !== undefined) {
      io.stdout.write(formatArchive(archive, report.executionId, store ?? DEFAULT_DEMO_STORE));
    }
  }
  if (replay !== undefined && !replay.match) return EXIT.INVALID;
  if (archive !== undefined && !archiveOk(archive)) return EXIT.INVALID;
  if (throttling.some((t) => !t.respected)) return EXIT.INVALID;
  return exitCodeOf(report.status);
}

function formatReplay(replay: ReplayCheck): string {
  const yes = (b: boolean) => (b ? "yes" : "NO");
  return (
    `replay       snapshot persisted ${yes(replay.snapshotPersisted)}, hot state lost ` +
    `(fresh engine), restored ${yes(replay.restored)}, fingerprint match ${yes(replay.match)}\n` +
    replay.issues.map((issue) => `  replay issue: ${issue}\n`).join("")
  );
}
