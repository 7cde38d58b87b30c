/**
 * A pipeline definition prepared for execution: the IR, its fingerprint, the rows the scripts
 * store per step (order, dependencies, dependents, trigger, lease, sink and handled flags) and
 * each step's effective policies. Built once per fingerprint and cached by clients and workers, so
 * no step transition parses the IR.
 */
import {
  admissionIssues,
  definitionFingerprint,
  OrdoError,
  type PipelineIR,
  POLICY_DEFAULTS,
  pipelineIrSchema,
  type RetryPolicy,
  type StepIR,
  type TimeoutPolicy,
} from "@ordo/core";
import type { DefinitionRow } from "../hot/scripts.js";

/** Effective policies of one step (step value wins field by field over the pipeline's). */
export interface StepPolicies {
  readonly retry: RetryPolicy;
  readonly timeout: TimeoutPolicy;
}

/** A definition ready to run. */
export interface PreparedDefinition {
  readonly ir: PipelineIR;
  readonly irJson: string;
  readonly fingerprint: string;
  readonly rows: readonly DefinitionRow[];
  readonly steps: ReadonlyMap<string, StepIR>;
  readonly policies: ReadonlyMap<string, StepPolicies>;
}

/** Kahn's algorithm; ties keep declaration order, so the order is deterministic. */
function topologicalIndex(ir: PipelineIR): Map<string, number> {
  const remaining = new Map(ir.steps.map((s) => [s.id, new Set(s.dependsOn).size]));
  const dependents = new Map<string, string[]>(ir.steps.map((s) => [s.id, []]));
  for (const s of ir.steps) for (const d of new Set(s.dependsOn)) dependents.get(d)?.push(s.id);
  const queue = ir.steps.filter((s) => remaining.get(s.id) === 0).map((s) => s.id);
  const index = new Map<string, number>();
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    index.set(id, i);
    for (const d of dependents.get(id) ?? []) {
      const left = remaining.get(d)! - 1;
      remaining.set(d, left);
      if (left === 0) queue.push(d);
    }
  }
  return index;
}

/** Merges retry and timeout policies: step over pipeline over defaults. */
export function effectivePolicies(ir: PipelineIR, step: StepIR): StepPolicies {
  const retry = {
    ...POLICY_DEFAULTS.retry,
    ...ir.policies?.retry,
    ...step.policies?.retry,
  } as RetryPolicy;
  const timeout = { ...ir.policies?.timeout, ...step.policies?.timeout } as TimeoutPolicy;
  return { retry, timeout };
}

/** Builds the rows the scripts store (see `lua/createExecution.lua`). */
export function definitionRows(ir: PipelineIR): DefinitionRow[] {
  const order = topologicalIndex(ir);
  const byId = new Map(ir.steps.map((s) => [s.id, s]));
  const dependents = new Map<string, string[]>(ir.steps.map((s) => [s.id, []]));
  for (const s of ir.steps) for (const d of new Set(s.dependsOn)) dependents.get(d)?.push(s.id);
  return ir.steps.map((s) => {
    const down = dependents.get(s.id)!;
    return {
      id: s.id,
      order: order.get(s.id) ?? 0,
      dependencies: [...new Set(s.dependsOn)],
      dependents: down,
      trigger: s.trigger,
      leaseMs: effectivePolicies(ir, s).timeout.leaseMs ?? 0,
      sink: down.length === 0,
      handled: down.some((d) => byId.get(d)?.trigger === "any_success"),
    };
  });
}

/**
 * Validates (zod, and the IR's admission policies) and prepares an IR. Throws `IR_INVALID` when
 * it does not match the schema, `IR_ADMISSION_DENIED` when a step violates an admission policy.
 */
export function prepareDefinition(input: PipelineIR): PreparedDefinition {
  const parsed = pipelineIrSchema.safeParse(input);
  if (!parsed.success) {
    throw new OrdoError("IR_INVALID", `The pipeline IR is invalid: ${parsed.error.message}`, {
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) },
    });
  }
  const ir = parsed.data;
  // An IR handed to the runtime without validatePipeline must not start a step its own admission
  // policy refuses (it would run unchecked): refuse it here, with the validator's message.
  const [denied] = admissionIssues(ir);
  if (denied !== undefined) {
    throw new OrdoError(denied.code, `${denied.message} (at ${denied.path})`, {
      details: { issues: admissionIssues(ir) },
    });
  }
  return {
    ir,
    irJson: JSON.stringify(ir),
    fingerprint: definitionFingerprint(ir),
    rows: definitionRows(ir),
    steps: new Map(ir.steps.map((s) => [s.id, s])),
    policies: new Map(ir.steps.map((s) => [s.id, effectivePolicies(ir, s)])),
  };
}
