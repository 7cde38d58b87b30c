/** `ordo compile`: a pipeline module (or IR JSON) to its canonical IR document. */
import { compilePipelineExport } from "@ordo/analyze";
import { defineCommand, EXIT } from "../command.js";
import { loadPipelineSource, resolvePath, selectPipeline } from "../load.js";
import { emit, formatIssue, prettyJson } from "../output.js";

export const compileCommand = defineCommand({
  name: "compile",
  summary: "Compile a pipeline module to its IR (JSON).",
  usage: "ordo compile <module.ts> [--out file] [--json] [--name export]",
  description: [
    "Imports the module (pipeline modules are pure: no step code runs), takes its pipeline",
    "exports (default and named: sdk builders or raw IR objects) and prints the IR as pretty JSON.",
    'With --json prints one object { "name", "version", "fingerprint", "ir" } instead.',
    "A module with several pipelines needs --name (an export name or a pipeline name), so the",
    "output is always exactly one document. Invalid pipelines print their issues and exit 1.",
  ].join("\n"),
  options: {
    out: { type: "string", short: "o", valueName: "file", description: "Write to a file." },
    json: { type: "boolean", description: "Print { name, version, fingerprint, ir }." },
    name: { type: "string", valueName: "export", description: "Pipeline to compile." },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const file = positionals[0]!;
    const path = resolvePath(io.cwd, file);
    const found = selectPipeline(await loadPipelineSource(path, file), values.name, file);
    const compiled = compilePipelineExport(found);
    if (!compiled.ok) {
      for (const issue of compiled.issues) io.stderr.write(formatIssue(file, issue));
      return EXIT.INVALID;
    }
    const { ir, fingerprint } = compiled;
    const document = values.json ? { name: ir.name, version: ir.version, fingerprint, ir } : ir;
    const out = values.out === undefined ? undefined : resolvePath(io.cwd, values.out);
    await emit(io, prettyJson(document), out);
    return EXIT.OK;
  },
});
