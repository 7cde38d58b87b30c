/**
 * Admission policies of the IR against the steps they govern. A step's provider, model and
 * operation are static data, so a step its pipeline's (or its own) admission policy refuses is
 * reported here, at compile or load time (`IR_ADMISSION_DENIED`), instead of a run whose step
 * would wait forever.
 */
import { admissionSubjectOf, evaluateAdmission } from "./admission.js";
import type { PathSegment } from "./bindings.js";
import { formatJsonPath } from "./json-path.js";
import { type AdmissionPolicy, admissionPolicySchema } from "./policies.js";
import { type IrIssue, type PipelineView, viewOf } from "./validate-view.js";

function admissionOf(policies: unknown): AdmissionPolicy | undefined {
  if (typeof policies !== "object" || policies === null) return undefined;
  const raw = (policies as Record<string, unknown>).admission;
  if (raw === undefined) return undefined;
  // A malformed policy is reported by the shape check; it cannot refuse anything here.
  const parsed = admissionPolicySchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

function stringField(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === "string" ? value : undefined;
}

/** @internal `IR_ADMISSION_DENIED` issues: each step against its pipeline's and its own policy. */
export function checkAdmission(view: PipelineView): IrIssue[] {
  const pipelinePolicy = admissionOf(view.policies);
  const issues: IrIssue[] = [];
  for (const step of view.steps) {
    const levels: [AdmissionPolicy | undefined, PathSegment[], string][] = [
      [pipelinePolicy, ["policies", "admission"], "the pipeline's"],
      [admissionOf(step.policies), ["steps", step.index, "policies", "admission"], "its own"],
    ];
    const meta = step.metadata;
    const subject = admissionSubjectOf({
      provider: stringField(meta, "provider"),
      model: stringField(meta, "model"),
      operation: stringField(meta, "operation"),
    });
    for (const [policy, at, whose] of levels) {
      if (policy === undefined) continue;
      const refusal = evaluateAdmission(policy, subject);
      if (refusal === undefined) continue;
      const where = refusal.rule.startsWith("require")
        ? ["steps", step.index, "metadata"]
        : ["steps", step.index, "metadata", refusal.subject];
      const name = step.id === undefined ? `step ${step.index}` : `step '${step.id}'`;
      const why = refusal.reason === undefined ? "" : ` (${refusal.reason})`;
      issues.push({
        code: "IR_ADMISSION_DENIED",
        path: formatJsonPath(where),
        message: `${name}: ${refusal.message} by ${whose} admission policy, rule ${refusal.rule} at ${formatJsonPath([...at, refusal.rule])}${why}; change the step's metadata.${refusal.subject} or the policy`,
      });
    }
  }
  return issues;
}

/**
 * The `IR_ADMISSION_DENIED` issues of a pipeline alone (what `validatePipeline` reports for
 * admission). The runtime checks IRs it is handed directly with it, so a step its own IR refuses
 * never starts even when the IR skipped `validatePipeline`.
 *
 * @example
 * ```ts
 * import { admissionIssues } from "@ordo/core";
 * for (const issue of admissionIssues(ir)) console.error(issue.path, issue.message);
 * ```
 */
export function admissionIssues(ir: unknown): IrIssue[] {
  return checkAdmission(viewOf(ir));
}
