/** `ordo resume`: resume a paused execution. */
import { defineCommand, EXIT } from "../command.js";
import { prettyJson } from "../output.js";
import { CONTROL_OPTIONS, withClient } from "./control-common.js";

export const resumeCommand = defineCommand({
  name: "resume",
  summary: "Resume a paused execution.",
  usage: "ordo resume <executionId> --redis URL [--prefix name] [--reason text] [--json]",
  description: "Parked steps become ready again. Fails with WRONG_STATE when it is not paused.",
  options: CONTROL_OPTIONS,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const id = positionals[0]!;
    const ready = await withClient("resume", values, (client) =>
      client.resume(id, {
        requestedBy: "cli",
        ...(values.reason ? { reason: values.reason } : {}),
      }),
    );
    io.stdout.write(
      values.json
        ? prettyJson({ executionId: id, resumed: true, stepsReady: ready })
        : `${id}: resumed, ${ready} step(s) ready again\n`,
    );
    return EXIT.OK;
  },
});
