/**
 * The worker's side of throttling: per claimed attempt, take the step's limits (all or none)
 * before it runs, renew them with its heartbeat, release them (reconciling token reservations)
 * when it ends, and slow a whole provider after a 429. Steps without limits or provider cost
 * nothing: their plan is empty and no call is made. Before any of that, the deployment's
 * admission policy (cached, see `admission-policy.ts`) may refuse the step.
 */
import { admissionSubjectOf, evaluateAdmission, type PipelineIR, type StepIR } from "@ordo/core";
import type { HotStore } from "../hot/hot-store.js";
import { AdmissionPolicies, AdmissionPolicyCache, policyDenial } from "./admission-policy.js";
import { type LimitDenial, Limiter, type LimitGrant, type LimitUsage } from "./limiter.js";
import { bindPlan, isEmptyPlan, type LimitPlan, planLimits } from "./plan.js";

/** What a claimed attempt got from {@link ThrottleGate.admit}. */
export type Admission =
  | { readonly ok: true; readonly grant: LimitGrant | undefined }
  | { readonly ok: false; readonly denial: LimitDenial };

/** A throttled step to wake because a lease it waited for was released. */
export interface Waiter {
  readonly partition: number;
  readonly executionId: string;
  readonly stepId: string;
}

/** A claimed attempt as the gate sees it. */
export interface GateAttempt {
  readonly executionId: string;
  readonly stepId: string;
  readonly token: string;
}

/** Options of {@link ThrottleGate}. */
export interface ThrottleGateOptions {
  /**
   * How long a worker reuses the deployment's admission policy before reading it again, ms
   * (default 1 000): a policy change applies within about this time. 0 reads it per attempt.
   */
  readonly admissionPolicyCacheMs?: number;
}

/** Limits and the admission policy of one deployment, seen from one worker. */
export class ThrottleGate {
  readonly limiter: Limiter;
  private readonly instanceId: string;
  /** `<definition fingerprint>:<step>` -> plan (placeholders unbound). */
  private readonly plans = new Map<string, LimitPlan>();
  private readonly policy: AdmissionPolicyCache;

  constructor(
    store: HotStore,
    prefix: string,
    instanceId: string,
    options: ThrottleGateOptions = {},
  ) {
    this.limiter = new Limiter(store, prefix);
    this.instanceId = instanceId;
    const policies = new AdmissionPolicies(store, prefix);
    this.policy = new AdmissionPolicyCache(
      async () => (await policies.get())?.policy,
      options.admissionPolicyCacheMs ?? 1_000,
    );
    this.policy.prefetch();
  }

  private planOf(fingerprint: string, ir: PipelineIR, step: StepIR): LimitPlan {
    const key = `${fingerprint}:${step.id}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = planLimits(ir, step);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /**
   * Checks the deployment's admission policy (a refusal is a `policy` denial: nothing is taken),
   * then takes every limit of the attempt (or none); `grant` is undefined when the step has none.
   */
  async admit(
    fingerprint: string,
    ir: PipelineIR,
    step: StepIR,
    attempt: GateAttempt & { readonly partition: number },
    leaseMs: number,
  ): Promise<Admission> {
    const policy = await this.policy.current();
    if (policy !== undefined) {
      const refusal = evaluateAdmission(policy, admissionSubjectOf(step.metadata));
      if (refusal !== undefined) {
        return { ok: false, denial: policyDenial(refusal, policy.retryAfterMs) };
      }
    }
    const plan = this.planOf(fingerprint, ir, step);
    if (isEmptyPlan(plan)) return { ok: true, grant: undefined };
    const bound = bindPlan(plan, attempt.executionId, this.instanceId);
    const leaseId = `${attempt.executionId}|${attempt.stepId}|${attempt.token}`;
    const waiterId = `${attempt.partition}|${attempt.executionId}|${attempt.stepId}`;
    const result = await this.limiter.acquire(bound, leaseId, leaseMs, waiterId);
    if ("denial" in result) return { ok: false, denial: result.denial };
    return { ok: true, grant: result.grant };
  }

  /** Extends the attempt's leases with its step lease. */
  renew(grant: LimitGrant | undefined, leaseMs: number): Promise<void> {
    return grant === undefined ? Promise.resolve() : this.limiter.renew(grant, leaseMs);
  }

  /**
   * Gives the attempt's leases back and reconciles reservations with `usage`; returns the waiting
   * steps to wake (`{ partition, executionId, stepId }`).
   */
  async release(grant: LimitGrant | undefined, usage: LimitUsage): Promise<Waiter[]> {
    if (grant === undefined) return [];
    const woken = await this.limiter.release(grant, usage);
    return woken.flatMap((id) => {
      const match = /^(\d+)\|(.*)\|([^|]*)$/.exec(id);
      return match === null
        ? []
        : [{ partition: Number(match[1]), executionId: match[2]!, stepId: match[3]! }];
    });
  }

  /** After a 429 (RetryAfterError): blocks the step's provider for `ms`. */
  async blockProvider(grant: LimitGrant | undefined, ms: number): Promise<string | undefined> {
    const name = grant?.plan.blockable[0];
    if (name === undefined || ms <= 0) return undefined;
    await this.limiter.block(name, ms);
    return name;
  }
}

/**
 * Tokens an `llm.usage` event reports (`inputTokens + outputTokens`, or `totalTokens`), if any.
 *
 * @example
 * ```ts
 * tokensOfUsage({ inputTokens: 120, outputTokens: 30 }); // 150
 * ```
 */
export function tokensOfUsage(data: unknown): number | undefined {
  if (data === null || typeof data !== "object") return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.totalTokens === "number") return d.totalTokens;
  const input = typeof d.inputTokens === "number" ? d.inputTokens : 0;
  const output = typeof d.outputTokens === "number" ? d.outputTokens : 0;
  return input + output > 0 ? input + output : undefined;
}
