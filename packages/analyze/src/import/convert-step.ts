/** One reference step (SEED-SPEC 2.1/2.2) to an Ordo {@link StepIR}. */
import type { JsonValue, PolicySet, StepIR, StepMetadata, ValueExpr } from "@ordo/core";
import { type BindingScope, checkConfigValue, translateInput } from "./bindings.js";
import { mapConcurrency, mapRetention, mapRetry } from "./policies.js";
import { childPath, type IssueLog, isObject, PropertyReader, stringAt } from "./reader.js";

/** Pipeline-wide facts a step conversion needs. */
export interface StepContext {
  /** Reference step name -> Ordo step id. */
  readonly stepIds: ReadonlyMap<string, string>;
  /** Pipeline `config` keys steps fall back to (step value wins). */
  readonly inheritedConfig: Readonly<Record<string, JsonValue>>;
  readonly inheritedMetadata: StepMetadata;
  /** The pipeline's config carries admission policies (imported as `policies.admission`). */
  readonly pipelineAdmission?: boolean;
  readonly typeVersion: string;
  readonly log: IssueLog;
}

/** A converted step plus what the pipeline conversion still needs to know about it. */
export interface ConvertedStep {
  readonly step: StepIR;
  readonly order: number;
  readonly hasRetry: boolean;
}

const METADATA_KEYS = ["provider", "model", "operation"] as const;

/** Converts one step; undefined when it has no name (reported as an error). */
export function convertStep(
  raw: Record<string, unknown>,
  path: string,
  ctx: StepContext,
): ConvertedStep | undefined {
  const reader = new PropertyReader(raw, path);
  const name = stringAt(reader.take("name"), reader.pathOf("name"), ctx.log);
  const type = stringAt(reader.take("stepKey"), reader.pathOf("stepKey"), ctx.log);
  const orderValue = reader.take("order");
  const dependsOn = reader.take("dependsOn");
  const input = reader.take("input");
  const config = reader.take("config");
  if (reader.take("execution") !== undefined) {
    ctx.log.warn(
      reader.pathOf("execution"),
      "legacy 'execution' block ignored (the reference DAG path ignores it too); use config.retry",
    );
  }
  reader.reportUnknown(ctx.log, "step");
  const id = name === undefined ? undefined : ctx.stepIds.get(name);
  if (name === undefined || id === undefined)
    return void ctx.log.error(path, "step has no name; skipped");
  if (type === undefined) ctx.log.error(path, `step '${name}' has no stepKey (its plugin type)`);
  const configPath = reader.pathOf("config");
  const mapped = mapStepConfig(isObject(config) ? config : {}, configPath, ctx);
  if (ctx.pipelineAdmission && hasOwnPolicyList(config)) {
    ctx.log.warn(
      configPath,
      `step '${name}' has its own concurrency.policies: the reference then ignores the pipeline's admission policies for it, Ordo applies both (a step can only narrow its pipeline's policy)`,
    );
  }
  const scope: BindingScope = {
    stepIds: ctx.stepIds,
    ownInputs: isObject(input) ? input : {},
    ownConfig: isObject(config) ? config : {},
    referenced: new Set<string>(),
    log: ctx.log,
  };
  const inputs = mapInputs(input, reader.pathOf("input"), scope);
  const explicit = mapDependsOn(dependsOn, reader.pathOf("dependsOn"), name, ctx);
  const step: StepIR = {
    id,
    type: type ?? "unknown",
    typeVersion: ctx.typeVersion,
    dependsOn: [...new Set([...explicit, ...scope.referenced])].sort(),
    inputs,
    config: mapped.config,
    metadata: mapped.metadata,
    ...(mapped.policies === undefined ? {} : { policies: mapped.policies }),
    trigger: "all_success",
    schemas: { input: {}, output: {} },
  };
  const order = typeof orderValue === "number" && Number.isFinite(orderValue) ? orderValue : 0;
  return { step, order, hasRetry: mapped.policies?.retry !== undefined };
}

function mapInputs(input: unknown, path: string, scope: BindingScope): Record<string, ValueExpr> {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) {
    scope.log.warn(path, "input must be an object; ignored");
    return {};
  }
  const inputs: Record<string, ValueExpr> = {};
  for (const [key, value] of Object.entries(input)) {
    inputs[key] = translateInput(value, childPath(path, key), scope);
  }
  return inputs;
}

