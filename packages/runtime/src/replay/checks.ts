/**
 * Pure consistency checks of a recorded execution: its steps against the definition, the
 * dependency graph against the step states, and the ledger order against both. No I/O.
 */
import type { ExecutionSnapshot, LedgerEvent } from "../durable/types.js";
import type { PreparedDefinition } from "../engine/definition.js";
import {
  deriveExecutionStatus,
  isTerminalStep,
  type StatusGraphStep,
  type StepStatus,
} from "../engine/state.js";

/** Machine-readable problem codes of a replay audit. */
export type ReplayIssueCode =
  | "SNAPSHOT_NOT_FOUND"
  | "SNAPSHOT_NOT_TERMINAL"
  | "DEFINITION_INVALID"
  | "DEFINITION_MISMATCH"
  | "STEP_MISSING"
  | "STEP_UNKNOWN"
  | "STEP_STATE_INVALID"
  | "STATUS_MISMATCH"
  | "GRAPH_INCONSISTENT"
  | "OUTPUT_REF_MISSING"
  | "PAYLOAD_MISSING"
  | "PAYLOAD_HASH_MISMATCH"
  | "FINGERPRINT_MISSING"
  | "FINGERPRINT_MISMATCH"
  | "FINGERPRINT_UNVERIFIED"
  | "LEDGER_BROKEN"
  | "LEDGER_HEAD_MISMATCH"
  | "LEDGER_ORDER";

/** One problem found by a replay audit. */
export interface ReplayIssue {
  readonly code: ReplayIssueCode;
  readonly message: string;
  readonly stepId?: string;
  /** Ledger seq the problem shows at, for ledger issues. */
  readonly seq?: number;
}

const STATUSES = new Set<string>([
  "pending",
  "ready",
  "running",
  "retry",
  "throttled",
  "paused",
  "waiting",
  "completed",
  "failed",
  "skipped",
  "cancelled",
]);

/** Steps of the snapshot against the definition: presence, statuses, attempts, output refs. */
export function checkSteps(def: PreparedDefinition, snapshot: ExecutionSnapshot): ReplayIssue[] {
  const issues: ReplayIssue[] = [];
  for (const row of def.rows) {
    const step = snapshot.steps[row.id];
    if (step === undefined) {
      issues.push({
        code: "STEP_MISSING",
        stepId: row.id,
        message: `step '${row.id}' of the definition has no recorded state`,
      });
      continue;
    }
    if (!STATUSES.has(step.status) || !isTerminalStep(step.status as StepStatus)) {
      issues.push({
        code: "STEP_STATE_INVALID",
        stepId: row.id,
        message: `step '${row.id}' has non-terminal or unknown status '${step.status}' in a terminal snapshot`,
      });
    }
    if (!Number.isInteger(step.attempt) || step.attempt < 1) {
      issues.push({
        code: "STEP_STATE_INVALID",
        stepId: row.id,
        message: `step '${row.id}' has attempt ${step.attempt} (must be >= 1)`,
      });
    }
    if (step.status === "completed" && step.outputRef === undefined) {
      issues.push({
        code: "OUTPUT_REF_MISSING",
        stepId: row.id,
        message: `completed step '${row.id}' has no output reference`,
      });
    }
  }
  for (const id of Object.keys(snapshot.steps)) {
    if (!def.steps.has(id)) {
      issues.push({
        code: "STEP_UNKNOWN",
        stepId: id,
        message: `recorded step '${id}' is not in the definition`,
      });
    }
  }
  const graph = new Map<string, StatusGraphStep>(
    def.rows.map((r) => [r.id, { sink: r.sink, handled: r.handled }]),
  );
  const statuses = new Map<string, StepStatus>(
    def.rows.map((r) => [r.id, (snapshot.steps[r.id]?.status ?? "pending") as StepStatus]),
  );
  const derived = deriveExecutionStatus(statuses, graph, snapshot.status === "cancelled");
  if (derived !== snapshot.status) {
    issues.push({
      code: "STATUS_MISMATCH",
      message: `recorded status '${snapshot.status}' but the step states give '${derived ?? "running"}'`,
    });
  }
  return issues;
}

