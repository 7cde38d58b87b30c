/**
 * The typed immutable pipeline builder. Each call returns a new frozen builder whose type threads
 * one map `TSteps` (step id -> output type), so bindings, ids and dependencies are checked by tsc.
 */
import type { PipelineIR, PolicySet, TriggerRule } from "@ordo/core";
import { z } from "zod";
import { compileState } from "./compile.js";
import type { Scope } from "./ref.js";
import type { StepSpec } from "./spec.js";
import {
  addOrderDeps,
  addStep,
  type BuilderState,
  checkPolicies,
  freezeState,
  mergePolicies,
  setOutput,
  updateLastStep,
} from "./state.js";
import type { Resolved } from "./values.js";

const BUILDER_BRAND = Symbol.for("ordo.pipeline-builder");
/** Phantom key carrying the builder's types. Never present at run time. */
declare const builderTypes: unique symbol;

/**
 * A compile-time error with a sentence. When a builder call is wrong, tsc reports that the
 * argument is not assignable to `OrdoTypeError<"what is wrong and what to do">`.
 *
 * @example
 * ```ts
 * p.step("retrieve", rag.retrieve(($) => ({ query: $.input.q }))).step("retrieve", ...);
 * // error: Argument of type 'string' is not assignable to parameter of type
 * //   'OrdoTypeError<"step id 'retrieve' is already used in this pipeline; pick another id">'
 * ```
 */
export interface OrdoTypeError<Message extends string> {
  readonly "~ordoTypeError": Message;
}

/**
 * Flattens an intersection for display.
 *
 * @example
 * ```ts
 * type T = Simplify<{ a: 1 } & { b: 2 }>; // { a: 1; b: 2 }
 * ```
 */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * Step id map of a pipeline with no steps yet.
 *
 * @example
 * ```ts
 * const p: PipelineBuilder<typeof input, NoSteps> = pipeline({ name: "p", version: "1", input });
 * ```
 */
export type NoSteps = Record<never, never>;

type StepIdArg<Id extends string, TSteps> = Id extends keyof TSteps
  ? OrdoTypeError<`step id '${Id}' is already used in this pipeline; pick another id`>
  : Id;

type DependsOnArgs<Ids extends readonly string[], TSteps> = [keyof TSteps] extends [never]
  ? [OrdoTypeError<".dependsOn() applies to the last added step; add a step with .step() first">]
  : [Exclude<Ids[number], keyof TSteps>] extends [never]
    ? Ids
    : [
        OrdoTypeError<`dependsOn: step '${Exclude<Ids[number], keyof TSteps> & string}' is not defined before this step; add it with .step() first`>,
      ];

type AfterStep<TSteps, T> = [keyof TSteps] extends [never]
  ? OrdoTypeError<"this applies to the last added step; add a step with .step() first">
  : T;

/**
 * Options of {@link pipeline}.
 *
 * @example
 * ```ts
 * pipeline({ name: "qa", version: "1.0.0", input: z.object({ q: z.string() }),
 *   policies: { retention: retention.compact() }, metadata: { tenant: "acme" } });
 * // IR: { ordo: 1, name: "qa", version: "1.0.0", input: {...}, policies: { retention: { hot: "compact" } },
 * //       metadata: { tenant: "acme" }, steps: [...] }
 * ```
 */
export interface PipelineOptions<TInput extends z.ZodType> {
  /** Pipeline name: the lookup key of its executions. */
  readonly name: string;
  /** Pipeline version (semver recommended); recorded with every execution. */
  readonly version: string;
  /** Schema of the execution input; default `z.object({})`. */
  readonly input?: TInput;
  readonly description?: string;
  /** Pipeline-wide policies; each step's own policies win field by field. */
  readonly policies?: PolicySet;
  readonly metadata?: { readonly tenant?: string; readonly labels?: Record<string, string> };
}

/**
 * An immutable, typed pipeline definition. Build with {@link pipeline}; every method returns a
 * new frozen builder and leaves this one unchanged. Generics: the input schema, the step map
 * (id -> output type) and the output type; all inferred.
 *
 * @example
 * ```ts
 * const a = pipeline({ name: "p", version: "1" }).step("x", llm(() => ({ prompt: "hi" })));
 * const b = a.step("y", llm(($) => ({ prompt: $.steps.x.output.text })));
 * a.compile().steps.length; // 1: `a` is unchanged
 * b.compile().steps[1].dependsOn; // ["x"]
 * ```
 */
