/**
 * Reference `config.retry`, `config.concurrency` and `config.retention` (SEED-SPEC 2.2, 5, 6, 9)
 * to Ordo policies. Every field that has no Ordo equivalent is reported, never dropped silently.
 */
import type {
  AdmissionPolicy,
  ConcurrencyLimit,
  CustomPolicyRef,
  JsonValue,
  LimitScope,
  RetentionPolicy,
  RetryPolicy,
} from "@ordo/core";
import { isAdmissionPolicy, mapAdmission } from "./admission.js";
import {
  childPath,
  type IssueLog,
  isObject,
  numberAt,
  PropertyReader,
  stringAt,
} from "./reader.js";

/** A policy list entry: `"retry.transient.default"` or `{ name|key, kind|type, config }`. */
interface PolicyEntry {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly path: string;
}

function readPolicies(value: unknown, path: string, log: IssueLog): PolicyEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    log.warn(path, "policies must be an array; ignored");
    return [];
  }
  const entries: PolicyEntry[] = [];
  for (const [index, entry] of value.entries()) {
    const entryPath = childPath(path, index);
    if (typeof entry === "string") {
      entries.push({ name: entry, config: {}, path: entryPath });
      continue;
    }
    if (!isObject(entry)) {
      log.warn(entryPath, "policy entry must be a string or an object");
      continue;
    }
    const reader = new PropertyReader(entry, entryPath);
    const name = stringAt(reader.take("name", "key"), entryPath, log);
    reader.take("kind", "type");
    const config = reader.take("config");
    reader.reportUnknown(log, "policy");
    if (name === undefined) log.warn(entryPath, "policy entry without a name ignored");
    else entries.push({ name, config: isObject(config) ? config : {}, path: entryPath });
  }
  return entries;
}

/** Retry classifiers of the reference, as the error codes Ordo retries for them. */
const RETRY_CLASSIFIERS: Readonly<Record<string, readonly string[] | "all">> = {
  "retry.transient.default": "all",
  "retry.rate-limit.default": ["RETRY_AFTER"],
  "retry.timeout.default": ["STEP_TIMEOUT"],
};

const STRATEGIES = { fixed: "fixed", linear: "linear", exponential: "exponential" } as const;

/**
 * `config.retry` -> retry policy. `maxRetries` counts retries, Ordo counts attempts:
 * maxAttempts = maxRetries + 1. Reference defaults: 3 retries, Fixed, 500 ms base.
 */
export function mapRetry(
  value: unknown,
  path: string,
  log: IssueLog,
): { retry?: RetryPolicy; custom: CustomPolicyRef[] } {
  if (!isObject(value)) {
    log.warn(path, "retry must be an object; ignored");
    return { custom: [] };
  }
  const reader = new PropertyReader(value, path);
  const maxRetries = numberAt(reader.take("maxRetries"), reader.pathOf("maxRetries"), log) ?? 3;
  const strategyText = stringAt(reader.take("strategy"), reader.pathOf("strategy"), log) ?? "Fixed";
  const strategy = STRATEGIES[strategyText.toLowerCase() as keyof typeof STRATEGIES];
  if (strategy === undefined)
    log.warn(reader.pathOf("strategy"), `unknown strategy '${strategyText}'; using fixed`);
  const baseDelayMs =
    numberAt(reader.take("baseDelayMs"), reader.pathOf("baseDelayMs"), log) ?? 500;
  const maxDelayMs = numberAt(reader.take("maxDelayMs"), reader.pathOf("maxDelayMs"), log);
  const jitter = reader.take("jitter");
  const policies = readPolicies(reader.take("policies"), reader.pathOf("policies"), log);
  reader.reportUnknown(log, "retry");
  const retry: RetryPolicy = {
    maxAttempts: Math.max(1, Math.floor(maxRetries) + 1),
    strategy: strategy ?? "fixed",
    baseDelayMs: Math.max(0, Math.floor(baseDelayMs)),
    ...(maxDelayMs === undefined ? {} : { maxDelayMs: Math.max(0, Math.floor(maxDelayMs)) }),
    ...(jitter === true ? { jitter: "full" as const } : {}),
  };
  const retryOn = new Set<string>();
  let retryAll = policies.length === 0;
  const custom: CustomPolicyRef[] = [];
  for (const policy of policies) {
    const codes = RETRY_CLASSIFIERS[policy.name.toLowerCase()];
    if (codes === "all") retryAll = true;
    else if (codes !== undefined) for (const code of codes) retryOn.add(code);
    else {
      log.warn(
        policy.path,
        `retry policy '${policy.name}' imported as a custom retry-classifier reference; register it in your workers`,
      );
      custom.push({
        name: policy.name,
        kind: "retry-classifier",
        config: policy.config as JsonValue,
      });
    }
  }
  if (!retryAll && retryOn.size > 0)
    return { retry: { ...retry, retryOn: [...retryOn].sort() }, custom };
  return { retry, custom };
}

