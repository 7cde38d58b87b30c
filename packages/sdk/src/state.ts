/**
 * The builder's data: plain frozen records, never callbacks. Every builder call derives a new
 * state from the previous one; nothing here is mutated after creation.
 */
import {
  isOrdoError,
  OrdoError,
  type PolicySet,
  policySetSchema,
  STEP_ID_PATTERN,
  type StepMetadata,
  type TriggerRule,
  triggerRuleSchema,
  type ValueExpr,
} from "@ordo/core";
import type { StepContract } from "@ordo/step";
import type { z } from "zod";
import { narrowAdmission } from "./admission-merge.js";
import { jsonSchemaOf } from "./compile.js";
import { isRef, makeScope, templateTextOf } from "./ref.js";
import { isStepSpec, type StepSpec } from "./spec.js";
import { toLiteral, toValueExpr } from "./values.js";

/** One step as recorded by the builder. */
export interface StepState {
  readonly id: string;
  readonly contract: StepContract;
  readonly inputs: Readonly<Record<string, ValueExpr>>;
  /** Steps read by the inputs' references (implied edges). */
  readonly bindingDeps: readonly string[];
  /** Ordering-only edges from `.dependsOn()`. */
  readonly orderDeps: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly metadata: StepMetadata;
  readonly policies: PolicySet | undefined;
  readonly trigger: TriggerRule | undefined;
}

/** The whole builder state. */
export interface BuilderState {
  readonly name: string;
  readonly version: string;
  readonly description: string | undefined;
  readonly input: z.ZodType;
  readonly policies: PolicySet | undefined;
  readonly metadata:
    | { readonly tenant?: string; readonly labels?: Record<string, string> }
    | undefined;
  readonly steps: readonly StepState[];
  readonly output: Readonly<Record<string, ValueExpr>> | undefined;
}

/** Records `.step(id, spec)`: runs the binding callback once with a recording scope. */
export function addStep(state: BuilderState, id: unknown, spec: unknown): BuilderState {
  if (typeof id !== "string" || !STEP_ID_PATTERN.test(id)) {
    throw new OrdoError(
      "IR_INVALID",
      `step id ${JSON.stringify(id)} is invalid: ids start with a letter, then letters, digits, '_' or '-' (at most 64)`,
      { details: { stepId: id } },
    );
  }
  if (state.steps.some((step) => step.id === id)) {
    throw new OrdoError(
      "IR_DUPLICATE_STEP_ID",
      `step id '${id}' is already used in pipeline '${state.name}'`,
      {
        details: { stepId: id },
      },
    );
  }
  if (!isStepSpec(spec)) {
    throw new OrdoError(
      "IR_INVALID",
      `step '${id}': expected a step spec such as llm(...), rag.retrieve(...) or use(plugin, ($) => inputs)`,
      { details: { stepId: id } },
    );
  }
  const known = new Set(state.steps.map((step) => step.id));
  const { inputs, deps } = bindInputs(id, spec, known);
  const { contract, options } = spec;
  checkInputNames(id, contract, inputs);
  const step: StepState = {
    id,
    contract,
    inputs,
    bindingDeps: deps,
    orderDeps: [],
    config: checkConfig(id, contract, spec.config),
    metadata: mergeMetadata(contract.metadata, options.metadata),
    policies:
      options.policies === undefined ? undefined : checkPolicies(options.policies, `step '${id}'`),
    trigger: options.trigger === undefined ? undefined : checkTrigger(id, options.trigger),
  };
  return freezeState({ ...state, steps: [...state.steps, Object.freeze(step)] });
}

