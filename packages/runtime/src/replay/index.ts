/**
 * Replay: terminal snapshots, the replay audit, restore into hot state, the `--against` diff and
 * reruns. Re-exported by name from the package entry.
 */
export type { ReplayChecks, ReplayReport, ReplayStepReport } from "./audit.js";
export { auditExecution } from "./audit.js";
export type { ReplayIssue, ReplayIssueCode } from "./checks.js";
export type { SnapshotSource, StepSnapshotExtra } from "./snapshot.js";
export { buildTerminalSnapshot } from "./snapshot.js";
