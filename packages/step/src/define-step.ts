/**
 * `defineStep`: the one function a step plugin package needs.
 */
import type { StepMetadata } from "@ordo/core";
import type { z } from "zod";
import type { StepContext } from "./context.js";

/**
 * What a step declares about itself, without code: its identity and schemas. Shared by
 * {@link StepDefinition} (with `run`) and `StepDeclaration` (without), so a builder can type and
 * compile a step from either.
 *
 * @example
 * ```ts
 * import type { StepContract } from "@ordo/step";
 * const describe = (step: StepContract) => `${step.type}@${step.version}`; // "acme.sentiment@1.0.0"
 * ```
 */
export interface StepContract<
  TInput extends z.ZodType = z.ZodType,
  TOutput extends z.ZodType = z.ZodType,
  TConfig extends z.ZodType = z.ZodType,
> {
  /** Globally unique plugin type, dotted, e.g. `acme.sentiment`. */
  readonly type: string;
  /** Semver of the plugin; the IR records it. */
  readonly version: string;
  /** Schema of the step input; validated before `run`. */
  readonly input: TInput;
  /** Schema of the step output; validated after `run`. Output must survive JSON. */
  readonly output: TOutput;
  /** Schema of the static plugin configuration (literals in the IR). */
  readonly config?: TConfig;
  /** Default provider/model/operation metadata. */
  readonly metadata?: StepMetadata;
  /** One-line description for docs and `ordo graph`. */
  readonly description?: string;
}

/** Options of {@link defineStep}. */
export interface StepDefinition<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TConfig extends z.ZodType = z.ZodType<Record<string, never>>,
> extends StepContract<TInput, TOutput, TConfig> {
  /** Does the work of one attempt. Throw to fail (see NonRetryableError, RetryAfterError). */
  run(input: z.output<TInput>, ctx: StepContext<z.output<TConfig>>): Promise<z.input<TOutput>>;
}

/** A step plugin: a definition branded so runtimes and builders can recognise it. */
export interface StepPlugin<
  TInput extends z.ZodType = z.ZodType,
  TOutput extends z.ZodType = z.ZodType,
  TConfig extends z.ZodType = z.ZodType,
> extends StepDefinition<TInput, TOutput, TConfig> {
  readonly kind: "ordo.step";
}

/**
 * Defines a step plugin with zod schemas for input, output and config.
 *
 * @example
 * ```ts
 * import { defineStep } from "@ordo/step";
 * import { z } from "zod";
 *
 * export const sentiment = defineStep({
 *   type: "acme.sentiment",
 *   version: "1.0.0",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ score: z.number() }),
 *   async run({ text }) {
 *     return { score: text.includes("great") ? 1 : 0 };
 *   },
 * });
 * ```
 */
export function defineStep<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TConfig extends z.ZodType = z.ZodType<Record<string, never>>,
>(definition: StepDefinition<TInput, TOutput, TConfig>): StepPlugin<TInput, TOutput, TConfig> {
  return Object.freeze({ ...definition, kind: "ordo.step" as const });
}

/**
 * True when `value` is a plugin made by {@link defineStep} (also from another package copy).
 *
 * @example
 * ```ts
 * import { isStepPlugin } from "@ordo/step";
 * isStepPlugin({}); // false
 * ```
 */
export function isStepPlugin(value: unknown): value is StepPlugin {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "ordo.step" &&
    typeof (value as { run?: unknown }).run === "function"
  );
}