/** Explicit dependencies; the reference rejects empty, duplicate, self and unknown ones. */
function mapDependsOn(value: unknown, path: string, self: string, ctx: StepContext): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    ctx.log.error(path, "dependsOn must be an array of step names");
    return [];
  }
  const ids: string[] = [];
  value.forEach((entry, index) => {
    const entryPath = childPath(path, index);
    const id = typeof entry === "string" ? ctx.stepIds.get(entry) : undefined;
    if (typeof entry !== "string" || entry === "") {
      ctx.log.error(entryPath, "dependency must be a non-empty step name", "IR_UNKNOWN_DEPENDENCY");
    } else if (entry === self) {
      ctx.log.error(entryPath, `step '${self}' depends on itself`, "IR_SELF_DEPENDENCY");
    } else if (id === undefined) {
      ctx.log.error(
        entryPath,
        `step '${self}' depends on unknown step '${entry}'`,
        "IR_UNKNOWN_DEPENDENCY",
      );
    } else if (ids.includes(id)) {
      ctx.log.error(
        entryPath,
        `step '${self}' lists dependency '${entry}' twice`,
        "IR_UNKNOWN_DEPENDENCY",
      );
    } else {
      ids.push(id);
    }
  });
  return ids;
}

/** True when `config.concurrency.policies` is a non-empty list (it replaces the pipeline's). */
function hasOwnPolicyList(config: unknown): boolean {
  if (!isObject(config)) return false;
  const concurrency = new PropertyReader(config, "").take("concurrency");
  if (!isObject(concurrency)) return false;
  const policies = new PropertyReader(concurrency, "").take("policies");
  return Array.isArray(policies) && policies.length > 0;
}

function mapStepConfig(
  config: Record<string, unknown>,
  path: string,
  ctx: StepContext,
): { config: Record<string, JsonValue>; metadata: StepMetadata; policies?: PolicySet } {
  const reader = new PropertyReader(config, path);
  const metadata: Record<string, string> = { ...(ctx.inheritedMetadata as Record<string, string>) };
  for (const key of METADATA_KEYS) {
    const names = key === "operation" ? ["operation", "type"] : [key];
    const value = stringAt(reader.take(...names), reader.pathOf(names[0]!), ctx.log);
    if (value !== undefined && value !== "") metadata[key] = value;
  }
  const policies: PolicySet = mapStepPolicies(reader, ctx.log);
  const out: Record<string, JsonValue> = { ...ctx.inheritedConfig };
  for (const [key, value] of reader.rest()) {
    checkConfigValue(value, childPath(path, key), ctx.log);
    out[key] = value as JsonValue;
  }
  return {
    config: out,
    metadata,
    ...(Object.keys(policies).length === 0 ? {} : { policies }),
  };
}

/** Reads `retry`, `concurrency` and `retention` of one config object into a policy set. */
export function mapStepPolicies(reader: PropertyReader, log: IssueLog): PolicySet {
  const retryValue = reader.take("retry");
  const concurrencyValue = reader.take("concurrency");
  const retentionValue = reader.take("retention");
  const retry =
    retryValue === undefined ? { custom: [] } : mapRetry(retryValue, reader.pathOf("retry"), log);
  const concurrency =
    concurrencyValue === undefined
      ? { limits: [], custom: [] }
      : mapConcurrency(concurrencyValue, reader.pathOf("concurrency"), log);
  const retention =
    retentionValue === undefined
      ? undefined
      : mapRetention(retentionValue, reader.pathOf("retention"), log);
  const custom = [...retry.custom, ...concurrency.custom];
  return {
    ...(retry.retry === undefined ? {} : { retry: retry.retry }),
    ...("leaseMs" in concurrency && concurrency.leaseMs !== undefined
      ? { timeout: { leaseMs: concurrency.leaseMs } }
      : {}),
    ...(concurrency.limits.length === 0 ? {} : { concurrency: concurrency.limits }),
    ...("admission" in concurrency && concurrency.admission !== undefined
      ? { admission: concurrency.admission }
      : {}),
    ...(retention === undefined ? {} : { retention }),
    ...(custom.length === 0 ? {} : { custom }),
  };
}
