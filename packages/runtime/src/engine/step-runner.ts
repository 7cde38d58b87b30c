/**
 * Runs one claimed step attempt: resolve bindings, validate input, run the plugin under an
 * AbortSignal (timeout, cancellation, lost lease, shutdown), validate output, then report with
 * completeAndClaim / fail (which also claims the slot's next step) or release on shutdown.
 */
import { type JsonValue, OrdoError, resolveValue, type ValueExpr } from "@ordo/core";
import type { StepContext, StepLogger, StepPlugin } from "@ordo/step";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";
import {
  type ClaimedStep,
  completeStep,
  failStep,
  heartbeatStep,
  releaseStep,
  type SettleResult,
} from "../hot/scripts.js";
import type { AttemptOutcome, Telemetry } from "../observability/telemetry.js";
import { tokensOfUsage } from "../throttle/gate.js";
import { type AdmissionEnv, type AdmissionResult, admit, releaseLimits } from "./admission.js";
import type { PreparedDefinition } from "./definition.js";
import { type DurableEnv, outputLimits } from "./durable-options.js";
import { externalizeJson, isExternalPayload } from "./payloads.js";
import { ProgressBuffer, type ProgressOptions, progressSettings } from "./progress.js";
import { decideRetry, type StepErrorInfo, toStepError } from "./retry.js";
import { executionFingerprint } from "./state.js";
import { UsageTally } from "./usage.js";

/** What the runner needs from its worker (throttling hooks: see {@link AdmissionEnv}). */
export interface RunnerEnv extends AdmissionEnv {
  readonly store: HotStore;
  readonly workerId: string;
  readonly defaultLeaseMs: number;
  readonly logger: StepLogger;
  /** Durable store for externalized payloads; without it every output stays inline. */
  readonly durable?: DurableEnv;
  /** Metrics and spans of attempts (OTel API plus the built-in sink). */
  readonly telemetry?: Telemetry;
  /** `ctx.emit` events to clients (`events({ progress: true })`); false = off. Default on. */
  readonly progressEvents?: boolean | ProgressOptions;
  keysOf(partition: number): PartitionKeys;
  pluginFor(type: string, version: string): StepPlugin | undefined;
  /** Whether the slot should claim a next step after this one. */
  claimNext(): number;
  /** Called when a retry was scheduled `delayMs` from now (to wake up for it). */
  onRetryScheduled(delayMs: number): void;
}

/** Why the runner aborted a step's signal. */
/** `abandon`: a simulated crash (chaos): no report, no release, the lease just expires. */
type AbortCause = "timeout" | "cancelled" | "lease-lost" | "shutdown" | "abandon";

/** An attempt in flight; the worker aborts it with `shutdown` to release it. */
export interface InFlight {
  readonly item: ClaimedStep;
  abort(cause: AbortCause): void;
}

function abortError(cause: AbortCause, item: ClaimedStep, ms?: number): OrdoError {
  const where = `step '${item.stepId}' of execution ${item.executionId}`;
  if (cause === "timeout") {
    return new OrdoError("STEP_TIMEOUT", `${where} exceeded its ${ms} ms timeout`, {
      retryable: true,
    });
  }
  if (cause === "cancelled") return new OrdoError("CANCELLED", `${where}: execution cancelled`);
  if (cause === "lease-lost") {
    return new OrdoError("STALE_TOKEN", `${where}: lease lost (another worker owns the step)`);
  }
  return new OrdoError("WRONG_STATE", `${where}: worker shutting down`, { retryable: true });
}

/** Parses hot JSON and swaps a payload reference for its value (fetched from the store). */
async function rehydrate(env: RunnerEnv, json: string): Promise<JsonValue> {
  const value = JSON.parse(json) as JsonValue;
  if (!isExternalPayload(value)) return value;
  if (env.durable === undefined) {
    // Retryable: another worker of the deployment may have the store configured.
    throw new OrdoError(
      "PAYLOAD_NOT_FOUND",
      `Worker ${env.workerId} has no durable store to read payload ${value.$payload}; pass \`durable: { store }\` to createWorker.`,
      { retryable: true, details: { ref: value.$payload } },
    );
  }
  return env.durable.resolver.resolve(value);
}

async function resolveInput(
  env: RunnerEnv,
  def: PreparedDefinition,
  item: ClaimedStep,
): Promise<JsonValue> {
  const steps: Record<string, JsonValue> = {};
  for (const [id, json] of Object.entries(item.depOutputs)) steps[id] = await rehydrate(env, json);
  const step = def.steps.get(item.stepId)!;
  return resolveValue(step.inputs as ValueExpr, {
    input: await rehydrate(env, item.inputJson),
    steps,
  });
}