/** Whether a step with these dependency statuses may run (`true`), was skipped, or undecided. */
function verdict(trigger: string, deps: readonly string[]): "run" | "skip" | "undecided" {
  const completed = deps.filter((s) => s === "completed").length;
  const terminal = deps.filter((s) => isTerminalStep(s as StepStatus)).length;
  if (trigger === "all_success") {
    if (completed === deps.length) return "run";
    return deps.some((s) => isTerminalStep(s as StepStatus) && s !== "completed")
      ? "skip"
      : "undecided";
  }
  if (terminal < deps.length) return "undecided";
  return trigger === "all_done" || completed > 0 ? "run" : "skip";
}

/** Every step's status must follow from its dependencies' statuses and its trigger rule. */
export function checkGraph(def: PreparedDefinition, snapshot: ExecutionSnapshot): ReplayIssue[] {
  const issues: ReplayIssue[] = [];
  const cancelled = snapshot.status === "cancelled";
  for (const row of def.rows) {
    const status = snapshot.steps[row.id]?.status;
    if (status === undefined) continue;
    const deps = row.dependencies.map((d) => snapshot.steps[d]?.status ?? "missing");
    const v = verdict(row.trigger, deps);
    const ran = status === "completed" || status === "failed";
    const problem =
      (ran && v !== "run") ||
      (status === "skipped" && v !== "skip") ||
      (status === "cancelled" && !cancelled);
    if (problem) {
      issues.push({
        code: "GRAPH_INCONSISTENT",
        stepId: row.id,
        message: `step '${row.id}' is '${status}' but its dependencies (${row.dependencies.map((d, i) => `${d}=${deps[i]}`).join(", ") || "none"}) with trigger '${row.trigger}' do not allow it`,
      });
    }
  }
  return issues;
}

const STEP_END: Readonly<Record<string, string>> = {
  "step.completed": "completed",
  "step.reused": "completed",
  "step.failed": "failed",
  "step.skipped": "skipped",
  "step.cancelled": "cancelled",
};

/**
 * The ledger must tell the same story as the snapshot: each step's last terminal event matches
 * its status; a step is claimed only after all its dependencies ended; exactly one terminal
 * execution event, after every step ended, matching the status.
 */
export function checkLedgerOrder(
  def: PreparedDefinition,
  snapshot: ExecutionSnapshot,
  events: readonly LedgerEvent[],
): ReplayIssue[] {
  const issues: ReplayIssue[] = [];
  const ended = new Map<string, { status: string; seq: number }>();
  const terminalEvents = events.filter((e) =>
    /^execution\.(completed|failed|cancelled)$/.test(e.type),
  );
  for (const e of events) {
    const end = STEP_END[e.type];
    if (end !== undefined && e.stepId !== undefined)
      ended.set(e.stepId, { status: end, seq: e.seq });
    if (e.type === "step.claimed" && e.stepId !== undefined) {
      for (const dep of def.steps.get(e.stepId)?.dependsOn ?? []) {
        if (!ended.has(dep)) {
          issues.push({
            code: "LEDGER_ORDER",
            stepId: e.stepId,
            seq: e.seq,
            message: `step '${e.stepId}' was claimed at seq ${e.seq} before its dependency '${dep}' ended`,
          });
        }
      }
    }
  }
  for (const row of def.rows) {
    const recorded = snapshot.steps[row.id]?.status;
    const last = ended.get(row.id);
    if (recorded !== undefined && last?.status !== recorded) {
      issues.push({
        code: "LEDGER_ORDER",
        stepId: row.id,
        message: `step '${row.id}' is '${recorded}' in the snapshot but '${last?.status ?? "never ended"}' in the ledger`,
      });
    }
  }
  if (terminalEvents.length !== 1) {
    issues.push({
      code: "LEDGER_ORDER",
      message: `the ledger has ${terminalEvents.length} terminal execution events (expected 1)`,
    });
  } else {
    const fin = terminalEvents[0]!;
    if (fin.type !== `execution.${snapshot.status}`) {
      issues.push({
        code: "LEDGER_ORDER",
        seq: fin.seq,
        message: `the ledger finalized as '${fin.type}' but the snapshot says '${snapshot.status}'`,
      });
    }
    const late = [...ended].find(([, end]) => end.seq > fin.seq);
    if (late) {
      issues.push({
        code: "LEDGER_ORDER",
        stepId: late[0],
        seq: late[1].seq,
        message: `step '${late[0]}' ended at seq ${late[1].seq}, after the execution finalized at seq ${fin.seq}`,
      });
    }
  }
  return issues;
}