export class PipelineBuilder<TInput extends z.ZodType, TSteps = NoSteps, TOutput = unknown> {
  declare readonly [builderTypes]: {
    readonly input: TInput;
    readonly steps: TSteps;
    readonly output: TOutput;
  };
  readonly #state: BuilderState;

  /** @internal Use {@link pipeline}. */
  constructor(state: BuilderState) {
    this.#state = state;
    Object.defineProperty(this, BUILDER_BRAND, { value: true });
    Object.freeze(this);
  }

  /** Pipeline name. */
  get name(): string {
    return this.#state.name;
  }

  /** Pipeline version. */
  get version(): string {
    return this.#state.version;
  }

  /**
   * Adds a step. The spec's binding callback receives `$` typed with the pipeline input and the
   * outputs of the steps added before; references to a step add a dependency on it.
   *
   * @example
   * ```ts
   * pipeline({ name: "qa", version: "1.0.0", input: z.object({ question: z.string() }) })
   *   .step("retrieve", rag.retrieve(($) => ({ query: $.input.question, topK: 4 })));
   * // IR step: { id: "retrieve", type: "ordo.rag.retrieve", dependsOn: [],
   * //            inputs: { query: { $ref: "input.question" }, topK: 4 }, trigger: "all_success", ... }
   * ```
   */
  step<const Id extends string, TOut>(
    id: StepIdArg<Id, TSteps>,
    spec: StepSpec<Scope<z.output<TInput>, TSteps>, TOut>,
  ): PipelineBuilder<TInput, TSteps & { readonly [K in Id]: TOut }, TOutput> {
    return new PipelineBuilder(addStep(this.#state, id, spec));
  }

  /**
   * Adds ordering-only edges to the LAST added step: it runs after `ids` even though it reads
   * none of their outputs. Unknown ids are type errors (and `IR_UNKNOWN_DEPENDENCY` at run time).
   *
   * @example
   * ```ts
   * p.step("notify", use(notify, ($) => ({ text: "done" }))).dependsOn("store");
   * // IR step: { id: "notify", dependsOn: ["store"], ... }
   * ```
   */
  dependsOn<const Ids extends readonly string[]>(
    ...ids: DependsOnArgs<Ids, TSteps>
  ): PipelineBuilder<TInput, TSteps, TOutput> {
    return new PipelineBuilder(addOrderDeps(this.#state, ids));
  }

  /**
   * Sets policies of the LAST added step, merged with its earlier `.policies()` calls:
   * retry/timeout/retention are replaced, limit lists are appended, and admission policies are
   * narrowed (both apply, as between a pipeline and its steps: blocked lists united, allowed
   * lists intersected; see `narrowAdmission`), so a later call can never widen what an earlier
   * one refused. Two allowed lists with nothing in common throw `IR_INVALID_POLICY`.
   * Pipeline-wide policies go in `pipeline({ policies })`.
   *
   * @example
   * ```ts
   * p.step("answer", llm(($) => ({ prompt: $.input.q }), { provider: "openai", model: "gpt-4.1" }))
   *   .policies({ retry: retry.exponential({ maxAttempts: 4, baseDelayMs: 200 }) })
   *   .policies({ admission: { allowedModels: ["openai:gpt-4.1", "openai:gpt-4o"] } })
   *   .policies({ admission: { blockedModels: ["openai:gpt-4o"], reason: "deprecated" } });
   * // IR step "answer": policies: {
   * //   retry: { maxAttempts: 4, strategy: "exponential", baseDelayMs: 200 },
   * //   admission: { allowedModels: ["openai:gpt-4.1"], blockedModels: ["openai:gpt-4o"],
   * //     reason: "deprecated" } }
   * ```
   */
  policies(set: AfterStep<TSteps, PolicySet>): PipelineBuilder<TInput, TSteps, TOutput> {
    const checked = checkPolicies(set, "step");
    return new PipelineBuilder(
      updateLastStep(this.#state, "policies", (step) => ({
        ...step,
        policies: mergePolicies(step.policies, checked, `step '${step.id}'`),
      })),
    );
  }

  /**
   * Sets the trigger rule of the LAST added step (default `all_success`).
   *
   * @example
   * ```ts
   * p.step("fallback", use(cleanup, () => ({}))).dependsOn("a", "b").trigger("all_done");
   * // IR step "fallback": { dependsOn: ["a", "b"], trigger: "all_done", ... }
   * ```
   */
  trigger(rule: AfterStep<TSteps, TriggerRule>): PipelineBuilder<TInput, TSteps, TOutput> {
    return new PipelineBuilder(
      updateLastStep(this.#state, "trigger", (step) => ({ ...step, trigger: rule as TriggerRule })),
    );
  }

  /**
   * Sets the pipeline result: an object of references/templates/literals over input and outputs.
   *
   * @example
   * ```ts
   * p.output(($) => ({ answer: $.steps.answer.output.text }));
   * // IR: output: { answer: { $ref: "steps.answer.output.text" } }
   * ```
   */
  output<const R extends Readonly<Record<string, unknown>>>(
    mapping: ($: Scope<z.output<TInput>, TSteps>) => R,
  ): PipelineBuilder<TInput, TSteps, Simplify<Resolved<R>>> {
    return new PipelineBuilder(setOutput(this.#state, mapping));
  }

  /**
   * Builds the IR and validates it with `validatePipeline` from `@ordo/core`. Throws the
   * `OrdoError` of the first issue (all issues in `error.details.issues`).
   *
   * @example
   * ```ts
   * const ir = qa.compile();
   * // { ordo: 1, name: "qa", version: "1.0.0", input: { type: "object", ... }, steps: [...] }
   * ```
   */
  compile(): PipelineIR {
    return compileState(this.#state);
  }
}

/**
 * Starts a pipeline definition.
 *
 * @example
 * ```ts
 * import { llm, pipeline } from "@ordo/sdk";
 * import { z } from "zod";
 *
 * export default pipeline({ name: "hello", version: "1.0.0", input: z.object({ name: z.string() }) })
 *   .step("greet", llm(($) => ({ prompt: $.template`Greet ${$.input.name}` }), {
 *     provider: "openai",
 *     model: "gpt-4.1-mini",
 *   }))
 *   .output(($) => ({ greeting: $.steps.greet.output.text }));
 * // compile() => { ordo: 1, name: "hello", steps: [{ id: "greet", type: "ordo.llm.chat",
 * //   inputs: { prompt: { $template: "Greet {{input.name}}" } }, ... }],
 * //   output: { greeting: { $ref: "steps.greet.output.text" } } }
 * ```
 */
export function pipeline<TInput extends z.ZodType = z.ZodObject<Record<never, never>>>(
  options: PipelineOptions<TInput>,
): PipelineBuilder<TInput> {
  const { name, version, description, policies, metadata } = options;
  return new PipelineBuilder<TInput>(
    freezeState({
      name,
      version,
      description,
      input: options.input ?? z.object({}),
      policies: policies === undefined ? undefined : checkPolicies(policies, `pipeline '${name}'`),
      metadata,
      steps: [],
      output: undefined,
    }),
  );
}

/**
 * True when `value` is a pipeline builder (also from another copy of `@ordo/sdk`). The CLI uses
 * it to find pipelines among a module's exports.
 *
 * @example
 * ```ts
 * import * as mod from "./pipelines/qa.js";
 * const found = Object.values(mod).filter(isPipelineBuilder).map((p) => p.compile());
 * ```
 */
export function isPipelineBuilder(
  value: unknown,
): value is PipelineBuilder<z.ZodType, unknown, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BUILDER_BRAND] === true &&
    typeof (value as { compile?: unknown }).compile === "function"
  );
}

type TypesOf<P> = P extends { readonly [builderTypes]: infer T } ? T : never;

/**
 * The input a pipeline's executions accept (before its schema's defaults/transforms).
 *
 * @example
 * ```ts
 * type In = InputOf<typeof qa>; // { question: string }
 * ```
 */
export type InputOf<P> =
  TypesOf<P> extends { readonly input: infer I extends z.ZodType } ? z.input<I> : never;

/**
 * The result type of a pipeline, from its `.output()` mapping (`unknown` without one).
 *
 * @example
 * ```ts
 * type Out = OutputOf<typeof qa>; // { answer: string }
 * ```
 */
export type OutputOf<P> = TypesOf<P> extends { readonly output: infer O } ? O : never;

/**
 * Step id -> output type of a pipeline.
 *
 * @example
 * ```ts
 * type Docs = StepsOf<typeof qa>["retrieve"]["documents"]; // RagDocument[]
 * ```
 */
export type StepsOf<P> = TypesOf<P> extends { readonly steps: infer S } ? Simplify<S> : never;
