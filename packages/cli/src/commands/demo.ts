/** `ordo demo`: run a demo scenario end to end, embedded by default, with live progress. */
import { defineCommand } from "../command.js";
import { runDemo, serveWorkerMode } from "../demo/run-demo.js";
import { DEMO_SCENARIOS, findScenario } from "../run/demo-scenarios.js";

export const demoCommand = defineCommand({
  name: "demo",
  summary: "Run a demo pipeline end to end (embedded: no Redis, no MongoDB needed).",
  usage:
    "ordo demo [scenario] [--redis URL [--prefix name]] [--workers N] [--concurrency N] " +
    "[--store path|url] [--answer JSON] [--json]",
  description: [
    "Runs a scenario and prints every step event, a progress bar, the final status, the output,",
    "the execution and definition fingerprints, the duration and the steps each worker",
    "completed. Every step runs its plugin's code. Scenarios:",
    ...DEMO_SCENARIOS.map(
      (s) => `  ${s.name}${s === DEMO_SCENARIOS[0] ? " (default)" : ""}: ${s.summary}`,
    ),
    "Embedded (default): a private in-process engine and --workers in-process workers.",
    "--redis URL: hot state in Redis and --workers N worker *processes* (default up to 4),",
    "--concurrency steps each (default: the scenario's parallelism spread over them); use",
    "--prefix to keep parallel demos apart. --workers 0 leaves the steps to external",
    "`ordo worker` processes.",
    "json writes to a durable store (--store, default .ordo/ordo.db; or mongodb://... with",
    "--db): check it afterwards with `ordo replay <executionId>`.",
    "On a terminal: space pauses/resumes, c cancels (y confirms, any other key keeps it).",
    "Human-input steps are asked at the prompt (or answered with --answer); with stdin closed",
    "and no --answer the execution is cancelled instead of waiting.",
    "Exit 0 completed and every check passed, 1 failed or a check failed, 3 cancelled.",
  ].join("\n"),
  options: {
    redis: {
      type: "string",
      valueName: "URL",
      description: "Run on Redis with worker processes (URL or socket path).",
    },
    prefix: { type: "string", valueName: "name", description: "Redis key prefix. Default ordo." },
    workers: {
      type: "string",
      short: "w",
      valueName: "N",
      description: "Workers (in-process; processes with --redis). Default per scenario.",
    },
    concurrency: {
      type: "string",
      valueName: "N",
      description: "Steps each worker runs at once. Default per scenario.",
    },
    store: {
      type: "string",
      valueName: "path|url",
      description: "Durable store of the json scenario. Default .ordo/ordo.db.",
    },
    db: { type: "string", valueName: "name", description: "MongoDB database name. Default ordo." },
    json: {
      type: "boolean",
      description: "Print one JSON object with the outcome (progress on stderr).",
    },
    answer: {
      type: "string",
      valueName: "JSON",
      description: "Answer human-input steps with this value instead of prompting.",
    },
    "serve-worker": {
      type: "string",
      valueName: "name",
      description: "Internal: be one worker process of a --redis demo.",
    },
  },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }, { io }) {
    const scenario = findScenario(positionals[0]);
    if (values["serve-worker"] !== undefined) return serveWorkerMode(values, scenario, io);
    // Keys come from the real stdin; attachControls only reads it when it is a terminal.
    return runDemo(values, scenario, io, process.stdin);
  },
});
