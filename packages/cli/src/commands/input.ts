/** `ordo input`: answer a human-input step that waits. */
import type { JsonValue } from "@ordo/core";
import { defineCommand, EXIT } from "../command.js";
import { prettyJson } from "../output.js";
import { CONTROL_OPTIONS, withClient } from "./control-common.js";

function parseValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

export const inputCommand = defineCommand({
  name: "input",
  summary: "Answer a waiting human-input step.",
  usage:
    "ordo input <executionId> <stepId> <value> --redis URL [--prefix name] [--by who] [--json]",
  description: [
    "The value is JSON (a plain word is taken as a string) and must match the step's response",
    "schema (INPUT_INVALID). It is accepted once; a step that is not waiting gets",
    "INPUT_NOT_AWAITED.",
  ].join("\n"),
  options: {
    ...CONTROL_OPTIONS,
    by: { type: "string", valueName: "who", description: "Who answers (output.respondedBy)." },
  },
  positionals: { min: 3, max: 3 },
  async run({ values, positionals }, { io }) {
    const [id, stepId, raw] = positionals as [string, string, string];
    await withClient("input", values, (client) =>
      client.submitInput(id, stepId, parseValue(raw), values.by ? { respondedBy: values.by } : {}),
    );
    io.stdout.write(
      values.json
        ? prettyJson({ executionId: id, stepId, accepted: true })
        : `${id}: input for '${stepId}' accepted\n`,
    );
    return EXIT.OK;
  },
});
