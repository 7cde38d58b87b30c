/** `ordo pause`: stop claiming new steps of an execution; running steps finish. */
import { defineCommand, EXIT } from "../command.js";
import { prettyJson } from "../output.js";
import { CONTROL_OPTIONS, withClient } from "./control-common.js";

export const pauseCommand = defineCommand({
  name: "pause",
  summary: "Pause an execution: nothing new starts, running steps finish.",
  usage: "ordo pause <executionId> --redis URL [--prefix name] [--reason text] [--json]",
  description: [
    "The execution reads 'pausing' while steps still run, then 'paused'. Pausing a paused",
    "execution changes nothing. Fails with WRONG_STATE when it is finished or being cancelled.",
  ].join("\n"),
  options: CONTROL_OPTIONS,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const id = positionals[0]!;
    const result = await withClient("pause", values, (client) =>
      client.pause(id, { requestedBy: "cli", ...(values.reason ? { reason: values.reason } : {}) }),
    );
    io.stdout.write(
      values.json
        ? prettyJson({ executionId: id, ...result })
        : `${id}: ${result.state}${result.alreadyPaused ? " (already paused)" : ""}, ${result.running} step(s) running\n`,
    );
    return EXIT.OK;
  },
});
