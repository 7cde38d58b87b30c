/** `ordo check`: static analysis of pipeline modules (no step code runs). */
import { relative } from "node:path";
import { analyzeFiles } from "@ordo/analyze";
import { defineCommand, EXIT } from "../command.js";
import { importModule } from "../load.js";
import { formatDiagnostic } from "../output.js";

export const checkCommand = defineCommand({
  name: "check",
  summary: "Type-check and validate pipeline modules without running step code.",
  usage: "ordo check [paths...] [--tsconfig file] [--condition name] [--no-import] [--json]",
  description: [
    "Paths are files or directories (default: the current directory, where *.pipeline.ts files",
    "and .ts files importing @ordo/sdk are checked; node_modules, build output and tests skipped).",
    "Reports (a) TypeScript errors, (b) IR rules found in the source: duplicate step ids,",
    "dependsOn and bindings ($.steps.<id>) to unknown or later steps, cycles, and (c) the",
    "validation issues of the compiled IR, each as 'file:line:col error CODE message'.",
    "Compiler options: --tsconfig, else the nearest tsconfig.json, else NodeNext defaults.",
    "Exit 1 when any error is found.",
  ].join("\n"),
  options: {
    tsconfig: { type: "string", valueName: "file", description: "tsconfig.json to use." },
    condition: {
      type: "string",
      short: "C",
      multiple: true,
      valueName: "name",
      description: "Extra export condition for module resolution (repeatable).",
    },
    "no-import": {
      type: "boolean",
      description: "Do not import modules to validate their compiled IR (static only).",
    },
    "no-types": { type: "boolean", description: "Skip TypeScript diagnostics." },
    json: { type: "boolean", description: "Print the diagnostics as a JSON array." },
  },
  positionals: { min: 0 },
  async run({ values, positionals }, { io }) {
    const conditions = [...processConditions(), ...(values.condition ?? [])];
    const diagnostics = await analyzeFiles(positionals, {
      cwd: io.cwd,
      ...(values.tsconfig === undefined ? {} : { tsconfig: values.tsconfig }),
      ...(conditions.length === 0 ? {} : { compilerOptions: { customConditions: conditions } }),
      importModules: values["no-import"] !== true,
      typeCheck: values["no-types"] !== true,
      loadModule: importModule,
    });
    const shown = diagnostics.map((d) => ({ ...d, file: displayPath(io.cwd, d.file) }));
    const errors = shown.filter((d) => d.severity === "error").length;
    if (values.json) {
      io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    } else {
      for (const diagnostic of shown) io.stdout.write(formatDiagnostic(diagnostic));
      const warnings = shown.length - errors;
      io.stderr.write(`ordo check: ${errors} error(s), ${warnings} warning(s)\n`);
    }
    return errors > 0 ? EXIT.INVALID : EXIT.OK;
  },
});

function displayPath(cwd: string, file: string): string {
  const path = relative(cwd, file);
  return path.startsWith("..") ? file : path;
}

/**
 * Export conditions this process was started with (`node --conditions=@ordo/source ...`, as
 * `npm run ordo` does in the Ordo repo), so type resolution matches runtime resolution.
 */
function processConditions(): string[] {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  const conditions: string[] = [];
  args.forEach((arg, index) => {
    const inline = /^(?:--conditions|-C)=(.+)$/.exec(arg);
    if (inline?.[1]) conditions.push(inline[1]);
    else if ((arg === "--conditions" || arg === "-C") && args[index + 1])
      conditions.push(args[index + 1]!);
  });
  return conditions;
}
