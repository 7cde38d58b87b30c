/**
 * `ordo queue`: the shared run queue through the control-plane HTTP API (`ordo serve`), so the
 * CLI needs only a URL and a token, like any other API client. Also exports the small HTTP
 * client `ordo instances` uses.
 */
import { compilePipelineExport } from "@ordo/analyze";
import { OrdoError } from "@ordo/core";
import { defineCommand, EXIT, usageError } from "../command.js";
import type { CliIO } from "../io.js";
import { loadPipelineSource, resolvePath, selectPipeline } from "../load.js";
import { formatIssue, prettyJson } from "../output.js";

/** `--url` and `--token` of the control-plane commands. */
export const API_OPTIONS = {
  url: {
    type: "string",
    valueName: "URL",
    description: "Control-plane API (ordo serve). Default $ORDO_URL.",
  },
  token: {
    type: "string",
    valueName: "token",
    description: "Bearer token. Default $ORDO_TOKEN (prefer it: flags show in ps).",
  },
  json: { type: "boolean", description: "Print the API's JSON answer." },
} as const;

/** A call to the control-plane API; HTTP errors become OrdoErrors with the API's code. */
export type ApiCall = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** The API client of `--url`/`--token` (or `ORDO_URL`/`ORDO_TOKEN`). */
export function apiClient(values: { url?: string; token?: string }, command: string): ApiCall {
  const url = values.url ?? process.env.ORDO_URL;
  const token = values.token ?? process.env.ORDO_TOKEN;
  if (url === undefined || url === "")
    throw usageError(`${command}: --url (or ORDO_URL) is required`);
  if (token === undefined || token === "") {
    throw usageError(`${command}: --token (or ORDO_TOKEN) is required`);
  }
  const base = url.replace(/\/+$/, "");
  return async (method, path, body) => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new OrdoError("CONNECTION", `Cannot reach the control plane at ${base}.`, { cause });
    }
    const answer = (await res.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string };
    };
    if (!res.ok) {
      const code = answer.error?.code ?? "INTERNAL";
      throw new OrdoError(code, answer.error?.message ?? `HTTP ${res.status} from ${path}`);
    }
    return answer;
  };
}

/** Prints `value` as JSON, or `text(value)`. */
export function print(io: CliIO, json: boolean | undefined, value: unknown, text: string): void {
  io.stdout.write(json ? prettyJson(value) : text);
}

interface RunView {
  runId: string;
  status: string;
  priority: number;
  pipeline: string;
  executionId: string;
  tenant?: string;
  reason?: string;
}

const runLine = (r: RunView) =>
  `${r.runId}  ${r.status.padEnd(9)}  prio ${String(r.priority).padStart(5)}  ${r.pipeline}` +
  `  exec ${r.executionId}${r.tenant ? `  tenant ${r.tenant}` : ""}${r.reason ? `  (${r.reason})` : ""}\n`;

const enc = encodeURIComponent;
const SUBCOMMANDS = ["status", "list", "get", "cancel", "pause", "resume", "submit", "events"];

