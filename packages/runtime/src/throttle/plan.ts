/**
 * Which limits a step attempt takes: the concurrency and rate limits of the pipeline and the step
 * (concatenated, as the IR's policy merge says), resolved against the step's own values (its
 * provider, model, operation, tenant, pipeline, execution and the worker's instance id).
 * Pure: a plan is computed once per (definition, step) and bound to an attempt by {@link bindPlan}.
 */
import {
  type ConcurrencyLimit,
  type LimitScope,
  type PipelineIR,
  POLICY_DEFAULTS,
  type RateLimit,
  type StepIR,
} from "@ordo/core";

/** One concurrency limit an attempt must hold a lease in. */
export interface PlannedConcurrency {
  /** Scope and value, e.g. `provider:openai`, `execution:<id>` (also the zset's name suffix). */
  readonly name: string;
  readonly limit: number;
  /** Milliseconds a denied step waits before it is offered again. */
  readonly retryAfterMs: number;
}

/** One rate limit an attempt reserves units in. */
export interface PlannedRate {
  /** `<unit>:<windowMs>:<scope>:<value>`: one counter per distinct limit. */
  readonly id: string;
  readonly unit: RateLimit["unit"];
  readonly limit: number;
  readonly windowMs: number;
  /** Units reserved per attempt: 1 request, or the token estimate (default 1 000). */
  readonly reserve: number;
}

/** Every limit one attempt of a step takes. */
export interface LimitPlan {
  readonly concurrency: readonly PlannedConcurrency[];
  readonly rates: readonly PlannedRate[];
  /** Names a 429 can block (`provider:<p>`, `model:<p>:<m>`): checked before anything is taken. */
  readonly blockable: readonly string[];
}

/** Tokens reserved per attempt by a token rate limit that gives no `estimate`. */
export const DEFAULT_TOKEN_ESTIMATE = 1_000;

/** Values that are only known per attempt; a plan holds placeholders for them. */
const EXECUTION = "\u0000execution";
const INSTANCE = "\u0000instance";

/** The step's own value of a scope, or undefined when the step has none (the limit then skips it). */
function ownValue(scope: LimitScope, ir: PipelineIR, step: StepIR): string | undefined {
  const meta = step.metadata;
  switch (scope) {
    case "global":
      return "*";
    case "pipeline":
      return ir.name;
    case "step":
      return `${ir.name}:${step.id}`;
    case "execution":
      return EXECUTION;
    case "instance":
      return INSTANCE;
    case "tenant":
      return meta.tenant ?? ir.metadata?.tenant;
    case "provider":
      return meta.provider;
    case "model":
      return meta.model === undefined
        ? undefined
        : meta.provider === undefined || meta.model.includes(":")
          ? meta.model
          : `${meta.provider}:${meta.model}`;
    case "operation":
      return meta.operation;
  }
}

/**
 * The value a limit counts against for this step: its `key` when it names this step's value (case
 * and surrounding spaces ignored), else the step's own value; undefined when it does not apply.
 */
function valueFor(
  limit: { scope: LimitScope; key?: string | undefined },
  ir: PipelineIR,
  step: StepIR,
): string | undefined {
  const own = ownValue(limit.scope, ir, step);
  if (limit.key === undefined) return own;
  if (limit.scope === "global") return undefined; // a keyed global limit is meaningless
  if (own === undefined) return undefined;
  const wanted = limit.key.trim().toLowerCase();
  const mine = own.trim().toLowerCase();
  return wanted === mine ? own : undefined;
}

function concurrencyOf(
  limits: readonly ConcurrencyLimit[],
  ir: PipelineIR,
  step: StepIR,
): PlannedConcurrency[] {
  const byName = new Map<string, PlannedConcurrency>();
  for (const l of limits) {
    const value = valueFor(l, ir, step);
    if (value === undefined) continue;
    const name = `${l.scope}:${value}`;
    const retryAfterMs = l.retryAfterMs ?? POLICY_DEFAULTS.concurrencyRetryAfterMs;
    const seen = byName.get(name);
    // The same scope and value twice (pipeline and step): the tighter limit wins.
    if (seen === undefined || l.limit < seen.limit)
      byName.set(name, { name, limit: l.limit, retryAfterMs });
  }
  return [...byName.values()];
}

function ratesOf(limits: readonly RateLimit[], ir: PipelineIR, step: StepIR): PlannedRate[] {
  const byId = new Map<string, PlannedRate>();
  for (const l of limits) {
    const value = valueFor(l, ir, step);
    if (value === undefined) continue;
    const id = `${l.unit}:${l.windowMs}:${l.scope}:${value}`;
    const reserve = l.unit === "requests" ? 1 : (l.estimate ?? DEFAULT_TOKEN_ESTIMATE);
    const seen = byId.get(id);
    if (seen === undefined || l.limit < seen.limit) {
      byId.set(id, { id, unit: l.unit, limit: l.limit, windowMs: l.windowMs, reserve });
    }
  }
  return [...byId.values()];
}

/**
 * The limit plan of a step (placeholders for execution and instance values).
 *
 * @example
 * ```ts
 * const plan = planLimits(ir, ir.steps[0]!);
 * plan.concurrency; // [{ name: "provider:openai", limit: 3, retryAfterMs: 250 }]
 * ```
 */
export function planLimits(ir: PipelineIR, step: StepIR): LimitPlan {
  const concurrency = [...(ir.policies?.concurrency ?? []), ...(step.policies?.concurrency ?? [])];
  const rates = [...(ir.policies?.rateLimits ?? []), ...(step.policies?.rateLimits ?? [])];
  const blockable: string[] = [];
  const provider = step.metadata.provider;
  if (provider !== undefined) blockable.push(`provider:${provider}`);
  const model = ownValue("model", ir, step);
  if (model !== undefined) blockable.push(`model:${model}`);
  return {
    concurrency: concurrencyOf(concurrency, ir, step),
    rates: ratesOf(rates, ir, step),
    blockable,
  };
}

/** True when an attempt of this plan needs no call to the limits store at all. */
export function isEmptyPlan(plan: LimitPlan): boolean {
  return plan.concurrency.length === 0 && plan.rates.length === 0 && plan.blockable.length === 0;
}

/** Replaces the per-attempt placeholders (execution id, instance id) in a plan. */
export function bindPlan(plan: LimitPlan, executionId: string, instanceId: string): LimitPlan {
  const bind = (text: string) => text.replace(EXECUTION, executionId).replace(INSTANCE, instanceId);
  return {
    concurrency: plan.concurrency.map((c) => ({ ...c, name: bind(c.name) })),
    rates: plan.rates.map((r) => ({ ...r, id: bind(r.id) })),
    blockable: plan.blockable,
  };
}
