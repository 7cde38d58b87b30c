/** `ordo validate`: every validation error of an IR JSON document. */
import { definitionFingerprint, validatePipeline } from "@ordo/core";
import { defineCommand, EXIT } from "../command.js";
import { readJson, resolvePath } from "../load.js";
import { formatIssue, prettyJson } from "../output.js";

export const validateCommand = defineCommand({
  name: "validate",
  summary: "Validate an IR JSON file and list every error.",
  usage: "ordo validate <ir.json> [--json]",
  description: [
    "Checks schema, version, graph (duplicates, unknown dependencies, cycles), bindings and",
    "required inputs, and prints all errors at once as '<file> <json-path> error <CODE> <message>'.",
    'With --json prints one object { "valid", "fingerprint"?, "errors": [{ code, path, message }] }',
    "(fingerprint only when valid). Exit 1 when the document is invalid.",
  ].join("\n"),
  options: {
    json: { type: "boolean", description: "Print one JSON object instead of lines." },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const file = positionals[0]!;
    const result = validatePipeline(await readJson(resolvePath(io.cwd, file), file));
    if (values.json) {
      const errors = result.issues.map(({ code, path, message }) => ({ code, path, message }));
      const fingerprint = result.ok ? { fingerprint: definitionFingerprint(result.ir) } : {};
      io.stdout.write(prettyJson({ valid: result.ok, ...fingerprint, errors }));
    } else if (result.ok) {
      io.stdout.write(`${file}: valid (${result.ir.steps.length} steps)\n`);
    } else {
      for (const issue of result.issues) io.stdout.write(formatIssue(file, issue));
      io.stderr.write(`${file}: ${result.issues.length} error(s)\n`);
    }
    return result.ok ? EXIT.OK : EXIT.INVALID;
  },
});
