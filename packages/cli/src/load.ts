/**
 * Loading pipeline sources for the commands: TypeScript/JavaScript pipeline modules (imported;
 * pipeline modules are pure, so importing runs no step code) and IR JSON files.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { collectPipelines, type PipelineExport } from "@ordo/analyze";
import { isOrdoError, OrdoError } from "@ordo/core";
import { usageError } from "./command.js";

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);

/** Resolves `file` against the command's working directory. */
export function resolvePath(cwd: string, file: string): string {
  return isAbsolute(file) ? file : resolve(cwd, file);
}

/**
 * Reads a file as text; a missing or unreadable file is a usage error (exit 2). `shown` is the
 * path as the user typed it, used in messages.
 */
export async function readText(path: string, shown: string = path): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const reason =
      code === "ENOENT" ? "no such file" : error instanceof Error ? error.message : String(error);
    throw usageError(`cannot read '${shown}': ${reason}`, { path });
  }
}

/** Reads and parses a JSON file; unreadable or malformed JSON is a usage error (exit 2). */
export async function readJson(path: string, shown: string = path): Promise<unknown> {
  const text = await readText(path, shown);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw usageError(`'${shown}' is not valid JSON: ${reason}`, { path });
  }
}

/**
 * Imports a module by path. When the current process cannot load TypeScript (the published
 * binary runs on plain node), `.ts` files are loaded through tsx's scoped `tsImport`, which
 * registers no global hooks. Under `npm run ordo` or vitest, TypeScript already loads natively.
 */
export async function importModule(
  path: string,
  shown: string = path,
): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (!TS_EXTENSIONS.has(extname(path)) || !isUnknownExtension(error)) {
      throw loadFailed(path, shown, error);
    }
  }
  try {
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw loadFailed(path, shown, error);
  }
}

function isUnknownExtension(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "ERR_UNKNOWN_FILE_EXTENSION";
}

/**
 * Why a module did not load: a missing file is a usage error (exit 2); a builder that rejected a
 * step while the module was evaluated (an `IR_*` OrdoError) is a validation error (exit 1) and is
 * passed through; anything else is MODULE_LOAD_FAILED (exit 2).
 */
function loadFailed(path: string, shown: string, error: unknown): OrdoError {
  if (isOrdoError(error) && error.code.startsWith("IR_")) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (!existsSync(path)) return usageError(`cannot read '${shown}': no such file`, { path });
  return new OrdoError("MODULE_LOAD_FAILED", `cannot load '${shown}': ${reason}`, {
    details: { path },
    cause: error,
  });
}

/**
 * The pipelines of a source file: a module's pipeline exports, or the IR document(s) of a
 * `.json` file (one IR object or an array of them). Throws NO_PIPELINE_FOUND when there is none.
 */
export async function loadPipelineSource(
  path: string,
  shown: string = path,
): Promise<PipelineExport[]> {
  let found: PipelineExport[];
  if (extname(path) === ".json") {
    const json = await readJson(path, shown);
    const documents = Array.isArray(json) ? json : [json];
    found = documents.map((value, index) => ({
      exportNames: [Array.isArray(json) ? `[${index}]` : "default"],
      kind: "ir" as const,
      value,
    }));
  } else {
    found = collectPipelines(await importModule(path, shown));
  }
  if (found.length === 0) {
    throw new OrdoError(
      "NO_PIPELINE_FOUND",
      `'${shown}' exports no pipeline (a pipeline() builder or an IR object with "ordo": 1)`,
      { details: { path } },
    );
  }
  return found;
}

/**
 * Picks one pipeline: by `--name` (an export name, or the pipeline's `name` for IR values), or
 * the only one. Several without `--name` is a usage error listing the choices, so `--json`
 * output always has one shape (one object) and `--out` always writes one IR document.
 */
export function selectPipeline(
  found: readonly PipelineExport[],
  name: string | undefined,
  path: string,
): PipelineExport {
  if (name !== undefined) {
    const match = found.find(
      (entry) => entry.exportNames.includes(name) || irName(entry.value) === name,
    );
    if (match) return match;
    throw usageError(`'${path}' has no pipeline export '${name}'; found: ${listNames(found)}`);
  }
  if (found.length === 1) return found[0]!;
  throw usageError(
    `'${path}' exports ${found.length} pipelines; choose one with --name: ${listNames(found)}`,
  );
}

function irName(value: unknown): string | undefined {
  const name = (value as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
}

function listNames(found: readonly PipelineExport[]): string {
  return found.map((entry) => entry.exportNames.join("|")).join(", ");
}
