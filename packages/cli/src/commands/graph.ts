/** `ordo graph`: the DAG of a pipeline module or IR file as Mermaid or DOT text. */
import { compilePipelineExport } from "@ordo/analyze";
import { defineCommand, EXIT, usageError } from "../command.js";
import { loadPipelineSource, resolvePath, selectPipeline } from "../load.js";
import { emit, formatIssue } from "../output.js";
import { type GraphFormat, renderGraph } from "../render-graph.js";

const FORMATS: readonly GraphFormat[] = ["mermaid", "dot"];

export const graphCommand = defineCommand({
  name: "graph",
  summary: "Draw a pipeline's DAG as Mermaid or Graphviz DOT.",
  usage: "ordo graph <module.ts|ir.json> [--format mermaid|dot] [--name export] [--out file]",
  description: [
    "Nodes show step id and type; edges follow dependsOn. Steps whose trigger rule is not",
    "all_success show the rule on the node and on their (dashed) incoming edges.",
  ].join("\n"),
  options: {
    format: {
      type: "string",
      short: "f",
      valueName: "mermaid|dot",
      description: "Output format (default mermaid).",
    },
    name: { type: "string", valueName: "export", description: "Pipeline to draw." },
    out: { type: "string", short: "o", valueName: "file", description: "Write to a file." },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const format = (values.format ?? "mermaid") as GraphFormat;
    if (!FORMATS.includes(format)) {
      throw usageError(`graph: unknown --format '${values.format}'; use mermaid or dot`);
    }
    const file = positionals[0]!;
    const path = resolvePath(io.cwd, file);
    const compiled = compilePipelineExport(
      selectPipeline(await loadPipelineSource(path, file), values.name, file),
    );
    if (!compiled.ok) {
      for (const issue of compiled.issues) io.stderr.write(formatIssue(file, issue));
      return EXIT.INVALID;
    }
    const out = values.out === undefined ? undefined : resolvePath(io.cwd, values.out);
    await emit(io, renderGraph(compiled.ir, format), out);
    return EXIT.OK;
  },
});