/** Direct limit fields of a reference `concurrency` object and the Ordo scope each maps to. */
const LIMIT_FIELDS: readonly (readonly [string, LimitScope])[] = [
  ["maxGlobalConcurrency", "global"],
  ["maxPipelineConcurrency", "pipeline"],
  ["maxStepConcurrency", "step"],
  ["maxProviderConcurrency", "provider"],
  ["maxModelConcurrency", "model"],
  ["maxOperationConcurrency", "operation"],
  ["maxExecutionConcurrency", "execution"],
  ["maxInstanceConcurrency", "instance"],
];

/** Throttle rule scopes (SEED-SPEC 6.3); step and step-type both fill maxStepConcurrency. */
const THROTTLE_SCOPES: Readonly<Record<string, LimitScope>> = {
  provider: "provider",
  model: "model",
  operation: "operation",
  step: "step",
  "step-type": "step",
  pipeline: "pipeline",
};

/** Result of {@link mapConcurrency}. */
export interface MappedConcurrency {
  readonly limits: ConcurrencyLimit[];
  readonly leaseMs?: number;
  /** The level's admission policies combined (see `mapAdmission`). */
  readonly admission?: AdmissionPolicy;
  readonly custom: CustomPolicyRef[];
}

/**
 * `config.concurrency` -> concurrency limits (+ `leaseSeconds` -> lease). `defaultRetryAfterMs`
 * becomes each limit's `retryAfterMs`. Throttle rules become keyed limits, skipped when a direct
 * limit of the same scope is set (the reference fills a field only if it is missing). Admission
 * policies become `admission`.
 */
export function mapConcurrency(value: unknown, path: string, log: IssueLog): MappedConcurrency {
  if (!isObject(value)) {
    log.warn(path, "concurrency must be an object; ignored");
    return { limits: [], custom: [] };
  }
  const reader = new PropertyReader(value, path);
  if (reader.take("enabled") === false) {
    log.warn(path, "concurrency is disabled (enabled: false); its limits are not imported");
    return { limits: [], custom: [] };
  }
  const retryAfterMs = numberAt(
    reader.take("defaultRetryAfterMs"),
    reader.pathOf("defaultRetryAfterMs"),
    log,
  );
  const leaseSeconds = numberAt(reader.take("leaseSeconds"), reader.pathOf("leaseSeconds"), log);
  const limits = directLimits(reader, retryAfterMs, log);
  const rules = concurrencyRules(reader, log);
  reader.reportUnknown(log, "concurrency");
  const direct = new Set(limits.map((limit) => limit.scope));
  let ruleLeaseSeconds: number | undefined;
  const admissionRules = rules.filter((rule) => isAdmissionPolicy(rule.name));
  const { admission, custom } = mapAdmission(admissionRules, log);
  for (const rule of rules) {
    const name = rule.name.toLowerCase();
    if (isAdmissionPolicy(name)) continue;
    if (name === "concurrency.throttle") {
      const mapped = mapThrottle(rule, direct, retryAfterMs, log);
      if (mapped) limits.push(mapped.limit);
      ruleLeaseSeconds ??= mapped?.leaseSeconds;
    } else {
      log.warn(rule.path, `unknown concurrency policy '${rule.name}'; ignored`);
    }
  }
  const seconds = leaseSeconds ?? ruleLeaseSeconds;
  return {
    limits,
    custom,
    ...(admission === undefined ? {} : { admission }),
    ...(seconds === undefined || seconds <= 0 ? {} : { leaseMs: Math.round(seconds * 1000) }),
  };
}

/** The eight `max*Concurrency` fields as limits; worker-local fields are reported. */
function directLimits(
  reader: PropertyReader,
  retryAfterMs: number | undefined,
  log: IssueLog,
): ConcurrencyLimit[] {
  const limits: ConcurrencyLimit[] = [];
  for (const [field, scope] of LIMIT_FIELDS) {
    const limit = numberAt(reader.take(field), reader.pathOf(field), log);
    if (limit === undefined) continue;
    if (limit < 1) {
      log.warn(reader.pathOf(field), `${field} ${limit} is not a positive limit; ignored`);
      continue;
    }
    limits.push(withRetryAfter({ scope, limit: Math.floor(limit) }, retryAfterMs));
  }
  for (const field of ["maxDegreeOfParallelism", "jitter", "maxJitterMs"]) {
    if (reader.take(field) !== undefined) {
      log.warn(
        reader.pathOf(field),
        `${field} has no Ordo equivalent (worker concurrency is set on the worker); ignored`,
      );
    }
  }
  return limits;
}

/** `policies` entries plus `throttleRules` (plain throttle configs) in document order. */
function concurrencyRules(reader: PropertyReader, log: IssueLog): PolicyEntry[] {
  const rules = readPolicies(reader.take("policies"), reader.pathOf("policies"), log);
  const throttleRules = reader.take("throttleRules");
  if (Array.isArray(throttleRules)) {
    for (const [index, rule] of throttleRules.entries()) {
      const rulePath = childPath(reader.pathOf("throttleRules"), index);
      if (isObject(rule))
        rules.push({ name: "concurrency.throttle", config: rule, path: rulePath });
      else log.warn(rulePath, "throttle rule must be an object; ignored");
    }
  }
  return rules;
}