function parseOrThrow(
  schema: StepPlugin["input"],
  value: unknown,
  code: "INPUT_INVALID" | "OUTPUT_INVALID",
  item: ClaimedStep,
): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const what = code === "INPUT_INVALID" ? "input" : "output";
  throw new OrdoError(code, `step '${item.stepId}': ${what} invalid: ${parsed.error.message}`, {
    details: { stepId: item.stepId, issues: JSON.parse(JSON.stringify(parsed.error.issues)) },
  });
}

/**
 * Executes `item` and reports the outcome. Returns the script's result (with the slot's next
 * claimed step) or undefined when the report was rejected (stale) or could not be sent.
 */
export async function runClaimedStep(
  env: RunnerEnv,
  def: PreparedDefinition,
  item: ClaimedStep,
  register: (flight: InFlight | undefined) => void,
): Promise<SettleResult | undefined> {
  const keys = env.keysOf(item.partition);
  const step = def.steps.get(item.stepId);
  const policies = def.policies.get(item.stepId)!;
  const leaseMs = policies.timeout.leaseMs ?? env.defaultLeaseMs;
  let admitted: AdmissionResult;
  try {
    admitted = await admit(env, keys, def, item, leaseMs);
  } catch (error) {
    // Limits store or partition unreachable: the claim's lease expires and the step is recovered.
    env.logger.warn("step admission failed", {
      stepId: item.stepId,
      message: (error as Error).message,
    });
    return undefined;
  }
  if (!admitted.run) return undefined;
  const grant = admitted.grant;
  const scope = env.telemetry?.startAttempt({
    executionId: item.executionId,
    stepId: item.stepId,
    stepType: step === undefined ? "unknown" : `${step.type}@${step.typeVersion}`,
    pipeline: def.ir.name,
    attempt: item.attempt,
    recoveries: item.recoveries,
    readyAt: item.readyAt,
    claimedAt: item.claimedAt,
  });
  let outcome: AttemptOutcome = "released";
  let errorCode: string | undefined;
  let usedTokens: number | undefined;
  const usage = new UsageTally();
  const controller = new AbortController();
  let cause: AbortCause | undefined;
  let rejectAbort: (error: unknown) => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    rejectAbort = reject;
  });
  aborted.catch(() => {});
  const abort = (why: AbortCause) => {
    if (cause !== undefined) return;
    cause = why;
    const error = abortError(why, item, policies.timeout.attemptMs);
    controller.abort(error);
    rejectAbort(error);
  };
  register({ item, abort });
  const ref = { executionId: item.executionId, stepId: item.stepId, token: item.token };
  const progressConfig = progressSettings(env.progressEvents);
  const progress =
    progressConfig && new ProgressBuffer(env.store, keys, ref, env.logger, progressConfig);
  const heartbeat = async () => {
    try {
      const hb = await heartbeatStep(env.store, keys, { ...ref, leaseMs });
      if (hb.cancelled) abort("cancelled");
      // Limit leases live exactly as long as the step lease they belong to.
      if (grant !== undefined) await env.throttle?.renew(grant, leaseMs);
    } catch (error) {
      if ((error as OrdoError).code === "STALE_TOKEN") abort("lease-lost");
      throw error;
    }
  };
  const hbEvery = policies.timeout.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const hbTimer = setInterval(() => heartbeat().catch(() => {}), hbEvery);
  const attemptMs = policies.timeout.attemptMs;
  const timeoutTimer =
    attemptMs === undefined ? undefined : setTimeout(() => abort("timeout"), attemptMs);
  try {
    let outputJson: string;
    let hotJson: string;
    try {
      if (step === undefined) throw new OrdoError("STEP_NOT_FOUND", `no step '${item.stepId}'`);
      const plugin = env.pluginFor(step.type, step.typeVersion);
      if (plugin === undefined) {
        throw new OrdoError(
          "PLUGIN_NOT_FOUND",
          `No plugin ${step.type}@${step.typeVersion} is registered on worker ${env.workerId}.`,
          { details: { type: step.type, version: step.typeVersion } },
        );
      }
      const resolved = await resolveInput(env, def, item);
      const input = parseOrThrow(plugin.input, resolved, "INPUT_INVALID", item);
      const config = plugin.config ? plugin.config.parse(step.config) : step.config;
      const ctx: StepContext = {
        signal: controller.signal,
        attempt: item.attempt,
        idempotencyKey: `${item.executionId}:${item.stepId}`,
        executionId: item.executionId,
        stepId: item.stepId,
        stepType: `${step.type}@${step.typeVersion}`,
        config: config as Record<string, unknown>,
        metadata: step.metadata,
        logger: env.logger,
        heartbeat,
        ...(scope === undefined ? {} : { traceparent: scope.traceparent }),
        emit: (type, data) => {
          scope?.event(type, data);
          // `llm.usage` reconciles token reservations of rate limits when the step ends.
          const tokens = type === "llm.usage" ? tokensOfUsage(data) : undefined;
          if (tokens !== undefined) usedTokens = (usedTokens ?? 0) + tokens;
          usage.add(type, data);
          progress?.push(type, data);
          env.logger.debug(`event ${type}`, { data });
        },
      };
      const output = await Promise.race([plugin.run(input, ctx), aborted]);
      if (cause !== undefined) throw controller.signal.reason;
      const valid = parseOrThrow(plugin.output, output, "OUTPUT_INVALID", item);
      outputJson = JSON.stringify(valid ?? null);
      // Above inlineMaxBytes the output goes to the durable store and hot state keeps its ref;
      // above maxPayloadBytes the step fails for good (PAYLOAD_TOO_LARGE, non-retryable).
      hotJson = await externalizeJson(
        env.durable?.store,
        outputJson,
        outputLimits(def, item.stepId, item.executionId, env.durable),
        `output of step '${item.stepId}' (execution ${item.executionId})`,
      );
      scope?.payload(Buffer.byteLength(outputJson), hotJson !== outputJson);
    } catch (error) {
      // Buffered progress goes out before the failure is reported (and ordered before it).
      if (cause !== "abandon") await progress?.close();
      if (cause === "shutdown") {
        await releaseStep(env.store, keys, { ...ref, workerId: env.workerId });
        return undefined;
      }
      if (cause === "abandon") return undefined;
      const info = toStepError(error);
      if (info.code === "RETRY_AFTER" && info.retryAfterMs !== undefined && grant !== undefined) {
        // A 429 slows the whole provider, not only this step.
        await env.throttle?.blockProvider(grant, info.retryAfterMs).catch(() => undefined);
      }
      errorCode = info.code;
      const failed = await reportFailure(env, keys, def, item, info);
      outcome = failed.outcome === "retry" ? "retried" : failed.outcome;
      return failed;
    }
    await progress?.close();
    const completed = await completeStep(env.store, keys, {
      ...ref,
      outputJson: hotJson,
      workerId: env.workerId,
      claimNext: env.claimNext(),
      leaseMs: env.defaultLeaseMs,
      usageJson: usage.toJson(),
      // A single-step execution ends with this step: this worker holds every fingerprint fact,
      // so the script stores the fingerprint in the same call (no extra round trip).
      ...(def.rows.length === 1
        ? {
            fingerprintIfLast: executionFingerprint(
              def.fingerprint,
              JSON.parse(item.inputJson) as JsonValue,
              new Map([
                [item.stepId, { status: "completed", output: JSON.parse(outputJson) as JsonValue }],
              ]),
            ),
          }
        : {}),
    });
    outcome = "completed";
    return completed;
  } catch (error) {
    // STALE_TOKEN (lease lost and recovered elsewhere) or the store is unreachable: the lease
    // expires and the step is recovered; nothing else to do here.
    env.logger.warn("step report rejected", {
      executionId: item.executionId,
      stepId: item.stepId,
      code: (error as OrdoError).code,
      message: (error as Error).message,
    });
    return undefined;
  } finally {
    scope?.end(outcome, errorCode);
    progress?.discard();
    clearInterval(hbTimer);
    if (timeoutTimer !== undefined) clearTimeout(timeoutTimer);
    register(undefined);
    if (grant !== undefined && cause !== "abandon") {
      // Leases also expire with the step lease; releasing now frees capacity and wakes a waiter.
      await releaseLimits(env, grant, usedTokens === undefined ? {} : { tokens: usedTokens });
    }
  }
}

async function reportFailure(
  env: RunnerEnv,
  keys: PartitionKeys,
  def: PreparedDefinition,
  item: ClaimedStep,
  error: StepErrorInfo,
): Promise<Awaited<ReturnType<typeof failStep>>> {
  const policy = def.policies.get(item.stepId)!.retry;
  const seed = `${item.executionId}:${item.stepId}:${item.attempt}`;
  const decision = decideRetry(policy, item.attempt, error, seed);
  const delayMs = decision.decision === "retry" ? decision.delayMs : 0;
  const result = await failStep(env.store, keys, {
    executionId: item.executionId,
    stepId: item.stepId,
    token: item.token,
    decision: decision.decision,
    delayMs,
    errorJson: JSON.stringify(error),
    errorCode: error.code,
    workerId: env.workerId,
    claimNext: env.claimNext(),
    leaseMs: env.defaultLeaseMs,
  });
  if (result.outcome === "retry") env.onRetryScheduled(delayMs);
  return result;
}
