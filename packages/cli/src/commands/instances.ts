/** `ordo instances`: registered runtime instances through the control-plane HTTP API. */
import { defineCommand, EXIT, usageError } from "../command.js";
import { API_OPTIONS, apiClient, print } from "./queue.js";

interface InstanceView {
  instanceId: string;
  status: string;
  runSlots: number;
  runningRuns: number;
  claimedRuns: number;
  workerSlots: number;
  inFlightSteps: number;
  heartbeatAgeMs: number;
}

const line = (i: InstanceView) =>
  `${i.instanceId}  ${i.status.padEnd(8)}  runs ${i.runningRuns + i.claimedRuns}/${i.runSlots}` +
  `  steps ${i.inFlightSteps}/${i.workerSlots}  heartbeat ${i.heartbeatAgeMs} ms ago\n`;

const SUBCOMMANDS = ["list", "get", "drain", "undrain", "remove"];

export const instancesCommand = defineCommand({
  name: "instances",
  summary: "List, drain or remove runtime instances (via ordo serve).",
  usage: [
    "ordo instances list [--all]",
    "       ordo instances get|drain|undrain|remove <instanceId> [--reason text]",
    "       (all: --url URL --token token [--json])",
  ].join("\n"),
  description: [
    "Instances register in Redis and heartbeat; one whose heartbeat is late is 'stale' and the",
    "runs it had claimed go back to the queue. Drain: no new runs, started ones finish.",
    "Remove: unregister (status 'stopped', hidden unless --all; registering again reactivates).",
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    all: { type: "boolean", description: "list: include stopped instances." },
    reason: { type: "string", valueName: "text", description: "drain/undrain: reason." },
  },
  positionals: { min: 1, max: 2 },
  async run({ values, positionals }, { io }) {
    const [sub, id] = positionals;
    if (!SUBCOMMANDS.includes(sub!)) {
      throw usageError(`instances: unknown subcommand '${sub}'; use ${SUBCOMMANDS.join(", ")}`);
    }
    if ((sub === "list") !== (id === undefined)) {
      throw usageError(
        sub === "list" ? "instances list: no argument" : `instances ${sub}: missing <instanceId>`,
      );
    }
    const api = apiClient(values, "instances");
    if (sub === "list") {
      const answer = (await api("GET", `/instances${values.all ? "?all=1" : ""}`)) as {
        instances: InstanceView[];
      };
      print(io, values.json, answer, answer.instances.map(line).join("") || "no instances\n");
      return EXIT.OK;
    }
    const path = `/instances/${encodeURIComponent(id!)}`;
    const reason = values.reason === undefined ? {} : { reason: values.reason };
    const record = (await (sub === "get"
      ? api("GET", path)
      : sub === "remove"
        ? api("DELETE", path)
        : api("POST", `${path}/${sub}`, reason))) as InstanceView;
    print(io, values.json, record, line(record));
    return EXIT.OK;
  },
});
