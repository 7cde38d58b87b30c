/** `ordo status`: the state of one execution on Redis. */
import type { JsonValue } from "@ordo/core";
import { createClient } from "@ordo/runtime";
import { defineCommand, usageError } from "../command.js";
import { prettyJson } from "../output.js";
import { buildReport, exitCodeOf, formatReport, type RunReport } from "../run/report.js";

export const statusCommand = defineCommand({
  name: "status",
  summary: "Show the state of an execution on Redis.",
  usage: "ordo status <executionId> --redis URL [--prefix name] [--json]",
  description: [
    "Reads the execution from hot state: its status, each step's status, attempts, output and",
    "last error, the pipeline output (when completed) and the fingerprints.",
    "Exit 0 completed or running, 1 failed (or no such execution), 3 cancelled.",
  ].join("\n"),
  options: {
    redis: {
      type: "string",
      valueName: "URL",
      description: "Redis URL or socket path (required).",
    },
    prefix: { type: "string", valueName: "name", description: "Redis key prefix. Default ordo." },
    json: { type: "boolean", description: "Print one JSON object." },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    if (values.redis === undefined) {
      throw usageError(
        "status: --redis URL is required (embedded executions end with their process)",
      );
    }
    const client = createClient({
      connection: values.redis,
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    });
    try {
      const state = await client.status(positionals[0]!);
      const output =
        state.status === "completed"
          ? ((await client.handle(state.executionId).result()) as JsonValue)
          : undefined;
      const report = buildReport(state, output);
      io.stdout.write(
        values.json ? prettyJson(report) : formatSteps(report) + formatReport(report),
      );
      return exitCodeOf(report.status);
    } finally {
      await client.close();
    }
  },
});

/** One line per step: `  search    completed  attempt 1`. */
function formatSteps(report: RunReport): string {
  const entries = Object.entries(report.steps);
  const width = Math.max(4, ...entries.map(([id]) => id.length));
  return entries
    .map(
      ([id, step]) => `  ${id.padEnd(width)}  ${step.status.padEnd(9)}  attempt ${step.attempt}\n`,
    )
    .join("");
}
