/** `ordo rerun`: fork a recorded execution from a step, reusing the upstream outputs. */
import { rerunExecution } from "@ordo/runtime";
import { defineCommand, EXIT, usageError } from "../command.js";
import { prettyJson } from "../output.js";
import { DURABLE_OPTIONS, hotOptions, requireRedis, withStore } from "./durable.js";

export const rerunCommand = defineCommand({
  name: "rerun",
  summary: "Fork a recorded execution from a step, reusing upstream outputs.",
  usage:
    "ordo rerun <executionId> --from <stepId> --redis URL [--id newId] [--store path|url] [--json]",
  description: [
    "Validates the recorded execution (as `ordo replay`; refused when invalid), then creates a",
    "new execution on Redis in which the completed steps upstream of --from start completed",
    "with their recorded outputs (no plugin runs for them); --from and everything else runs",
    "again on the workers. Prints the new execution id.",
  ].join("\n"),
  options: {
    ...DURABLE_OPTIONS,
    from: { type: "string", valueName: "stepId", description: "The step to run again (required)." },
    id: {
      type: "string",
      valueName: "id",
      description: "Id of the new execution. Default random.",
    },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    if (values.from === undefined) throw usageError("rerun: --from <stepId> is required");
    requireRedis(values, "rerun");
    const from = values.from;
    return withStore(values, io, async (store) => {
      const fork = await rerunExecution({ ...hotOptions(values), store }, positionals[0]!, {
        from,
        ...(values.id === undefined ? {} : { executionId: values.id }),
      });
      io.stdout.write(
        values.json
          ? prettyJson(fork)
          : [
              `rerun ${fork.sourceId} from '${from}': new execution ${fork.executionId}`,
              `  reused  ${fork.reused.join(", ") || "-"}`,
              `  rerun   ${fork.rerun.join(", ")}`,
              "",
            ].join("\n"),
      );
      return EXIT.OK;
    });
  },
});
