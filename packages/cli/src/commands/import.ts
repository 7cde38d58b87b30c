/**
 * `ordo import`: reference-runtime pipeline JSON to Ordo IR files. The conversion itself is
 * `importReferencePipelines` in `@ordo/analyze` (a pure function other tools can call); this
 * command reads the file, prints issues and writes `<pipeline-name>.dag.json` files.
 */
import { join } from "node:path";
import { importReferencePipelines } from "@ordo/analyze";
import { defineCommand, EXIT } from "../command.js";
import { readJson, resolvePath } from "../load.js";
import { emit, formatIssue, prettyJson } from "../output.js";

export const importCommand = defineCommand({
  name: "import",
  summary: "Convert reference-runtime pipeline JSON to Ordo IR.",
  usage: "ordo import <reference.json> [--out-dir dir] [--json] [--type-version semver]",
  description: [
    "Reads a root array or { pipelines: [...] } in the reference runtime's format and converts",
    "each pipeline: bindings (state.x -> input.x, steps.<name>.result.data.<key> ->",
    "steps.<name>.output.<key>), retry, concurrency, retention, provider/model/operation metadata.",
    "Everything that cannot be mapped is reported as a warning with its JSON path.",
    "With --out-dir writes <pipeline-name>.dag.json files; otherwise prints the IR (one document,",
    "or a JSON array when the file has several pipelines). --json prints one object",
    "{ pipelines: [{ name, version, file, fingerprint, ir }], warnings, errors } instead.",
    "Exit 1 when a pipeline cannot be converted (the reference would reject it too).",
  ].join("\n"),
  options: {
    "out-dir": {
      type: "string",
      short: "o",
      valueName: "dir",
      description: "Write .dag.json files here.",
    },
    json: { type: "boolean", description: "Print one JSON object with IRs and issues." },
    "type-version": {
      type: "string",
      valueName: "semver",
      description: "typeVersion of every step (the reference has none; default 1.0.0).",
    },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const file = positionals[0]!;
    const document = await readJson(resolvePath(io.cwd, file), file);
    const typeVersion = values["type-version"];
    const result = importReferencePipelines(
      document,
      typeVersion === undefined ? {} : { typeVersion },
    );
    const errors = result.issues.filter((issue) => issue.severity === "error");
    const outDir =
      values["out-dir"] === undefined ? undefined : resolvePath(io.cwd, values["out-dir"]);
    const files = result.pipelines.map((p) =>
      outDir === undefined ? undefined : join(outDir, p.fileName),
    );
    if (outDir !== undefined && errors.length === 0) {
      for (const [index, imported] of result.pipelines.entries()) {
        await emit(io, prettyJson(imported.ir), files[index]);
      }
    }
    if (values.json) {
      const pipelines = result.pipelines.map((p, index) => ({
        name: p.name,
        version: p.version,
        file: files[index] ?? p.fileName,
        fingerprint: p.fingerprint,
        ir: p.ir,
      }));
      const strip = ({ code, path, message }: { code: string; path: string; message: string }) => ({
        code,
        path,
        message,
      });
      const warnings = result.issues.filter((issue) => issue.severity === "warning").map(strip);
      io.stdout.write(prettyJson({ pipelines, warnings, errors: errors.map(strip) }));
    } else {
      for (const issue of result.issues) io.stderr.write(formatIssue(file, issue, issue.severity));
      if (outDir === undefined && errors.length === 0) {
        const irs = result.pipelines.map((p) => p.ir);
        io.stdout.write(prettyJson(irs.length === 1 ? irs[0] : irs));
      } else if (outDir !== undefined && errors.length === 0) {
        for (const path of files) io.stderr.write(`wrote ${path}\n`);
      }
    }
    return errors.length > 0 ? EXIT.INVALID : EXIT.OK;
  },
});
