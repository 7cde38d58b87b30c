/**
 * Replay: terminal snapshots, the replay audit, restore into hot state, the `--against` diff and
 * reruns. Re-exported by name from the package entry.
 */
export type { AgainstReport, StepChange, StepDivergence } from "./against.js";
export { diffAgainst } from "./against.js";
export type { ReplayChecks, ReplayReport, ReplayStepReport } from "./audit.js";
export { auditExecution } from "./audit.js";
export type { ReplayIssue, ReplayIssueCode } from "./checks.js";
export type { DurableOpsOptions } from "./context.js";
export type { RerunOptions, RerunResult } from "./rerun.js";
export { rerunExecution } from "./rerun.js";
export type { RestoreResult } from "./restore.js";
export { restoreExecution } from "./restore.js";
export type { SnapshotSource, StepSnapshotExtra } from "./snapshot.js";
export { buildTerminalSnapshot } from "./snapshot.js";
