/**
 * @packageDocumentation
 * `@ordo/runtime` — the Ordo engine: Lua-atomic DAG execution on Redis (or the embedded
 * engine), workers that run step plugins, and the client that starts and follows executions.
 *
 * @example
 * ```ts
 * import { createClient, createWorker } from "@ordo/runtime";
 * import { upper } from "./plugins.js";
 * import { pipelineIr } from "./pipeline.js";
 *
 * const connection = "redis://localhost:6379";
 * const worker = createWorker({ connection, plugins: [upper], concurrency: 20 });
 * const client = createClient({ connection });
 * const run = await client.start(pipelineIr, { text: "hello" });
 * console.log(await run.result());
 * await worker.close();
 * await client.close();
 * ```
 *
 * Without a Redis server: `createEmbeddedRuntime({ plugins })` (or omit `connection`: clients
 * and workers then share the process-wide embedded engine).
 */

export type { FollowedEvent } from "./control/events.js";
export type { ExecutionEvent, LedgerExecutionEvent } from "./control/follow-merge.js";
// Control plane: run queue, instance registry, admission, HTTP adapter.
export type {
  AdmissionDecision,
  AdmissionInstance,
  AdmissionKind,
  AdmissionOptions,
  AdmissionRequest,
  ControlEvent,
  ControlPlane,
  ControlPlaneOptions,
  DispatcherStats,
  ExecutionControl,
  FollowOptions,
  InstanceRecord,
  InstanceRegistration,
  InstanceRegistry,
  InstanceStatus,
  ListRunsOptions,
  QueuePressure,
  QueueStats,
  ReplayControl,
  RunAdmission,
  RunPage,
  RunQueue,
  RunRecord,
  RunRequest,
  RunStatus,
  RuntimeInstance,
  RuntimeInstanceOptions,
  ScaleRequest,
  ScalingMetrics,
  SubmitResult,
} from "./control/index.js";
export {
  controlKeys,
  createControlPlane,
  decideAdmission,
  newInstanceId,
  TERMINAL_RUN_STATUSES,
} from "./control/index.js";
// Durable store (MongoDB / SQLite) and ledger hash chain.
export type {
  AppendEventsResult,
  ChainProblemCode,
  ChainVerification,
  DurableStore,
  DurableStoreOptions,
  ExecutionSnapshot,
  LedgerEvent,
  LedgerHead,
  ListSnapshotsQuery,
  MetricPoint,
  MetricQuery,
  MongoStoreOptions,
  PayloadRef,
  PutPayloadOptions,
  ReadEventsQuery,
  RemovalResult,
  RetentionOptions,
  SnapshotSummary,
  SpanQuery,
  SpanRecord,
  SqliteStoreOptions,
  StepSnapshot,
  StoredPayload,
  UnchainedLedgerEvent,
  VerifyChainOptions,
} from "./durable/index.js";
export {
  chainEvents,
  DEFAULT_MAX_PAYLOAD_BYTES,
  GENESIS_HASH,
  hashLedgerEvent,
  isPayloadRef,
  openMongoStore,
  openSqliteStore,
  verifyChain,
} from "./durable/index.js";
// Embedded engine (Redis semantics in-process).
export type { EmbeddedArg, EmbeddedRedisOptions } from "./embedded/index.js";
export { EMBEDDED_COMMANDS, EmbeddedRedis } from "./embedded/index.js";
export type {
  Client,
  ClientOptions,
  PipelineSource,
  StartOptions,
} from "./engine/client.js";
export { createClient } from "./engine/client.js";
export type { ClientDurableOptions, WorkerDurableOptions } from "./engine/durable-options.js";
export type { EmbeddedRuntime, EmbeddedRuntimeOptions } from "./engine/embedded-runtime.js";
export { createEmbeddedRuntime } from "./engine/embedded-runtime.js";
export type {
  ControlOptions,
  PauseResult,
  SubmitInputOptions,
} from "./engine/execution-control.js";
export type {
  EventsOptions,
  ExecutionHandle,
  ExecutionState,
  ResultOptions,
  StepState,
} from "./engine/handle.js";
export type { HotLedgerEvent } from "./engine/ledger.js";
export { decodeLedgerEntry } from "./engine/ledger.js";
export type { ExternalizeLimits, ExternalPayload } from "./engine/payloads.js";
export { externalizeJson, isExternalPayload, PayloadResolver } from "./engine/payloads.js";
export type { ProgressOptions } from "./engine/progress.js";
export type { RetryDecision, StepErrorInfo } from "./engine/retry.js";
export { backoffDelayMs, decideRetry, seededUnit, toStepError } from "./engine/retry.js";
export type { StartManyOptions } from "./engine/start-many.js";
export type {
  ExecutionStatus,
  FingerprintStep,
  StatusGraphStep,
  StepStatus,
} from "./engine/state.js";
export { deriveExecutionStatus, executionFingerprint, isTerminalStep } from "./engine/state.js";
export type {
  CloseOptions,
  ThrottledStep,
  Worker,
  WorkerOptions,
  WorkerStats,
} from "./engine/worker.js";
export { createWorker } from "./engine/worker.js";
export type { Connection } from "./hot/connection.js";
export { defaultEmbeddedEngine } from "./hot/connection.js";
export type { EmbeddedRedisLike } from "./hot/embedded-store.js";
export type { HotStore, ScriptName } from "./hot/hot-store.js";
export {
  DEFAULT_PARTITIONS,
  DEFAULT_PREFIX,
  partitionOf,
} from "./hot/keys.js";
export type { ProgressEvent } from "./hot/progress.js";
export type { HttpAdapterOptions, HttpServer, HttpServerOptions } from "./http/index.js";
export { createHttpHandler, httpStatusOf, startHttpServer } from "./http/index.js";
// Ledger shipping (hot stream -> hash-chained durable ledger, terminal snapshots).
export type { LedgerShipper, LedgerShipperOptions, ShipResult } from "./ledger/index.js";
export { createLedgerShipper } from "./ledger/index.js";
export { LUA_SCRIPTS } from "./lua/bundle.generated.js";
// Observability: OTel API metrics and spans, built-in sink, summaries.
export type {
  AttemptInfo,
  AttemptOutcome,
  AttemptScope,
  ExecutionTraceIds,
  MetricSummary,
  ObservabilityOptions,
  TelemetryMode,
  TelemetrySinkOptions,
} from "./observability/index.js";
export {
  executionTraceIds,
  quantile,
  summarizeMetrics,
  Telemetry,
  TelemetrySink,
  traceparent,
} from "./observability/index.js";
// Replay: audit, restore, --against diff, rerun.
export type {
  AgainstReport,
  DurableOpsOptions,
  ReplayChecks,
  ReplayIssue,
  ReplayIssueCode,
  ReplayReport,
  ReplayStepReport,
  RerunOptions,
  RerunResult,
  RestoreResult,
  StepChange,
  StepDivergence,
  StepSnapshotExtra,
} from "./replay/index.js";
export {
  auditExecution,
  diffAgainst,
  rerunExecution,
  restoreExecution,
} from "./replay/index.js";
// Retention: evict/compact archived executions, durable TTL.
export type {
  ApplyRetentionOptions,
  RetentionConfig,
  RetentionPolicy,
  RetentionResult,
  RetentionSkipReason,
} from "./retention/index.js";
export { applyRetention, retentionPolicyFor } from "./retention/index.js";
export type {
  AdmissionPolicyChange,
  AdmissionPolicyRecord,
} from "./throttle/admission-policy.js";
export {
  AdmissionPolicies,
  AdmissionPolicyCache,
  parseAdmissionPolicy,
  policyDenial,
} from "./throttle/admission-policy.js";
export type { LimitDenial, LimitGrant, LimitUsage } from "./throttle/limiter.js";
export { Limiter } from "./throttle/limiter.js";
export type { LimitPlan, PlannedConcurrency, PlannedRate } from "./throttle/plan.js";
export { planLimits } from "./throttle/plan.js";
