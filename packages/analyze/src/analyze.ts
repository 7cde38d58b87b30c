/**
 * `analyzeFiles`: the engine of `ordo check`. For each pipeline module, without running step
 * code: (a) TypeScript diagnostics, (b) IR rules checked on the source (`static-checks.ts`), and
 * (c) optionally, import the module (pipeline modules are pure), compile its pipelines and map
 * every `validatePipeline` issue back to the source node of the step or input it is about.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type IrIssue, isOrdoError, OrdoError, type PipelineIR } from "@ordo/core";
import type { SourceFile, ts } from "ts-morph";
import { findPipelineChains, type PipelineChain } from "./chains.js";
import { type Diagnostic, diagnosticAt, sortDiagnostics } from "./diagnostic.js";
import { findPipelineFiles } from "./discover.js";
import { nodeForIssue, nodeForStep } from "./issue-map.js";
import { collectPipelines, compilePipelineExport } from "./pipelines.js";
import { createAnalysisProject, groupByTsconfig } from "./project.js";
import { checkChain } from "./static-checks.js";
import { typeDiagnostics } from "./type-diagnostics.js";

/** Options of {@link analyzeFiles}. */
export interface AnalyzeOptions {
  /** Directory relative paths are resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
  /** tsconfig.json to take compiler options from; default: the nearest one (see `project.ts`). */
  readonly tsconfig?: string;
  /** Compiler option overrides, e.g. `{ customConditions: ["@ordo/source"] }`. */
  readonly compilerOptions?: ts.CompilerOptions;
  /** Report TypeScript errors (a). Default true. */
  readonly typeCheck?: boolean;
  /** Import modules and validate their compiled IR (c). Default true. */
  readonly importModules?: boolean;
  /** How to import a module by absolute path; default dynamic `import()` (the CLI adds tsx). */
  readonly loadModule?: (path: string) => Promise<Record<string, unknown>>;
}

/**
 * Analyzes pipeline modules. `paths` may name files (checked as given) or directories (searched
 * with {@link findPipelineFiles}); empty means the current directory. Returns every diagnostic,
 * sorted by file and position; `severity: "error"` ones should fail a build.
 *
 * @throws OrdoError `USAGE` when a path does not exist.
 * @example
 * ```ts
 * import { analyzeFiles } from "@ordo/analyze";
 *
 * const diagnostics = await analyzeFiles(["src/pipelines"], { importModules: false });
 * for (const d of diagnostics) console.log(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`);
 * // src/pipelines/qa.pipeline.ts:12:40 error IR_BINDING_UNKNOWN_STEP step 'answer' binds to unknown step 'retrieve' (...)
 * ```
 */
export async function analyzeFiles(
  paths: readonly string[],
  options: AnalyzeOptions = {},
): Promise<Diagnostic[]> {
  const cwd = options.cwd ?? process.cwd();
  const files = await expandPaths(paths.length === 0 ? [cwd] : paths, cwd);
  if (files.length === 0) return [];
  const groups: [string | undefined, string[]][] =
    options.tsconfig === undefined
      ? [...groupByTsconfig(files)].map(([tsconfig, group]) => [tsconfig || undefined, group])
      : [[resolve(cwd, options.tsconfig), files]];
  const diagnostics: Diagnostic[] = [];
  for (const [tsconfig, group] of groups) {
    const project = createAnalysisProject(group, {
      ...(tsconfig === undefined ? {} : { tsconfig }),
      ...(options.compilerOptions === undefined
        ? {}
        : { compilerOptions: options.compilerOptions }),
    });
    for (const file of group) {
      diagnostics.push(...(await analyzeFile(project.getSourceFileOrThrow(file), options)));
    }
  }
  return sortDiagnostics(diagnostics);
}

async function expandPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const files = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined) {
      throw new OrdoError("USAGE", `cannot read '${path}': no such file or directory`, {
        details: { path },
      });
    }
    if (info.isDirectory()) for (const file of await findPipelineFiles(absolute)) files.add(file);
    else files.add(absolute);
  }
  return [...files];
}