function withRetryAfter(
  limit: ConcurrencyLimit,
  retryAfterMs: number | undefined,
): ConcurrencyLimit {
  return retryAfterMs === undefined || retryAfterMs < 1
    ? limit
    : { ...limit, retryAfterMs: Math.floor(retryAfterMs) };
}

function mapThrottle(
  rule: PolicyEntry,
  direct: ReadonlySet<LimitScope>,
  defaultRetryAfterMs: number | undefined,
  log: IssueLog,
): { limit: ConcurrencyLimit; leaseSeconds?: number } | undefined {
  const reader = new PropertyReader(rule.config, childPath(rule.path, "config"));
  const scopeText = stringAt(reader.take("scope"), reader.pathOf("scope"), log) ?? "";
  const target = stringAt(reader.take("target"), reader.pathOf("target"), log)?.trim();
  const limit = numberAt(reader.take("limit"), reader.pathOf("limit"), log);
  const leaseSeconds = numberAt(reader.take("leaseSeconds"), reader.pathOf("leaseSeconds"), log);
  const retryAfterMs = numberAt(
    reader.take("defaultRetryAfterMs"),
    reader.pathOf("defaultRetryAfterMs"),
    log,
  );
  reader.reportUnknown(log, "throttle rule");
  const scope = THROTTLE_SCOPES[scopeText.trim().toLowerCase()];
  if (scope === undefined || limit === undefined || limit < 1) {
    log.warn(
      rule.path,
      `throttle rule needs a scope (${Object.keys(THROTTLE_SCOPES).join(", ")}) and a positive limit; ignored`,
    );
    return undefined;
  }
  if (direct.has(scope)) {
    log.warn(
      rule.path,
      `throttle rule for scope '${scope}' ignored: a direct ${scope} limit is set and wins, as in the reference`,
    );
    return undefined;
  }
  const base: ConcurrencyLimit = {
    scope,
    ...(target ? { key: target } : {}),
    limit: Math.floor(limit),
  };
  return {
    limit: withRetryAfter(base, retryAfterMs ?? defaultRetryAfterMs),
    ...(leaseSeconds === undefined ? {} : { leaseSeconds }),
  };
}

const HOT_BY_POLICY: Readonly<Record<string, NonNullable<RetentionPolicy["hot"]>>> = {
  "retention.compact.terminal": "compact",
  "retention.evict.terminal": "evict",
  // hybrid = compact + evict; eviction archives first, so evict covers it.
  "retention.hybrid.terminal": "evict",
};
const HOT_STRENGTH = { keep: 0, compact: 1, evict: 2 } as const;

/**
 * `config.retention` -> retention policy: the strongest of compact < evict (hybrid counts as
 * evict) becomes `hot`; `trigger.maxInlinePayloadBytes` -> `inlineMaxBytes`; `archiveReason` ->
 * `reason`. Step-count triggers have no equivalent: Ordo applies retention to terminal executions.
 */
export function mapRetention(
  value: unknown,
  path: string,
  log: IssueLog,
): RetentionPolicy | undefined {
  if (!isObject(value)) {
    log.warn(path, "retention must be an object; ignored");
    return undefined;
  }
  const reader = new PropertyReader(value, path);
  if (reader.take("enabled") !== true) {
    log.warn(path, "retention is not enabled (the reference then does nothing); not imported");
    return undefined;
  }
  const policies = readPolicies(reader.take("policies"), reader.pathOf("policies"), log);
  const reason = stringAt(reader.take("archiveReason"), reader.pathOf("archiveReason"), log);
  const trigger = reader.take("trigger");
  const triggerPath = reader.pathOf("trigger");
  reader.reportUnknown(log, "retention");
  let hot: NonNullable<RetentionPolicy["hot"]> = policies.length === 0 ? "compact" : "keep";
  for (const policy of policies) {
    const mapped = HOT_BY_POLICY[policy.name.toLowerCase()];
    if (mapped === undefined)
      log.warn(policy.path, `unknown retention policy '${policy.name}'; ignored`);
    else if (HOT_STRENGTH[mapped] > HOT_STRENGTH[hot]) hot = mapped;
  }
  const inlineMaxBytes = isObject(trigger) ? mapTrigger(trigger, triggerPath, log) : undefined;
  return {
    hot,
    ...(inlineMaxBytes === undefined ? {} : { inlineMaxBytes }),
    ...(reason === undefined ? {} : { reason }),
  };
}

function mapTrigger(
  trigger: Record<string, unknown>,
  path: string,
  log: IssueLog,
): number | undefined {
  const reader = new PropertyReader(trigger, path);
  reader.take("enabled");
  const inline = numberAt(
    reader.take("maxInlinePayloadBytes"),
    reader.pathOf("maxInlinePayloadBytes"),
    log,
  );
  for (const field of ["maxStepsInState", "maxCompletedStepsInState"]) {
    if (reader.take(field) !== undefined) {
      log.warn(
        reader.pathOf(field),
        `${field} has no Ordo equivalent (retention applies to terminal executions); ignored`,
      );
    }
  }
  reader.reportUnknown(log, "retention trigger");
  return inline === undefined || inline < 0 ? undefined : Math.floor(inline);
}
