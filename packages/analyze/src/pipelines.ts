/**
 * Finding pipelines among a module's exports and turning each into validated IR.
 *
 * A pipeline export is either an sdk builder (`isPipelineBuilder`, compiled with `.compile()`) or
 * a raw IR object (`ordo === 1`, validated with `validatePipeline`). Importing a pipeline module
 * runs no step code (pipeline modules are pure), so this is safe to do in `ordo check`/`compile`.
 */
import {
  definitionFingerprint,
  type IrIssue,
  isOrdoError,
  type OrdoError,
  type PipelineIR,
  validatePipeline,
} from "@ordo/core";
import { isPipelineBuilder } from "@ordo/sdk";

/** One pipeline found in a module's exports. */
export interface PipelineExport {
  /** Export names bound to this pipeline (`default` and/or named), first one preferred. */
  readonly exportNames: readonly string[];
  readonly kind: "builder" | "ir";
  readonly value: unknown;
}

/** Result of compiling one {@link PipelineExport}. */
export type CompiledPipeline =
  | {
      readonly ok: true;
      readonly exportName: string;
      readonly ir: PipelineIR;
      readonly fingerprint: string;
    }
  | { readonly ok: false; readonly exportName: string; readonly issues: readonly IrIssue[] };

/**
 * True for a raw IR document (any object with `ordo: 1`; validity is checked later).
 *
 * @example
 * ```ts
 * import { isRawIr } from "@ordo/analyze";
 * isRawIr(JSON.parse(text)); // true for a compiled .dag.json document
 * ```
 */
export function isRawIr(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { ordo?: unknown }).ordo === 1;
}

/**
 * Pipelines exported by a module namespace: the default export and named exports, each value
 * once (an object exported under two names is listed once with both names).
 *
 * @example
 * ```ts
 * import { collectPipelines } from "@ordo/analyze";
 * const found = collectPipelines(await import("./triage.pipeline.js"));
 * console.log(found.map((p) => p.exportNames[0])); // ["default", "triage"]
 * ```
 */
export function collectPipelines(namespace: Readonly<Record<string, unknown>>): PipelineExport[] {
  const found: { exportNames: string[]; kind: "builder" | "ir"; value: unknown }[] = [];
  const names = Object.keys(namespace).sort((a, b) =>
    a === "default" ? -1 : b === "default" ? 1 : a.localeCompare(b),
  );
  for (const name of names) {
    const value = namespace[name];
    const kind = isPipelineBuilder(value) ? "builder" : isRawIr(value) ? "ir" : undefined;
    if (kind === undefined) continue;
    const existing = found.find((entry) => entry.value === value);
    if (existing) existing.exportNames.push(name);
    else found.push({ exportNames: [name], kind, value });
  }
  return found;
}

/**
 * Compiles a builder or validates a raw IR; invalid pipelines yield their issues instead of
 * throwing. Errors other than validation errors (a bug in the module) are rethrown.
 *
 * @example
 * ```ts
 * import { collectPipelines, compilePipelineExport } from "@ordo/analyze";
 * const [first] = collectPipelines(await import("./triage.pipeline.js"));
 * const result = compilePipelineExport(first!);
 * if (result.ok) console.log(result.fingerprint);
 * ```
 */
export function compilePipelineExport(found: PipelineExport): CompiledPipeline {
  const exportName = found.exportNames[0] ?? "default";
  if (found.kind === "ir") {
    const result = validatePipeline(found.value);
    return result.ok
      ? { ok: true, exportName, ir: result.ir, fingerprint: definitionFingerprint(result.ir) }
      : { ok: false, exportName, issues: result.issues };
  }
  try {
    const ir = (found.value as { compile(): PipelineIR }).compile();
    return { ok: true, exportName, ir, fingerprint: definitionFingerprint(ir) };
  } catch (error) {
    const issues = isOrdoError(error) ? issuesFromError(error) : undefined;
    if (issues === undefined) throw error;
    return { ok: false, exportName, issues };
  }
}

/**
 * Issues carried by a builder error. `compile()` puts `IrIssue`s in `details.issues`; errors thrown
 * while a step is added may carry other shapes there, so each entry is normalised.
 */
function issuesFromError(error: OrdoError): IrIssue[] | undefined {
  if (!error.code.startsWith("IR_")) return undefined;
  const fallbackPath = typeof error.details?.path === "string" ? error.details.path : "$";
  const raw = error.details?.issues;
  if (!Array.isArray(raw) || raw.length === 0) {
    return [{ code: error.code as IrIssue["code"], path: fallbackPath, message: error.message }];
  }
  return raw.map((entry: unknown) => {
    const issue = (typeof entry === "object" && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    const code =
      typeof issue.code === "string" && issue.code.startsWith("IR_") ? issue.code : error.code;
    const path = typeof issue.path === "string" ? issue.path : fallbackPath;
    const message = typeof issue.message === "string" ? issue.message : error.message;
    return { code: code as IrIssue["code"], path, message };
  });
}
