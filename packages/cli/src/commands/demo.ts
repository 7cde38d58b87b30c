/** `ordo demo`: run a demo scenario end to end, embedded by default, with live progress. */
import { randomUUID } from "node:crypto";
import { defineCommand, EXIT } from "../command.js";
import { scheduleKills } from "../demo/chaos-kill.js";
import { attachControls } from "../demo/controls.js";
import { type ReplayCheck, replayCheck } from "../demo/replay-check.js";
import { throttleSummary } from "../demo/throttle-summary.js";
import { prettyJson } from "../output.js";
import { DEMO_SCENARIOS, findScenario } from "../run/demo-scenarios.js";
import { executeWithProgress } from "../run/execute.js";
import { assertPluginsCover } from "../run/plugins.js";
import { exitCodeOf, formatReport } from "../run/report.js";
import { openSession, parseCount } from "../run/session.js";

export const demoCommand = defineCommand({
  name: "demo",
  summary: "Run a demo pipeline end to end (embedded: no Redis, no MongoDB needed).",
  usage: "ordo demo [scenario] [--redis URL] [--workers N] [--answer JSON] [--json]",
  description: [
    "Runs a scenario with several in-process workers and prints every step event, a progress",
    "bar, the final status, the output, the execution and definition fingerprints, the duration",
    "and the steps each worker completed. Every step runs its plugin's code. Scenarios:",
    ...DEMO_SCENARIOS.map(
      (s) => `  ${s.name}${s === DEMO_SCENARIOS[0] ? " (default)" : ""}: ${s.summary}`,
    ),
    "On a terminal: space pauses/resumes, c cancels (y confirms). Human-input steps are asked",
    "at the prompt (or answered with --answer).",
    "Exit 0 completed, 1 failed, 3 cancelled.",
  ].join("\n"),
  options: {
    redis: {
      type: "string",
      valueName: "URL",
      description: "Run on Redis instead (URL or socket path).",
    },
    prefix: { type: "string", valueName: "name", description: "Redis key prefix. Default ordo." },
    workers: {
      type: "string",
      short: "w",
      valueName: "N",
      description: "In-process workers (scenario default).",
    },
    json: {
      type: "boolean",
      description: "Print one JSON object with the outcome (progress on stderr).",
    },
    answer: {
      type: "string",
      valueName: "JSON",
      description: "Answer human-input steps with this value instead of prompting.",
    },
  },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }, { io }) {
    const scenario = findScenario(positionals[0]);
    // --workers 0 only with --redis: external `ordo worker` processes run the steps.
    const least = values.redis === undefined ? 1 : 0;
    const workers = Math.max(least, parseCount("--workers", values.workers, scenario.workers));
    const loaded = await scenario.load(io);
    if (loaded === undefined) return EXIT.INVALID;
    const { ir, fingerprint } = loaded.pipeline;
    assertPluginsCover(ir, loaded.plugins);
    const out = values.json ? io.stderr : io.stdout;
    const engine =
      values.redis === undefined
        ? "embedded (in-process Lua engine; no Redis, no MongoDB)"
        : `Redis at ${values.redis}`;
    out.write(
      `Ordo demo '${scenario.name}': ${scenario.summary}\n` +
        `engine     ${engine}\n` +
        `workers    ${workers} in-process, ${scenario.concurrency} step(s) at a time each\n` +
        `pipeline   ${ir.name}@${ir.version}, ${ir.steps.length} steps, definition ${fingerprint}\n` +
        `input      ${JSON.stringify(loaded.input)}\n\n`,
    );
    const session = openSession({
      workers,
      concurrency: scenario.concurrency,
      plugins: loaded.plugins,
      ...(values.redis === undefined ? {} : { redis: values.redis }),
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    });
    const executionId = randomUUID();
    const detach = attachControls({
      client: session.client,
      executionId,
      out,
      keys: !values.json,
      ...(values.answer === undefined ? {} : { answer: values.answer }),
    });
    const stopKills =
      scenario.kills === undefined
        ? () => {}
        : scheduleKills({
            client: session.client,
            workers: session.workers,
            executionId,
            count: scenario.kills,
            at: 0.3,
            out,
          });
    try {
      const { report, printer } = await executeWithProgress({
        client: session.client,
        ir,
        input: loaded.input,
        progress: out,
        bar: true,
        executionId,
      });
      const throttling = await throttleSummary(session.client, ir, executionId);
      let replay: ReplayCheck | undefined;
      if (scenario.replay && report.status === "completed") {
        replay = await replayCheck(session.connection, session.prefix, session.client, executionId);
      }
      if (values.json) {
        io.stdout.write(
          prettyJson({
            scenario: scenario.name,
            ...report,
            workers: Object.fromEntries(printer.completedBy),
            ...(throttling.length === 0 ? {} : { throttling }),
            ...(replay === undefined ? {} : { replay }),
          }),
        );
      } else {
        const byWorker = [...printer.completedBy].map(([id, n]) => `${id}: ${n}`).join(", ");
        io.stdout.write(
          `\n${formatReport(report)}workers      ${byWorker || "-"} (steps completed)\n`,
        );
        for (const t of throttling) {
          io.stdout.write(
            `throttling   ${t.scope}: limit ${t.limit}, at most ${t.observedMax} at once, ` +
              `${t.throttled} throttled claim(s), limit ${t.respected ? "respected" : "EXCEEDED"}\n`,
          );
        }
        if (replay !== undefined) {
          const yes = (b: boolean) => (b ? "yes" : "NO");
          io.stdout.write(
            `replay       snapshot persisted ${yes(replay.snapshotPersisted)}, hot state lost ` +
              `(fresh engine), restored ${yes(replay.restored)}, fingerprint match ` +
              `${yes(replay.match)}\n`,
          );
          for (const issue of replay.issues) io.stdout.write(`  replay issue: ${issue}\n`);
        }
      }
      if (replay !== undefined && !replay.match) return EXIT.INVALID;
      if (throttling.some((t) => !t.respected)) return EXIT.INVALID;
      return exitCodeOf(report.status);
    } finally {
      detach();
      stopKills();
      await session.close();
    }
  },
});
