/**
 * The scenarios of `ordo demo`: a table, so a new scenario is one entry. A scenario says how many
 * in-process workers it wants and loads its pipeline, plugins and input when chosen (nothing is
 * imported for the scenarios that are not run).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonValue } from "@ordo/core";
import type { StepPlugin } from "@ordo/step";
import { usageError } from "../command.js";
import {
  chaosScenario,
  hitlScenario,
  jsonScenario,
  loaded,
  throttlingScenario,
} from "../demo/scenarios.js";
import type { CliIO } from "../io.js";
import { importModule } from "../load.js";
import { type LoadedPipeline, loadPipeline } from "./pipeline-input.js";
import { loadPluginModules } from "./plugins.js";

/** What a scenario runs. */
export interface DemoRun {
  readonly pipeline: LoadedPipeline;
  readonly plugins: readonly StepPlugin[];
  readonly input: JsonValue;
}

/** One entry of {@link DEMO_SCENARIOS}. */
export interface DemoScenario {
  readonly name: string;
  /** One line for `ordo demo --help` and the demo's header. */
  readonly summary: string;
  /** In-process workers (default of `--workers`) and steps each runs at once. */
  readonly workers: number;
  readonly concurrency: number;
  /** Loads the pipeline, its plugins and the input; `undefined` when the pipeline is invalid. */
  load(io: CliIO): Promise<DemoRun | undefined>;
  /** Waits for human input (the demo prompts for it, or takes `--answer`). */
  readonly humanInput?: boolean;
  /** After the run: snapshot to a scratch store, restore on a fresh engine, compare fingerprints. */
  readonly replay?: boolean;
  /** Workers killed mid-run (a crash), recovered by lease expiry. */
  readonly kills?: number;
  /**
   * Runs with a durable store (`--store`, default `.ordo/ordo.db`): large outputs externalized,
   * ledger and terminal snapshot shipped, then retention compacts and evicts the execution.
   */
  readonly durable?: boolean;
}

/**
 * The quick start example of the Ordo repository (`examples/quickstart`), found by walking up
 * from this file, so `npm run demo` runs exactly the code the example's README shows.
 */
async function loadQuickstart(io: CliIO): Promise<DemoRun | undefined> {
  const dir = findUp(join("examples", "quickstart", "src"));
  const pipelinePath = join(dir, "pipeline.ts");
  const pipeline = await loadPipeline(io, pipelinePath, "default");
  if (pipeline === undefined) return undefined;
  const plugins = await loadPluginModules(io.cwd, [join(dir, "plugins.ts")]);
  const sample = (await importModule(pipelinePath)).sampleInput as JsonValue | undefined;
  if (sample === undefined) throw usageError(`${pipelinePath} exports no sampleInput`);
  return { pipeline, plugins, input: sample };
}

function findUp(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw usageError(
        `demo: '${relative}' not found above ${dirname(fileURLToPath(import.meta.url))}; the demo ` +
          "runs the examples of an Ordo repository checkout (git clone, npm ci, npm run demo)",
      );
    }
    dir = parent;
  }
}

/**
 * Every demo scenario; the first is the default of `ordo demo`.
 *
 * @example
 * ```ts
 * import { DEMO_SCENARIOS } from "./demo-scenarios.js";
 * console.log(DEMO_SCENARIOS.map((s) => s.name)); // ["quickstart"]
 * ```
 */
export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  {
    name: "quickstart",
    summary:
      "8-step support-answer pipeline (examples/quickstart): ingest, 3 parallel steps, a flaky " +
      "provider retried by policy, compose, answer, audit",
    workers: 3,
    concurrency: 1,
    load: loadQuickstart,
  },
  {
    name: "json",
    summary:
      "12-step enterprise pipeline: retry of a transient provider error, a provider limited to " +
      "2 at once, 128 KB and 64 KB outputs stored durably (inline limit 512 B), ledger and " +
      "snapshot archived, then retention compacts and evicts the execution from hot state",
    workers: 3,
    concurrency: 2,
    durable: true,
    load: async () => loaded(jsonScenario()),
  },
  {
    name: "throttling-100",
    summary:
      "100 provider steps over openai, anthropic, google, mistral and cohere; openai limited " +
      "to 3 at once ([THROTTLED] lines), the others unthrottled",
    workers: 4,
    concurrency: 16,
    load: async () => loaded(throttlingScenario()),
  },
  {
    name: "chaos-100",
    summary:
      "100 steps fanned out over 10 workers (4 processes on --redis); 11 flaky provider steps retried; 2 workers killed and recovered; openai limit 3; snapshot, restore, fingerprint match",
    workers: 10,
    concurrency: 2,
    replay: true,
    kills: 2,
    load: async () => loaded(chaosScenario(100, 9, 3)),
  },
  {
    name: "chaos-500",
    summary:
      "500 steps fanned out over 30 workers (4 processes on --redis); 45 flaky provider steps retried; 5 workers killed and recovered; openai limit 12; snapshot, restore, fingerprint match",
    workers: 30,
    concurrency: 4,
    replay: true,
    kills: 5,
    load: async () => loaded(chaosScenario(500, 11, 12)),
  },
  {
    name: "hitl",
    summary: "draft, a human approval typed at the prompt (yes/no), then publish",
    workers: 1,
    concurrency: 2,
    humanInput: true,
    load: async () => loaded(hitlScenario()),
  },
];

/** The scenario called `name` (default: the first), or a usage error listing the names. */
export function findScenario(name: string | undefined): DemoScenario {
  const scenario =
    name === undefined ? DEMO_SCENARIOS[0] : DEMO_SCENARIOS.find((s) => s.name === name);
  if (scenario) return scenario;
  const names = DEMO_SCENARIOS.map((s) => s.name).join(", ");
  throw usageError(`demo: unknown scenario '${name}'; scenarios: ${names}`);
}