export const queueCommand = defineCommand({
  name: "queue",
  summary: "Inspect and control the shared run queue (via ordo serve).",
  usage: [
    "ordo queue status|list|events [--status s] [--tenant t] [--limit n]",
    "       ordo queue get|cancel <runId> [--reason text]",
    "       ordo queue pause|resume [--reason text]",
    "       ordo queue submit <module.ts|ir.json> [--input json] [--priority n] [--run-id id]",
    "       (all: --url URL --token token [--json])",
  ].join("\n"),
  description: [
    "Runs wait in Redis by priority (-1000..1000, higher first), then FIFO, until a runtime",
    "instance claims and starts them. Paused, nothing is claimed; enqueue still works.",
    "Cancel stops a queued run for good, or forwards the cancel to a running run's execution.",
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    status: { type: "string", valueName: "status", description: "list: only runs in this status." },
    tenant: { type: "string", valueName: "t", description: "list: tenant filter; submit: tenant." },
    limit: { type: "string", valueName: "n", description: "list/events: how many (default 100)." },
    reason: { type: "string", valueName: "text", description: "cancel/pause/resume: reason." },
    input: { type: "string", valueName: "json", description: "submit: pipeline input (JSON)." },
    priority: { type: "string", valueName: "n", description: "submit: priority (default 0)." },
    "run-id": { type: "string", valueName: "id", description: "submit: run id (default random)." },
    name: { type: "string", valueName: "export", description: "submit: pipeline export to use." },
  },
  positionals: { min: 1, max: 2 },
  async run({ values, positionals }, { io }) {
    const [sub, arg] = positionals;
    if (!SUBCOMMANDS.includes(sub!)) {
      throw usageError(`queue: unknown subcommand '${sub}'; use ${SUBCOMMANDS.join(", ")}`);
    }
    const needsArg = sub === "get" || sub === "cancel" || sub === "submit";
    if (needsArg !== (arg !== undefined)) {
      throw usageError(needsArg ? `queue ${sub}: missing argument` : `queue ${sub}: no argument`);
    }
    const api = apiClient(values, "queue");
    const reason = values.reason === undefined ? {} : { reason: values.reason };
    if (sub === "status") {
      const s = (await api("GET", "/queue")) as Record<string, unknown>;
      const text = `queue ${s.paused ? "paused" : "running"}: ${s.queued} queued, ${s.claimed} claimed, ${s.running} running, ${s.total} total\n`;
      print(io, values.json, s, text);
    } else if (sub === "list") {
      const query = new URLSearchParams();
      if (values.status) query.set("status", values.status);
      if (values.tenant) query.set("tenant", values.tenant);
      if (values.limit) query.set("limit", values.limit);
      const answer = (await api("GET", `/runs?${query}`)) as { runs: RunView[] };
      print(io, values.json, answer, answer.runs.map(runLine).join("") || "no runs\n");
    } else if (sub === "get" || sub === "cancel") {
      const run = (await (sub === "get"
        ? api("GET", `/runs/${enc(arg!)}`)
        : api("POST", `/runs/${enc(arg!)}/cancel`, reason))) as RunView;
      print(io, values.json, run, runLine(run));
    } else if (sub === "pause" || sub === "resume") {
      const answer = (await api("POST", `/queue/${sub}`, reason)) as { changed: boolean };
      const state = sub === "pause" ? "paused" : "resumed";
      print(
        io,
        values.json,
        answer,
        answer.changed ? `queue ${state}\n` : `queue already ${state}\n`,
      );
    } else if (sub === "events") {
      const answer = (await api("GET", `/queue/events?count=${values.limit ?? 100}`)) as {
        events: {
          id: string;
          type: string;
          runId?: string;
          instanceId?: string;
          reason?: string;
        }[];
      };
      const text = answer.events
        .map(
          (e) =>
            `${e.id}  ${e.type}  ${e.runId ?? e.instanceId ?? ""}${e.reason ? `  ${e.reason}` : ""}\n`,
        )
        .join("");
      print(io, values.json, answer, text);
    } else {
      return submit(io, api, arg!, values);
    }
    return EXIT.OK;
  },
});

async function submit(
  io: CliIO,
  api: ApiCall,
  file: string,
  values: {
    input?: string;
    priority?: string;
    tenant?: string;
    "run-id"?: string;
    name?: string;
    json?: boolean;
  },
): Promise<number> {
  const compiled = compilePipelineExport(
    selectPipeline(await loadPipelineSource(resolvePath(io.cwd, file), file), values.name, file),
  );
  if (!compiled.ok) {
    for (const issue of compiled.issues) io.stderr.write(formatIssue(file, issue));
    return EXIT.INVALID;
  }
  let input: unknown = {};
  if (values.input !== undefined) {
    try {
      input = JSON.parse(values.input);
    } catch {
      throw usageError("queue submit: --input must be JSON");
    }
  }
  const priority = values.priority === undefined ? undefined : Number(values.priority);
  if (priority !== undefined && !Number.isInteger(priority)) {
    throw usageError("queue submit: --priority must be an integer");
  }
  const answer = (await api("POST", "/runs", {
    pipeline: compiled.ir,
    input,
    ...(priority === undefined ? {} : { priority }),
    ...(values.tenant === undefined ? {} : { tenant: values.tenant }),
    ...(values["run-id"] === undefined ? {} : { runId: values["run-id"] }),
  })) as { runId: string; executionId: string; decision: { kind: string; reason: string } };
  const text = `queued ${answer.runId} (execution ${answer.executionId}): ${answer.decision.kind}, ${answer.decision.reason}\n`;
  print(io, values.json, answer, text);
  return EXIT.OK;
}