function bindInputs(
  id: string,
  spec: StepSpec<unknown, unknown>,
  known: ReadonlySet<string>,
): { inputs: Record<string, ValueExpr>; deps: string[] } {
  const bound = spec.bind(makeScope(known, `step '${id}'`));
  if (isRef(bound) || templateTextOf(bound) !== undefined) {
    throw new OrdoError(
      "IR_BINDING_INVALID",
      `step '${id}': the binding callback returned a reference; return an object of inputs instead, e.g. ($) => ({ text: $.steps.a.output.text })`,
      { details: { stepId: id } },
    );
  }
  if (typeof bound !== "object" || bound === null || Array.isArray(bound)) {
    throw new OrdoError(
      "IR_INVALID",
      `step '${id}': the binding callback must return an object of inputs`,
      {
        details: { stepId: id },
      },
    );
  }
  const inputs: Record<string, ValueExpr> = {};
  const deps = new Set<string>();
  for (const [key, value] of Object.entries(bound)) {
    if (value === undefined) continue;
    const { expr, stepRefs } = toValueExpr(value, `step '${id}' input '${key}'`);
    inputs[key] = expr;
    for (const dep of stepRefs) deps.add(dep);
  }
  return { inputs: Object.freeze(inputs), deps: [...deps].sort() };
}

/**
 * Rejects input names the plugin does not declare. zod objects strip unknown keys (their input
 * JSON Schema stays open), so a misspelt optional input would otherwise vanish silently; only
 * schemas that explicitly allow extra keys (`z.looseObject`, catchall) accept them.
 */
function checkInputNames(
  id: string,
  contract: StepContract,
  inputs: Record<string, ValueExpr>,
): void {
  const schema = jsonSchemaOf(contract.input, "input", `step '${id}' (${contract.type})`);
  const { properties, additionalProperties } = schema;
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) return;
  if (additionalProperties !== undefined && additionalProperties !== false) return;
  const unknown = Object.keys(inputs).filter((key) => !Object.hasOwn(properties, key));
  if (unknown.length > 0) {
    const declared = Object.keys(properties).join(", ");
    throw new OrdoError(
      "IR_UNKNOWN_INPUT",
      `step '${id}' (${contract.type}): unknown input${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}; declared inputs: ${declared}`,
      { details: { stepId: id, unknown, declared: Object.keys(properties) } },
    );
  }
}

function checkConfig(
  id: string,
  contract: StepContract,
  config: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const literal = toLiteral(config, `step '${id}' config`) as Record<string, unknown>;
  const parsed = contract.config?.safeParse(literal);
  if (parsed !== undefined && !parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OrdoError(
      "IR_INVALID",
      `step '${id}' (${contract.type}): invalid config${issue ? ` at '${issue.path.join(".")}': ${issue.message}` : ""}`,
      {
        details: {
          stepId: id,
          issues: parsed.error.issues.map((i) => ({
            path: i.path.map(String),
            message: i.message,
          })),
        },
      },
    );
  }
  return Object.freeze(literal);
}

function mergeMetadata(
  base: StepMetadata | undefined,
  extra: StepMetadata | undefined,
): StepMetadata {
  const labels = base?.labels || extra?.labels ? { ...base?.labels, ...extra?.labels } : undefined;
  return Object.freeze({ ...base, ...extra, ...(labels === undefined ? {} : { labels }) });
}

function checkTrigger(id: string, trigger: unknown): TriggerRule {
  const parsed = triggerRuleSchema.safeParse(trigger);
  if (!parsed.success) {
    throw new OrdoError(
      "IR_INVALID",
      `step '${id}': trigger must be one of ${triggerRuleSchema.options.join(", ")}; got ${JSON.stringify(trigger)}`,
      { details: { stepId: id } },
    );
  }
  return parsed.data;
}

/** Validates a policy set against the core schema; unknown fields are errors, never ignored. */
export function checkPolicies(policies: unknown, where: string): PolicySet {
  const parsed = policySetSchema.safeParse(policies);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const unknownField = issue?.code === "unrecognized_keys";
  throw new OrdoError(
    unknownField ? "IR_UNKNOWN_POLICY_FIELD" : "IR_INVALID_POLICY",
    `${where} policies: ${issue ? `${issue.message} at '${issue.path.join(".")}'` : "invalid"}`,
    {
      details: {
        where,
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      },
    },
  );
}

