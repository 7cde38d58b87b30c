/**
 * `ordo replay <id> --against <new IR>`: before deploying a new pipeline version, show where it
 * diverges from a recorded execution, step by step. Pure comparison of two IRs plus the recorded
 * step statuses; nothing runs.
 */
import {
  canonicalJson,
  definitionFingerprint,
  type PipelineIR,
  type StepIR,
  topologicalOrder,
} from "@ordo/core";
import type { ExecutionSnapshot } from "../durable/types.js";

/** What changed in a step. */
export type StepChange =
  | "added"
  | "removed"
  | "type"
  | "typeVersion"
  | "inputs"
  | "config"
  | "dependsOn"
  | "trigger"
  | "schemas"
  | "policies";

/** One step that differs between the recorded and the new definition. */
export interface StepDivergence {
  readonly stepId: string;
  readonly changes: readonly StepChange[];
  /** The step's status in the recorded execution (absent for an added step). */
  readonly recordedStatus?: string;
  /** True when the step completed in the recording: its recorded output no longer applies. */
  readonly affectsCompleted: boolean;
}

/** Result of {@link diffAgainst}. */
export interface AgainstReport {
  readonly executionId: string;
  readonly recordedDefinition: string;
  readonly newDefinition: string;
  /** Same definition fingerprint: nothing diverges. */
  readonly identical: boolean;
  /** Pipeline-level differences: `input` schema, `output` mapping, `policies`, `name`. */
  readonly pipelineChanges: readonly string[];
  /** Divergent steps in the new definition's topological order (removed steps last). */
  readonly divergences: readonly StepDivergence[];
  /** The first divergent step in topological order, if any. */
  readonly firstDivergence?: string;
  /** True when any divergence touches a step that completed in the recording. */
  readonly affectsCompleted: boolean;
}

const STEP_FIELDS: readonly (keyof StepIR & StepChange)[] = [
  "type",
  "typeVersion",
  "inputs",
  "config",
  "dependsOn",
  "trigger",
  "schemas",
  "policies",
];

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/**
 * Compares the recorded definition of `snapshot` with `next` at step granularity (bindings,
 * types, versions, schemas, policies, dependencies, triggers, config) and marks divergences of
 * steps that completed in the recording. Pipeline-level policy changes apply to every step and
 * are listed in `pipelineChanges`.
 *
 * @example
 * ```ts
 * const report = diffAgainst(snapshot, newIr);
 * for (const d of report.divergences) console.log(d.stepId, d.changes.join(","), d.recordedStatus);
 * ```
 */
export function diffAgainst(snapshot: ExecutionSnapshot, next: PipelineIR): AgainstReport {
  const recorded = snapshot.ir as PipelineIR;
  const before = new Map(recorded.steps.map((s) => [s.id, s]));
  const after = new Map(next.steps.map((s) => [s.id, s]));
  const divergences: StepDivergence[] = [];
  const push = (stepId: string, changes: StepChange[]) => {
    const recordedStatus = snapshot.steps[stepId]?.status;
    divergences.push({
      stepId,
      changes,
      ...(recordedStatus === undefined ? {} : { recordedStatus }),
      affectsCompleted: recordedStatus === "completed",
    });
  };
  for (const id of topologicalOrder(next)) {
    const old = before.get(id);
    const now = after.get(id)!;
    if (old === undefined) push(id, ["added"]);
    else {
      const changes = STEP_FIELDS.filter((f) => !same(old[f], now[f]));
      if (changes.length > 0) push(id, changes);
    }
  }
  for (const id of before.keys()) if (!after.has(id)) push(id, ["removed"]);
  const pipelineChanges = (["name", "input", "output", "policies"] as const).filter(
    (f) => !same(recorded[f], next[f]),
  );
  const newDefinition = definitionFingerprint(next);
  return {
    executionId: snapshot.executionId,
    recordedDefinition: snapshot.definitionFingerprint,
    newDefinition,
    identical: newDefinition === snapshot.definitionFingerprint,
    pipelineChanges,
    divergences,
    ...(divergences[0] === undefined ? {} : { firstDivergence: divergences[0].stepId }),
    affectsCompleted:
      divergences.some((d) => d.affectsCompleted) ||
      (pipelineChanges.includes("policies") &&
        Object.values(snapshot.steps).some((s) => s.status === "completed")),
  };
}
