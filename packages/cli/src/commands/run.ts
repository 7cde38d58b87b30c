/** `ordo run`: execute a pipeline (embedded by default, or on Redis) with live progress. */
import { defineCommand, EXIT, usageError } from "../command.js";
import { prettyJson } from "../output.js";
import { executeWithProgress } from "../run/execute.js";
import { loadPipeline, readRunInput } from "../run/pipeline-input.js";
import { assertPluginsCover, dedupePlugins, loadPluginModules } from "../run/plugins.js";
import { exitCodeOf, formatReport } from "../run/report.js";
import { openSession, parseCount } from "../run/session.js";

export const runCommand = defineCommand({
  name: "run",
  summary: "Run a pipeline to completion (embedded, or on Redis) with live progress.",
  usage:
    "ordo run <module.ts|ir.json> [--input <json>|--input-file f] [--plugins <modules...>] " +
    "[--redis URL] [--workers N] [--json]",
  description: [
    "Compiles the pipeline, starts one execution and follows it, printing one line per step",
    "event ([CLAIMED], [DONE], [RETRY], [FAILED], [SKIPPED], ...), then the final status, the",
    "output and the fingerprints. Embedded by default: a private in-process engine, no Redis.",
    "--plugins names modules whose exports are defineStep plugins (or arrays of them): list them",
    "after it (`--plugins a.ts b.ts`, the pipeline module first), repeat it, or separate them with",
    "commas. Plugins exported by the pipeline module itself count too.",
    "Every step type must have a plugin unless --workers 0, which only submits the execution and",
    "waits for external workers (`ordo worker`) on --redis.",
    "--json prints one object { executionId, status, steps, output, fingerprint, ... } on stdout",
    "(progress then goes to stderr). Exit 0 completed, 1 failed, 3 cancelled.",
  ].join("\n"),
  options: {
    input: { type: "string", short: "i", valueName: "json", description: "Input as JSON." },
    "input-file": { type: "string", valueName: "file", description: "Input from a JSON file." },
    plugins: {
      type: "string",
      short: "p",
      multiple: true,
      valueName: "modules",
      description: "Plugin module(s), comma-separated or repeated.",
    },
    redis: { type: "string", valueName: "URL", description: "Run on Redis (URL or socket path)." },
    prefix: { type: "string", valueName: "name", description: "Redis key prefix. Default ordo." },
    workers: {
      type: "string",
      short: "w",
      valueName: "N",
      description: "In-process workers. Default 2.",
    },
    concurrency: {
      type: "string",
      valueName: "N",
      description: "Steps per worker at once. Default 4.",
    },
    name: {
      type: "string",
      valueName: "export",
      description: "Pipeline to run (several exported).",
    },
    "execution-id": {
      type: "string",
      valueName: "id",
      description: "Execution id. Default random.",
    },
    json: { type: "boolean", description: "Print one JSON object with the outcome." },
    quiet: { type: "boolean", short: "q", description: "No progress lines." },
  },
  // `--plugins a.ts b.ts`: parseArgs leaves `b.ts` as a positional; after the pipeline module,
  // positionals are more plugin modules, and only when --plugins was given.
  positionals: { min: 1 },
  async run({ values, positionals }, { io }) {
    const [file, ...morePlugins] = positionals as [string, ...string[]];
    if (morePlugins.length > 0 && values.plugins === undefined) {
      throw usageError(
        `run: unexpected argument '${morePlugins[0]}' (one pipeline module; plugin modules go after --plugins)`,
      );
    }
    const workers = parseCount("--workers", values.workers, 2);
    const concurrency = Math.max(1, parseCount("--concurrency", values.concurrency, 4));
    const loaded = await loadPipeline(io, file, values.name);
    if (loaded === undefined) return EXIT.INVALID;
    const input = await readRunInput(io, values.input, values["input-file"]);
    const plugins = dedupePlugins([
      ...loaded.modulePlugins,
      ...(await loadPluginModules(io.cwd, [...(values.plugins ?? []), ...morePlugins])),
    ]);
    if (workers > 0) assertPluginsCover(loaded.ir, plugins);
    const session = openSession({
      workers,
      concurrency,
      plugins,
      ...(values.redis === undefined ? {} : { redis: values.redis }),
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    });
    try {
      const progress = values.quiet ? undefined : values.json ? io.stderr : io.stdout;
      const { report } = await executeWithProgress({
        client: session.client,
        ir: loaded.ir,
        input,
        progress,
        ...(values["execution-id"] === undefined ? {} : { executionId: values["execution-id"] }),
      });
      io.stdout.write(values.json ? prettyJson(report) : formatReport(report));
      return exitCodeOf(report.status);
    } finally {
      await session.close();
    }
  },
});
