/** `ordo worker`: run step plugins for executions on Redis until SIGINT/SIGTERM. */
import { defineCommand, EXIT, usageError } from "../command.js";
import { loadPluginModules } from "../run/plugins.js";
import { serveWorker } from "../run/serve-worker.js";
import { parseCount } from "../run/session.js";

export const workerCommand = defineCommand({
  name: "worker",
  summary: "Run step plugins for executions on Redis until SIGINT/SIGTERM.",
  usage:
    "ordo worker <plugin-modules...> --redis URL [--concurrency N] [--prefix name] [--id name]",
  description: [
    "Loads every defineStep plugin exported by the given modules (plugin values or arrays of",
    "them) and claims steps of those types from every partition on Redis. On SIGINT or SIGTERM",
    "it stops claiming, finishes in-flight steps (at most 30 s, then gives the rest back) and",
    "exits 0. Start executions with `ordo run ... --redis URL --workers 0` or the client API.",
  ].join("\n"),
  options: {
    redis: {
      type: "string",
      valueName: "URL",
      description: "Redis URL or socket path (required).",
    },
    concurrency: {
      type: "string",
      short: "c",
      valueName: "N",
      description: "Steps at once. Default 10.",
    },
    prefix: { type: "string", valueName: "name", description: "Redis key prefix. Default ordo." },
    id: {
      type: "string",
      valueName: "name",
      description: "Worker id in the ledger. Default host:pid:random.",
    },
  },
  positionals: { min: 1 },
  async run({ values, positionals }, { io }) {
    if (values.redis === undefined) {
      throw usageError("worker: --redis URL is required (an embedded engine cannot be shared)");
    }
    const plugins = await loadPluginModules(io.cwd, positionals);
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      await serveWorker(
        io,
        {
          redis: values.redis,
          plugins,
          concurrency: Math.max(1, parseCount("--concurrency", values.concurrency, 10)),
          ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
          ...(values.id === undefined ? {} : { workerId: values.id }),
        },
        stop.signal,
      );
      return EXIT.OK;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
});
