/** Loading what `ordo run` executes: the pipeline (module or IR JSON) and its input. */

import { extname } from "node:path";
import { compilePipelineExport } from "@ordo/analyze";
import type { JsonValue, PipelineIR } from "@ordo/core";
import type { StepPlugin } from "@ordo/step";
import { usageError } from "../command.js";
import type { CliIO } from "../io.js";
import {
  importModule,
  loadPipelineSource,
  readJson,
  resolvePath,
  selectPipeline,
} from "../load.js";
import { formatIssue } from "../output.js";
import { pluginsIn } from "./plugins.js";

/** A compiled pipeline and the plugins its module exports (TS/JS modules only). */
export interface LoadedPipeline {
  readonly ir: PipelineIR;
  readonly fingerprint: string;
  readonly modulePlugins: readonly StepPlugin[];
}

/**
 * Loads and compiles one pipeline from `file`; prints the issues and returns `undefined` when it
 * is invalid (the caller exits 1).
 */
export async function loadPipeline(
  io: CliIO,
  file: string,
  name: string | undefined,
): Promise<LoadedPipeline | undefined> {
  const path = resolvePath(io.cwd, file);
  const found = selectPipeline(await loadPipelineSource(path, file), name, file);
  const compiled = compilePipelineExport(found);
  if (!compiled.ok) {
    for (const issue of compiled.issues) io.stderr.write(formatIssue(file, issue));
    return undefined;
  }
  // The module is already loaded (ESM cache): importing it again only reads its exports.
  const modulePlugins = extname(path) === ".json" ? [] : pluginsIn(await importModule(path, file));
  return { ir: compiled.ir, fingerprint: compiled.fingerprint, modulePlugins };
}

/** `--input <json>` or `--input-file <file>` (not both); `{}` when neither is given. */
export async function readRunInput(
  io: CliIO,
  inline: string | undefined,
  file: string | undefined,
): Promise<JsonValue> {
  if (inline !== undefined && file !== undefined) {
    throw usageError("give the input with --input or --input-file, not both");
  }
  if (file !== undefined) return (await readJson(resolvePath(io.cwd, file), file)) as JsonValue;
  if (inline === undefined) return {};
  try {
    return JSON.parse(inline) as JsonValue;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw usageError(`--input is not valid JSON: ${reason}`);
  }
}
