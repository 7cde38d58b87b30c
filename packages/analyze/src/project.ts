/**
 * The ts-morph Project used for analysis. Compiler options come from `options.tsconfig`, else the
 * nearest `tsconfig.json` above the first file that has `compilerOptions` (a solution-style config
 * with only `references` does not count), else defaults fit for ESM TypeScript on Node
 * (NodeNext, strict). Emit-related options are switched off: analysis never writes files.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { OrdoError } from "@ordo/core";
import { Project, ts } from "ts-morph";

/**
 * Compiler options used when no tsconfig.json applies.
 *
 * @example
 * ```ts
 * import { analyzeFiles, DEFAULT_COMPILER_OPTIONS } from "@ordo/analyze";
 * await analyzeFiles(["p.pipeline.ts"], { compilerOptions: { ...DEFAULT_COMPILER_OPTIONS, strict: false } });
 * ```
 */
export const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  resolveJsonModule: true,
};

/** Options that would make analysis write files or reject files outside a project's rootDir. */
const NO_EMIT: ts.CompilerOptions = {
  noEmit: true,
  rootDir: undefined,
  outDir: undefined,
  tsBuildInfoFile: undefined,
  composite: false,
  declaration: false,
  declarationMap: false,
  emitDeclarationOnly: false,
  incremental: false,
};

/** How to build the analysis project. */
export interface ProjectOptions {
  /** Path to a tsconfig.json; default: discovered (see module doc). */
  readonly tsconfig?: string;
  /** Overrides on top of the tsconfig, e.g. `{ customConditions: ["@ordo/source"] }`. */
  readonly compilerOptions?: ts.CompilerOptions;
}

/** Creates a Project holding `files` (absolute paths), configured as described in the module doc. */
export function createAnalysisProject(
  files: readonly string[],
  options: ProjectOptions = {},
): Project {
  const tsconfig =
    options.tsconfig ?? findTsconfig(files[0] === undefined ? process.cwd() : dirname(files[0]));
  const base = tsconfig === undefined ? DEFAULT_COMPILER_OPTIONS : readCompilerOptions(tsconfig);
  const project = new Project({
    compilerOptions: { ...base, ...options.compilerOptions, ...NO_EMIT },
    skipAddingFilesFromTsConfig: true,
  });
  for (const file of files) project.addSourceFileAtPath(file);
  return project;
}

/**
 * Files grouped by the tsconfig that applies to each (nearest one with compilerOptions), so a
 * package file is checked with its package's options and a loose script with the defaults.
 * Key `""` holds files no tsconfig applies to.
 */
export function groupByTsconfig(files: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const key = findTsconfig(dirname(file)) ?? "";
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  return groups;
}

/**
 * Nearest tsconfig.json at or above `dir` that declares compilerOptions (or extends another);
 * solution-style configs with only `references` are skipped.
 *
 * @example
 * ```ts
 * import { findTsconfig } from "@ordo/analyze";
 * findTsconfig("/repo/packages/app/src"); // "/repo/packages/app/tsconfig.json"
 * ```
 */
export function findTsconfig(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    const candidate = join(current, "tsconfig.json");
    if (existsSync(candidate) && hasCompilerOptions(candidate)) return candidate;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function hasCompilerOptions(path: string): boolean {
  const { config } = ts.readConfigFile(path, ts.sys.readFile);
  const raw = config as { compilerOptions?: unknown; extends?: unknown } | undefined;
  return raw?.compilerOptions !== undefined || raw?.extends !== undefined;
}

function readCompilerOptions(path: string): ts.CompilerOptions {
  const { config, error } = ts.readConfigFile(path, ts.sys.readFile);
  if (error) {
    const message = ts.flattenDiagnosticMessageText(error.messageText, " ");
    throw new OrdoError("USAGE", `cannot read tsconfig '${path}': ${message}`, {
      details: { path },
    });
  }
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(path), undefined, path);
  return parsed.options;
}
