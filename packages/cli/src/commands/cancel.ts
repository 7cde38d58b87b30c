/** `ordo cancel`: cancel an execution. */
import { defineCommand, EXIT } from "../command.js";
import { prettyJson } from "../output.js";
import { CONTROL_OPTIONS, withClient } from "./control-common.js";

export const cancelCommand = defineCommand({
  name: "cancel",
  summary: "Cancel an execution: waiting steps end now, running steps are aborted.",
  usage: "ordo cancel <executionId> --redis URL [--prefix name] [--reason text] [--json]",
  description: [
    "Steps not yet running end as cancelled at once; running steps get their AbortSignal; the",
    "execution is 'cancelled' as soon as none runs. Fails with WRONG_STATE when it is finished.",
  ].join("\n"),
  options: CONTROL_OPTIONS,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const id = positionals[0]!;
    const state = await withClient("cancel", values, async (client) => {
      await client.cancel(id, values.reason ?? "cancelled from the cli");
      return client.status(id);
    });
    io.stdout.write(
      values.json
        ? prettyJson({ executionId: id, status: state.status, cancelRequested: true })
        : `${id}: cancel requested, status ${state.status}\n`,
    );
    return EXIT.OK;
  },
});
