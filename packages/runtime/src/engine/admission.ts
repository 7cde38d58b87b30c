/**
 * What happens between a claim and a plugin's `run()`: a human-input step starts waiting for its
 * answer instead of running; other steps pass the deployment's admission policy, then take all
 * their limits (or none). A denied step goes back to the partition's `delayed` set for its
 * retry-after (ledger `policy.denied` when the admission policy refused it, `concurrency.denied`
 * when a limit did), without spending an attempt, so no worker spins on it.
 */
import type { JsonValue, StepIR } from "@ordo/core";
import { resolveValue, type ValueExpr } from "@ordo/core";
import type { PartitionKeys } from "../hot/keys.js";
import type { ClaimedStep } from "../hot/scripts.js";
import type { ThrottleGate } from "../throttle/gate.js";
import type { LimitDenial, LimitGrant, LimitUsage } from "../throttle/limiter.js";
import { awaitInput, deferStep, wakeStep } from "./control-scripts.js";
import type { PreparedDefinition } from "./definition.js";
import type { RunnerEnv } from "./step-runner.js";

/** Step type the runtime implements itself: waits for `client.submitInput`. */
export const HUMAN_INPUT_TYPE = "ordo.human-input";

/** Extra worker hooks for throttling. */
export interface AdmissionEnv {
  readonly throttle?: ThrottleGate;
  /**
   * Called for each denied attempt (logging, `[THROTTLED]` lines, counters); `denial.kind` is
   * `policy` when the admission policy refused the step (`[DENIED]`).
   */
  onThrottled?(item: ClaimedStep, denial: LimitDenial): void;
}

/** `run`: go ahead (holding `grant`, if any); `parked`: the claim ended without running. */
export type AdmissionResult =
  | { readonly run: true; readonly grant: LimitGrant | undefined }
  | { readonly run: false };

function inputOf(step: StepIR, item: ClaimedStep): JsonValue {
  const steps: Record<string, JsonValue> = {};
  for (const [id, json] of Object.entries(item.depOutputs)) steps[id] = JSON.parse(json);
  return resolveValue(step.inputs as ValueExpr, {
    input: JSON.parse(item.inputJson) as JsonValue,
    steps,
  });
}

async function startWaiting(
  env: RunnerEnv,
  keys: PartitionKeys,
  step: StepIR,
  item: ClaimedStep,
): Promise<void> {
  const input = inputOf(step, item) as Record<string, JsonValue>;
  const timeoutMs = typeof input.timeoutMs === "number" ? Math.max(0, input.timeoutMs) : 0;
  await awaitInput(env.store, keys, {
    executionId: item.executionId,
    stepId: item.stepId,
    token: item.token,
    workerId: env.workerId,
    timeoutMs,
    requestJson: JSON.stringify({
      prompt: input.prompt ?? null,
      ...(input.assignee === undefined ? {} : { assignee: input.assignee }),
      ...(timeoutMs > 0 ? { timeoutMs } : {}),
    }),
  });
  // The deadline sits in `delayed`; an idle worker must wake up for it.
  if (timeoutMs > 0) env.onRetryScheduled(timeoutMs);
}

/** Ledger data of a denial: the limit and its figures, or the admission rule that refused. */
function detailsOf(denial: LimitDenial): Record<string, unknown> {
  const r = denial.refusal;
  if (denial.kind === "policy" && r !== undefined) {
    return {
      kind: "policy",
      rule: r.rule,
      subject: r.subject,
      ...(r.value === undefined ? {} : { value: r.value }),
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      retryAfterMs: denial.retryAfterMs,
    };
  }
  return {
    kind: denial.kind,
    scope: denial.name,
    current: denial.current,
    limit: denial.limit,
    retryAfterMs: denial.retryAfterMs,
  };
}

/**
 * Admits a claimed attempt or parks it. Throws only when the store is unreachable (the claim's
 * lease then expires and the step is recovered).
 */
export async function admit(
  env: RunnerEnv & AdmissionEnv,
  keys: PartitionKeys,
  def: PreparedDefinition,
  item: ClaimedStep,
  leaseMs: number,
): Promise<AdmissionResult> {
  const step = def.steps.get(item.stepId);
  if (step === undefined) return { run: true, grant: undefined };
  if (step.type === HUMAN_INPUT_TYPE) {
    await startWaiting(env, keys, step, item);
    return { run: false };
  }
  if (env.throttle === undefined) return { run: true, grant: undefined };
  const admission = await env.throttle.admit(def.fingerprint, def.ir, step, item, leaseMs);
  if (admission.ok) return { run: true, grant: admission.grant };
  const { denial } = admission;
  await deferStep(env.store, keys, {
    executionId: item.executionId,
    stepId: item.stepId,
    token: item.token,
    workerId: env.workerId,
    retryAfterMs: denial.retryAfterMs,
    reason: denial.reason,
    detailsJson: JSON.stringify(detailsOf(denial)),
    event: denial.kind === "policy" ? "policy.denied" : "concurrency.denied",
  });
  env.onRetryScheduled(denial.retryAfterMs);
  env.onThrottled?.(item, denial);
  return { run: false };
}

/**
 * Gives an attempt's limits back and wakes the throttled steps that waited for them (each waits
 * for its retry-after otherwise). Never throws: leases also expire with the step lease.
 */
export async function releaseLimits(
  env: RunnerEnv & AdmissionEnv,
  grant: LimitGrant,
  usage: LimitUsage,
): Promise<void> {
  try {
    const waiters = (await env.throttle?.release(grant, usage)) ?? [];
    for (const w of waiters) await wakeStep(env.store, env.keysOf(w.partition), w);
  } catch (error) {
    env.logger.warn("limit release failed", { message: (error as Error).message });
  }
}