async function analyzeFile(source: SourceFile, options: AnalyzeOptions): Promise<Diagnostic[]> {
  const out = options.typeCheck === false ? [] : typeDiagnostics(source);
  const chains = findPipelineChains(source);
  const staticFindings = chains.flatMap(checkChain);
  out.push(...staticFindings);
  // Only files with a pipeline() call are imported: a file that merely imports @ordo/sdk may be
  // anything (a worker, a script), and importing it could have effects.
  if (options.importModules !== false && chains.length > 0) {
    out.push(...(await validateByImport(source, chains, staticFindings, options)));
  }
  return out;
}

async function validateByImport(
  source: SourceFile,
  chains: readonly PipelineChain[],
  staticFindings: readonly Diagnostic[],
  options: AnalyzeOptions,
): Promise<Diagnostic[]> {
  const load = options.loadModule ?? ((path: string) => import(pathToFileURL(path).href));
  // The same problem found statically and by validation is reported once (the static finding
  // points at the exact node).
  const known = new Set(staticFindings.map((d) => `${d.line}:${d.code}`));
  const fresh = (d: Diagnostic): boolean => !known.has(`${d.line}:${d.code}`);
  let namespace: Record<string, unknown>;
  try {
    namespace = await load(source.getFilePath());
  } catch (error) {
    // The builder throws at import time on the first bad step; static analysis names them all.
    const codes = new Set(staticFindings.map((d) => d.code));
    return importFailure(error, source, chains, staticFindings.length > 0).filter(
      (d) => !codes.has(d.code),
    );
  }
  const out: Diagnostic[] = [];
  for (const found of collectPipelines(namespace)) {
    const compiled = compilePipelineExport(found);
    if (compiled.ok) continue;
    const chain = chainFor(source, chains, found.exportNames, found.value);
    for (const issue of compiled.issues) out.push(issueDiagnostic(issue, chain, undefined));
  }
  return out.filter(fresh);
}

function issueDiagnostic(
  issue: IrIssue,
  chain: PipelineChain,
  ir: PipelineIR | undefined,
): Diagnostic {
  return diagnosticAt(
    nodeForIssue(issue, chain, ir),
    issue.code,
    `${issue.message} (${issue.path})`,
  );
}

/**
 * A module that throws while being imported. Builder errors (`IR_*` with a step id) are placed at
 * that step; when static analysis already explained the file, other load errors are dropped.
 */
function importFailure(
  error: unknown,
  source: SourceFile,
  chains: readonly PipelineChain[],
  explained: boolean,
): Diagnostic[] {
  const chain = chains[0]!;
  if (isOrdoError(error) && error.code.startsWith("IR_")) {
    const node = nodeForStep(chain, error.details?.stepId);
    return [diagnosticAt(node, error.code, error.message)];
  }
  if (explained) return [];
  const reason = error instanceof Error ? error.message : String(error);
  return [
    diagnosticAt(
      source.getFirstDescendant() ?? chain.root,
      "MODULE_LOAD_FAILED",
      `importing the module failed: ${reason}`,
    ),
  ];
}

/** The chain an exported pipeline was built by: by export declaration, then by pipeline name. */
function chainFor(
  source: SourceFile,
  chains: readonly PipelineChain[],
  exportNames: readonly string[],
  value: unknown,
): PipelineChain {
  const exported = source.getExportedDeclarations();
  for (const name of exportNames) {
    for (const declaration of exported.get(name) ?? []) {
      const inside = chains.filter(
        (chain) =>
          chain.end.getPos() >= declaration.getPos() && chain.end.getEnd() <= declaration.getEnd(),
      );
      const longest = inside.sort((a, b) => b.steps.length - a.steps.length)[0];
      if (longest) return longest;
    }
  }
  const name = (value as { name?: unknown } | null)?.name;
  return chains.find((chain) => chain.name !== undefined && chain.name === name) ?? chains[0]!;
}
