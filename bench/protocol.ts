/**
 * What the bench parent and its worker children exchange over IPC, and what a system runner
 * returns. One child runs one (system, workload) measurement and exits, so its peak RSS is that
 * run's alone.
 */
import type { StepRecorder } from "./metrics.js";
import type { CommandMeter, RedisTarget } from "./redis.js";
import type { WorkloadName, WorkloadSpec } from "./workloads.js";

/** The systems compared. `embedded` is Ordo without Redis (in-process engine). */
export const SYSTEMS = ["ordo", "bullmq", "embedded"] as const;
export type SystemName = (typeof SYSTEMS)[number];

/**
 * Pause after connections are ready and before the timed window, ms, for both systems: lets the
 * worker reach its idle blocking wait so connection setup is not timed.
 */
export const SETTLE_MS = 200;

/** Parent -> child: run this once. */
export interface RunRequest {
  readonly system: SystemName;
  readonly workload: WorkloadName;
  readonly quick: boolean;
  /** Null for `embedded`. */
  readonly target: RedisTarget | null;
  /** Unique key prefix of this run (BullMQ prefix / Ordo namespace). */
  readonly prefix: string;
  readonly concurrency: number;
}

/** Child -> parent: one measurement. Times in ms, rates per second, memory in MiB. */
export interface RunResult {
  readonly system: SystemName;
  readonly workload: WorkloadName;
  readonly steps: number;
  readonly wallMs: number;
  readonly stepsPerSec: number;
  readonly depLatencyP50Ms: number;
  readonly depLatencyP99Ms: number;
  readonly flowP50Ms: number;
  readonly flowP99Ms: number;
  /** Commands this process sent through ioredis / steps (pipelined ones count one each). */
  readonly clientCommandsPerStep: number;
  /** Server `total_commands_processed` delta / steps (includes commands run inside Lua). */
  readonly serverCommandsPerStep: number;
  /** Top-level script calls (EVALSHA/EVAL/FCALL) / steps. */
  readonly scriptCallsPerStep: number;
  /** CPU time of the worker process in the measured window / steps, microseconds. */
  readonly workerCpuUsPerStep: number;
  /** CPU time of redis-server in the measured window / steps, microseconds. */
  readonly redisCpuUsPerStep: number;
  /** The most frequent commands sent, name -> count, for the report. */
  readonly topCommands: Readonly<Record<string, number>>;
  /** `process.resourceUsage().maxRSS` of the worker process at the end of the run. */
  readonly peakRssMb: number;
}

/** Child -> parent message. */
export type ChildMessage =
  | { readonly ok: true; readonly result: RunResult }
  | { readonly ok: false; readonly error: string };

/** What one timed (or warm-up) run of a system needs. */
export interface RunContext {
  readonly recorder: StepRecorder;
  /**
   * Call `begin()` right before submitting and `end()` right after the last completion: they
   * bracket the command counters (client meter and server INFO) and the CPU counters.
   */
  readonly measure: { begin(): Promise<void>; end(): Promise<void> };
}

/** What a system runner measured; the child derives the {@link RunResult} from it. */
export interface RawRun {
  /** Submit start to last completion, ms. */
  readonly wallMs: number;
  /** Key of each graph (same order as the workload's graphs) as used with the recorder. */
  readonly graphKeys: readonly string[];
  /** `performance.now()` at which each graph was submitted. */
  readonly submittedAt: readonly number[];
  /** Dependencies of a node in this system's model, for dependency->dependent latency. */
  depsOf(graphIndex: number, nodeId: string): readonly string[];
}

/**
 * A system under test, connected once per child and used for the warm-up and the timed run, so
 * the timed run sees warm connections, compiled code and known definitions (steady state).
 */
export interface SystemUnderTest {
  run(workload: WorkloadSpec, ctx: RunContext): Promise<RawRun>;
  close(): Promise<void>;
}

/** Connects a system; `meter` lets it name its scripts in the command counts. */
export type SystemFactory = (request: RunRequest, meter: CommandMeter) => Promise<SystemUnderTest>;
