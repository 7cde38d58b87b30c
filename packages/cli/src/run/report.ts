/**
 * The outcome of an execution as `ordo run`, `ordo demo` and `ordo status` print it: a text block
 * for people, one JSON object for programs (`--json`), and the exit code.
 */
import type { JsonValue } from "@ordo/core";
import type { ExecutionState, ExecutionStatus } from "@ordo/runtime";
import { EXIT } from "../command.js";

/**
 * Exit codes of commands that report an execution: 0 completed, 1 failed, 3 cancelled. A run
 * still going (`ordo status` of a running execution) is 0.
 */
export const RUN_EXIT = {
  COMPLETED: EXIT.OK,
  FAILED: EXIT.INVALID,
  CANCELLED: EXIT.CANCELLED,
} as const;

/** The `--json` document of `ordo run` / `ordo status` / `ordo demo`. */
export interface RunReport {
  readonly executionId: string;
  readonly pipeline: string;
  readonly status: ExecutionStatus;
  /** Per step: status, attempts, output (when completed), last error (when any). */
  readonly steps: Readonly<
    Record<string, { status: string; attempt: number; output?: JsonValue; error?: JsonValue }>
  >;
  /** The pipeline's output mapping, when completed. */
  readonly output?: JsonValue;
  /** Execution fingerprint (terminal executions only). */
  readonly fingerprint?: string;
  readonly definitionFingerprint: string;
  /** From start to finish by the hot-state clock; absent while running. */
  readonly durationMs?: number;
}

/** Builds the report of a state (and the resolved output when it completed). */
export function buildReport(state: ExecutionState, output?: JsonValue): RunReport {
  const steps: Record<string, RunReport["steps"][string]> = {};
  for (const [id, step] of Object.entries(state.steps)) {
    steps[id] = {
      status: step.status,
      attempt: step.attempt,
      ...(step.output === undefined ? {} : { output: step.output }),
      ...(step.error === undefined ? {} : { error: step.error }),
    };
  }
  return {
    executionId: state.executionId,
    pipeline: state.pipeline,
    status: state.status,
    steps,
    ...(output === undefined ? {} : { output }),
    ...(state.fingerprint === undefined ? {} : { fingerprint: state.fingerprint }),
    definitionFingerprint: state.definitionFingerprint,
    ...(state.finishedAt === undefined ? {} : { durationMs: state.finishedAt - state.startedAt }),
  };
}

/** 0 completed (or still running), 1 failed, 3 cancelled. */
export function exitCodeOf(status: ExecutionStatus): number {
  if (status === "failed") return RUN_EXIT.FAILED;
  if (status === "cancelled") return RUN_EXIT.CANCELLED;
  return RUN_EXIT.COMPLETED;
}

/** The human-readable block printed after the progress lines. */
export function formatReport(report: RunReport): string {
  const steps = Object.values(report.steps);
  const count = (status: string) => steps.filter((step) => step.status === status).length;
  const retries = steps.reduce((sum, step) => sum + Math.max(0, step.attempt - 1), 0);
  const lines = [
    `status       ${report.status}  (${count("completed")}/${steps.length} steps completed` +
      `${count("failed") ? `, ${count("failed")} failed` : ""}` +
      `${count("skipped") ? `, ${count("skipped")} skipped` : ""}` +
      `${count("cancelled") ? `, ${count("cancelled")} cancelled` : ""}` +
      `, ${retries} ${retries === 1 ? "retry" : "retries"})`,
    `execution    ${report.executionId}  (pipeline ${report.pipeline})`,
  ];
  for (const [id, step] of Object.entries(report.steps)) {
    if (step.status === "failed") lines.push(`failed step  ${id}: ${errorText(step.error)}`);
  }
  if (report.output !== undefined) {
    const json = JSON.stringify(report.output, null, 2).replace(/\n/g, "\n             ");
    lines.push(`output       ${json}`);
  }
  if (report.fingerprint !== undefined)
    lines.push(`fingerprint  ${report.fingerprint}  (execution)`);
  lines.push(`definition   ${report.definitionFingerprint}  (definition fingerprint)`);
  if (report.durationMs !== undefined) lines.push(`duration     ${report.durationMs} ms`);
  return `${lines.join("\n")}\n`;
}

function errorText(error: JsonValue | undefined): string {
  if (error === undefined || error === null || typeof error !== "object" || Array.isArray(error)) {
    return JSON.stringify(error ?? null);
  }
  const { code, message } = error as { code?: unknown; message?: unknown };
  return `${typeof code === "string" ? code : "ERROR"} ${typeof message === "string" ? message : ""}`.trim();
}