/**
 * Merges policy sets (a step's `.policies()` calls, in order): retry, timeout and retention of
 * `extra` replace the earlier ones; limit lists are concatenated; admission policies are
 * narrowed ({@link narrowAdmission}: the step must pass both, so a later call cannot widen an
 * earlier one). `where` prefixes the error when the two admission policies admit nothing.
 */
export function mergePolicies(
  base: PolicySet | undefined,
  extra: PolicySet,
  where = "step",
): PolicySet {
  if (base === undefined) return extra;
  const merged: PolicySet = { ...base, ...extra };
  const lists = ["concurrency", "rateLimits", "custom"] as const;
  for (const key of lists) {
    const joined = [...(base[key] ?? []), ...(extra[key] ?? [])];
    if (joined.length > 0) Object.assign(merged, { [key]: joined });
  }
  if (base.admission !== undefined && extra.admission !== undefined) {
    try {
      merged.admission = narrowAdmission(base.admission, extra.admission);
    } catch (error) {
      if (!isOrdoError(error)) throw error;
      throw new OrdoError(error.code, `${where} policies: ${error.message}`, {
        details: error.details,
        cause: error,
      });
    }
  }
  return merged;
}

/** Applies `change` to the last added step (`.dependsOn()`, `.policies()`, `.trigger()`). */
export function updateLastStep(
  state: BuilderState,
  method: string,
  change: (step: StepState) => StepState,
): BuilderState {
  const last = state.steps.at(-1);
  if (last === undefined) {
    throw new OrdoError(
      "IR_INVALID",
      `.${method}() applies to the last added step; add a step with .step() first`,
    );
  }
  return freezeState({
    ...state,
    steps: [...state.steps.slice(0, -1), Object.freeze(change(last))],
  });
}

/** Records ordering-only edges on the last step. */
export function addOrderDeps(state: BuilderState, ids: readonly unknown[]): BuilderState {
  return updateLastStep(state, "dependsOn", (step) => {
    for (const id of ids) {
      if (id === step.id) {
        throw new OrdoError("IR_SELF_DEPENDENCY", `step '${step.id}' cannot depend on itself`, {
          details: { stepId: step.id },
        });
      }
      if (typeof id !== "string" || !state.steps.some((s) => s.id === id)) {
        throw new OrdoError(
          "IR_UNKNOWN_DEPENDENCY",
          `step '${step.id}' depends on ${JSON.stringify(id)}, which is not defined before it`,
          { details: { stepId: step.id, dependency: id } },
        );
      }
    }
    const orderDeps = [...new Set([...step.orderDeps, ...(ids as string[])])].sort();
    return { ...step, orderDeps };
  });
}

/** Records the pipeline output mapping. */
export function setOutput(state: BuilderState, mapping: (scope: never) => unknown): BuilderState {
  const scope = makeScope(new Set(state.steps.map((step) => step.id)), "the pipeline output");
  const bound = (mapping as (scope: unknown) => unknown)(scope);
  if (isRef(bound) || typeof bound !== "object" || bound === null || Array.isArray(bound)) {
    throw new OrdoError(
      "IR_INVALID",
      ".output() callback must return an object literal, e.g. ($) => ({ answer: $.steps.a.output.text })",
    );
  }
  const output: Record<string, ValueExpr> = {};
  for (const [key, value] of Object.entries(bound)) {
    if (value !== undefined) output[key] = toValueExpr(value, `pipeline output '${key}'`).expr;
  }
  return freezeState({ ...state, output: Object.freeze(output) });
}

/** Freezes a state record (its steps array too). */
export function freezeState(state: BuilderState): BuilderState {
  return Object.freeze({ ...state, steps: Object.freeze([...state.steps]) });
}
