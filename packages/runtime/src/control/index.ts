/**
 * The control plane of `@ordo/runtime`: a shared run queue (RunId level; priority then FIFO;
 * pause/resume; cancel queued or running runs), a runtime instance registry with heartbeats and
 * stale detection, admission with reasons, scale-out requests for autoscalers, and execution
 * control — all state in Redis (or the embedded engine), every transition one Lua script.
 *
 * @example
 * ```ts
 * import { createControlPlane, createWorker } from "@ordo/runtime";
 *
 * const connection = "redis://localhost:6379";
 * const worker = createWorker({ connection, plugins });
 * const control = createControlPlane({ connection });
 * const instance = await control.startInstance({ runSlots: 4 });
 * const { runId } = await control.submit({ pipeline, input: { question: "hi" } });
 * await control.queue.cancel(runId, "no longer needed");
 * await instance.close();
 * await control.close();
 * ```
 */
export type {
  AdmissionDecision,
  AdmissionInstance,
  AdmissionKind,
  AdmissionOptions,
  AdmissionRequest,
  QueuePressure,
} from "./admission.js";
export { decideAdmission } from "./admission.js";
export type {
  ControlPlane,
  ControlPlaneOptions,
  ExecutionControl,
  SubmitResult,
} from "./control-plane.js";
export { createControlPlane } from "./control-plane.js";
export type { DispatcherStats } from "./dispatcher.js";
export type { FollowOptions } from "./events.js";
export type { RuntimeInstance, RuntimeInstanceOptions } from "./instance.js";
export type { ControlKeys } from "./keys.js";
export { controlKeys } from "./keys.js";
export type { ControlEvent, ListRunsOptions, RunPage, RunQueue, RunRequest } from "./queue.js";
export type {
  InstanceRecord,
  InstanceStatus,
  QueueStats,
  RunAdmission,
  RunRecord,
  RunStatus,
} from "./records.js";
export { TERMINAL_RUN_STATUSES } from "./records.js";
export type { InstanceRegistration, InstanceRegistry } from "./registry.js";
export { newInstanceId } from "./registry.js";
export type { ReplayControl } from "./replay.js";
export type { ScaleRequest, ScalingMetrics } from "./scaling.js";
