/**
 * Step specs: what `.step(id, spec)` takes. A spec pairs a step contract (a plugin from
 * `defineStep` or a declaration from `declareStep`) with a binding callback and options. Built-in
 * factories (`llm`, `rag.retrieve`, ...) and third-party plugins (through {@link use}) produce the
 * same thing, so they plug in identically.
 */
import type { PolicySet, StepMetadata, TriggerRule } from "@ordo/core";
import type { StepContract } from "@ordo/step";
import type { z } from "zod";
import type { BindableInputs } from "./values.js";

/** Phantom key carrying a spec's output type. Never present at run time. */
declare const specOutput: unique symbol;

/**
 * Options every step accepts, whatever its plugin.
 *
 * @example
 * ```ts
 * rag.retrieve(($) => ({ query: $.input.q }), { trigger: "all_done", policies: { retry: retry.none() } });
 * // IR step: { trigger: "all_done", policies: { retry: { maxAttempts: 1, strategy: "fixed", baseDelayMs: 0 } } }
 * ```
 */
export interface StepOptions {
  /** Step policies; a step's value wins over the pipeline's field by field (limits add up). */
  readonly policies?: PolicySet;
  /**
   * When the step runs given its dependencies' outcomes. Default `all_success`;
   * `any_success` runs after the first successful dependency once all are done; `all_done` runs
   * whatever they did (clean-up, fallbacks).
   */
  readonly trigger?: TriggerRule;
  /** Provider/model/operation/tenant used by limits and the ledger; merged over the plugin's. */
  readonly metadata?: StepMetadata;
}

/**
 * Options of {@link use}: step options plus the plugin's config (required when its schema is).
 *
 * @example
 * ```ts
 * use(sentiment, ($) => ({ text: $.input.q }), { config: { threshold: 0.5 }, metadata: { tenant: "acme" } });
 * ```
 */
export type UseOptions<TConfig> = StepOptions &
  (Record<string, never> extends TConfig
    ? { readonly config?: TConfig }
    : { readonly config: TConfig });

/**
 * A step ready to be added with `.step(id, spec)`. `TScope` is the scope `$` its binding callback
 * receives (inferred from where the spec is used); `TOutput` is the step's output type.
 * Write factories for your own steps by returning `use(...)`.
 *
 * @example
 * ```ts
 * const spec = rag.retrieve(($) => ({ query: $.input.q })); // used inline in .step("r", spec)
 * spec.contract.type; // "ordo.rag.retrieve"
 * ```
 */
export interface StepSpec<TScope, TOutput> {
  readonly kind: "ordo.step-spec";
  readonly contract: StepContract;
  /** Returns the step inputs; called once when the step is added, with a recording scope. */
  readonly bind: (scope: TScope) => unknown;
  /** Plugin configuration: JSON literals, checked against the contract's config schema. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly options: StepOptions;
  readonly [specOutput]?: TOutput;
}

/**
 * True when `value` is a {@link StepSpec}.
 *
 * @example
 * ```ts
 * isStepSpec(llm(() => ({ prompt: "hi" }))); // true
 * ```
 */
export function isStepSpec(value: unknown): value is StepSpec<unknown, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "ordo.step-spec"
  );
}

/** Builds a spec; shared by {@link use} and the built-in factories. */
export function makeSpec<TScope, TOutput>(
  contract: StepContract,
  bind: (scope: TScope) => unknown,
  config: Readonly<Record<string, unknown>>,
  options: StepOptions,
): StepSpec<TScope, TOutput> {
  const { policies, trigger, metadata } = options;
  return Object.freeze({
    kind: "ordo.step-spec" as const,
    contract,
    bind,
    config: Object.freeze({ ...config }),
    options: Object.freeze({
      ...(policies === undefined ? {} : { policies }),
      ...(trigger === undefined ? {} : { trigger }),
      ...(metadata === undefined ? {} : { metadata }),
    }),
  });
}

/**
 * Uses any step plugin or declaration in a pipeline, typed from its zod schemas: the callback's
 * return is checked against the input schema, `config` against the config schema, and later steps
 * see `$.steps.<id>.output` typed by the output schema.
 *
 * @example
 * ```ts
 * import { pipeline, use } from "@ordo/sdk";
 * import { sentiment } from "acme-steps"; // defineStep({ type: "acme.sentiment", ... })
 * import { z } from "zod";
 *
 * pipeline({ name: "mood", version: "1.0.0", input: z.object({ q: z.string() }) })
 *   .step("s", use(sentiment, ($) => ({ text: $.input.q }), { config: { language: "en" } }))
 *   .compile().steps[0];
 * // => { id: "s", type: "acme.sentiment", typeVersion: "1.0.0", dependsOn: [],
 * //      inputs: { text: { $ref: "input.q" } }, config: { language: "en" }, ... }
 * ```
 */
export function use<
  TIn extends z.ZodType,
  TOut extends z.ZodType,
  TConf extends z.ZodType,
  TScope,
  // A type parameter (not the plain return type) keeps literals such as "en" from widening to
  // string before they are checked against the input schema's literal/enum types.
  const TBind extends BindableInputs<z.input<TIn>>,
>(
  step: StepContract<TIn, TOut, TConf>,
  bind: ($: TScope) => TBind,
  ...options: Record<string, never> extends z.input<TConf>
    ? [options?: UseOptions<z.input<TConf>>]
    : [options: UseOptions<z.input<TConf>>]
): StepSpec<TScope, z.output<TOut>> {
  const given = (options[0] ?? {}) as StepOptions & { readonly config?: Record<string, unknown> };
  return makeSpec(step as StepContract, bind, given.config ?? {}, given);
}
