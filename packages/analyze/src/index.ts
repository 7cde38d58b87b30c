/**
 * @packageDocumentation
 * `@ordo/analyze` — static analysis of Ordo pipeline modules with ts-morph, and conversion of
 * reference-runtime pipeline JSON to Ordo IR. This is what `ordo check` and `ordo import` run.
 *
 * - {@link analyzeFiles}: TypeScript errors, IR rules checked on the source (duplicate ids,
 *   unknown/later `dependsOn` and bindings, cycles) and, optionally, `validatePipeline` of the
 *   compiled IR mapped back to source positions. No step code runs.
 * - {@link collectPipelines} / {@link compilePipelineExport}: the pipelines a module exports.
 * - {@link importReferencePipelines}: reference JSON (SEED-SPEC 2) to validated IR, with every
 *   unmapped field reported as a warning with its JSON path.
 *
 * @example
 * ```ts
 * import { analyzeFiles } from "@ordo/analyze";
 *
 * const diagnostics = await analyzeFiles(["src/qa.pipeline.ts"]);
 * const errors = diagnostics.filter((d) => d.severity === "error");
 * for (const d of errors) console.log(`${d.file}:${d.line}:${d.column} error ${d.code} ${d.message}`);
 * process.exitCode = errors.length > 0 ? 1 : 0;
 * ```
 */

export type { AnalyzeOptions } from "./analyze.js";
export { analyzeFiles } from "./analyze.js";
export type { Diagnostic } from "./diagnostic.js";
export { findPipelineFiles } from "./discover.js";
export type { ImportedPipeline, ImportOptions, ImportResult } from "./import/convert.js";
export { importReferencePipelines } from "./import/convert.js";
export type { ImportIssue } from "./import/reader.js";
export type { CompiledPipeline, PipelineExport } from "./pipelines.js";
export { collectPipelines, compilePipelineExport, isRawIr } from "./pipelines.js";
export type { ProjectOptions } from "./project.js";
export { DEFAULT_COMPILER_OPTIONS, findTsconfig } from "./project.js";
