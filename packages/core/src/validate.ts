/**
 * Validation of a pipeline IR, built or loaded from JSON: every problem at once, each with a
 * stable code and a JSON path. Shape (zod), version, graph, bindings, types, inputs and config.
 */
import type { z } from "zod";
import { OrdoError } from "./errors.js";
import { IR_VERSION, type PipelineIR, pipelineIrSchema } from "./ir.js";
import { formatJsonPath } from "./json-path.js";
import { checkAdmission } from "./validate-admission.js";
import { checkGraph } from "./validate-graph.js";
import { checkPolicySet } from "./validate-policies.js";
import { checkSteps } from "./validate-steps.js";
import { type IrIssue, viewOf } from "./validate-view.js";

export type { IrIssue } from "./validate-view.js";

/** Result of {@link validatePipeline}. */
export type ValidationResult =
  | { readonly ok: true; readonly ir: PipelineIR; readonly issues: [] }
  | { readonly ok: false; readonly issues: IrIssue[] };

function shapeIssues(error: z.ZodError): IrIssue[] {
  const issues: IrIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      // Unknown fields inside any policy object are their own code: a misspelt retry setting is
      // the classic "silently ignored" bug (SEED-SPEC 18.17).
      const code = path.includes("policies") ? "IR_UNKNOWN_POLICY_FIELD" : "IR_UNKNOWN_FIELD";
      for (const key of issue.keys) {
        issues.push({
          code,
          path: formatJsonPath([...path, key]),
          message: `unknown field '${key}' at ${formatJsonPath(path)}; remove it or fix its spelling`,
        });
      }
      continue;
    }
    issues.push({
      code: "IR_INVALID",
      path: formatJsonPath(path),
      message: issue.message,
    });
  }
  return issues;
}

/**
 * Validate any value as a pipeline IR and collect all issues. Codes: `IR_VERSION_MISMATCH`
 * (reported alone: nothing else is meaningful for another format version), `IR_INVALID`,
 * `IR_UNKNOWN_FIELD`, `IR_UNKNOWN_POLICY_FIELD`, `IR_DUPLICATE_STEP_ID`,
 * `IR_UNKNOWN_DEPENDENCY`, `IR_SELF_DEPENDENCY`, `IR_CYCLE`, `IR_BINDING_INVALID`,
 * `IR_BINDING_UNKNOWN_STEP`, `IR_BINDING_NOT_ANCESTOR`, `IR_BINDING_UNKNOWN_FIELD`,
 * `IR_BINDING_TYPE_MISMATCH`, `IR_MISSING_REQUIRED_INPUT`, `IR_UNKNOWN_INPUT`,
 * `IR_INVALID_CONFIG`, `IR_UNKNOWN_OUTPUT_STEP`, `IR_INVALID_POLICY` (inconsistent built-in
 * policy values, e.g. a heartbeat not shorter than the lease), `IR_ADMISSION_DENIED` (a step's
 * provider, model or operation is refused by its pipeline's or its own admission policy). Graph and binding checks run even when the
 * shape is wrong, on whatever parts can be read. Custom policy configs are not checked here
 * (the SDK checks them against the registered policy).
 *
 * On success `ir` is the parsed IR with defaults applied (`trigger`, `config`, ...).
 *
 * @example
 * ```ts
 * import { validatePipeline } from "@ordo/core";
 * const result = validatePipeline(JSON.parse(text));
 * if (!result.ok) {
 *   for (const issue of result.issues) console.error(`${issue.code} ${issue.path}: ${issue.message}`);
 * }
 * ```
 */
export function validatePipeline(input: unknown): ValidationResult {
  if (typeof input === "object" && input !== null && "ordo" in input) {
    const version = (input as { ordo: unknown }).ordo;
    if (version !== IR_VERSION) {
      const issue: IrIssue = {
        code: "IR_VERSION_MISMATCH",
        path: "$.ordo",
        message: `the IR declares ordo version ${JSON.stringify(version)}, but this build reads version ${IR_VERSION}; recompile the pipeline with a matching @ordo/sdk or upgrade @ordo/core`,
      };
      return { ok: false, issues: [issue] };
    }
  }
  const parsed = pipelineIrSchema.safeParse(input);
  const issues = parsed.success ? [] : shapeIssues(parsed.error);
  const view = viewOf(parsed.success ? parsed.data : input);
  issues.push(
    ...checkGraph(view),
    ...checkSteps(view),
    ...checkPolicySet(view.policies, ["policies"]),
    ...checkAdmission(view),
  );
  for (const step of view.steps) {
    issues.push(...checkPolicySet(step.policies, ["steps", step.index, "policies"]));
  }
  if (parsed.success && issues.length === 0) return { ok: true, ir: parsed.data, issues: [] };
  return { ok: false, issues };
}

/**
 * Validate and return the IR, or throw.
 *
 * @throws OrdoError carrying the first issue's code, a message listing every issue, and
 *   `details.issues` holding them all (`IrIssue[]`).
 *
 * @example
 * ```ts
 * import { parsePipeline, isOrdoError } from "@ordo/core";
 * try {
 *   const ir = parsePipeline(JSON.parse(text));
 * } catch (error) {
 *   if (isOrdoError(error)) console.error(error.code, error.details?.issues);
 * }
 * ```
 */
export function parsePipeline(input: unknown): PipelineIR {
  const result = validatePipeline(input);
  if (result.ok) return result.ir;
  const [first] = result.issues;
  const lines = result.issues.map((issue) => `  ${issue.code} at ${issue.path}: ${issue.message}`);
  throw new OrdoError(
    first?.code ?? "IR_INVALID",
    `invalid pipeline IR (${result.issues.length} issue${result.issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
    { details: { issues: result.issues } },
  );
}
