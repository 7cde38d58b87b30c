/**
 * Step declarations: a step's identity and schemas without its code. Built-in steps are declared
 * in `@ordo/sdk` (so pipelines type-check and compile without vendor SDKs) and implemented in their
 * own packages (`@ordo/step-llm`, ...) with {@link implementStep}, which keeps type, version and
 * schemas identical by construction.
 */
import type { z } from "zod";
import type { StepContext } from "./context.js";
import { defineStep, type StepContract, type StepPlugin } from "./define-step.js";

/**
 * A step contract without `run`, branded so builders recognise it. See {@link declareStep}.
 *
 * @example
 * ```ts
 * import type { StepDeclaration } from "@ordo/step";
 * const isLlm = (d: StepDeclaration) => d.type === "ordo.llm";
 * ```
 */
export interface StepDeclaration<
  TInput extends z.ZodType = z.ZodType,
  TOutput extends z.ZodType = z.ZodType,
  TConfig extends z.ZodType = z.ZodType,
> extends StepContract<TInput, TOutput, TConfig> {
  readonly kind: "ordo.step-declaration";
}

/**
 * The `run` function of a declared step, as passed to {@link implementStep}.
 *
 * @example
 * ```ts
 * const run: StepRun<typeof upper.input, typeof upper.output, z.ZodObject<{}>> = async ({ text }) => ({ text });
 * ```
 */
export type StepRun<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TConfig extends z.ZodType,
> = (input: z.output<TInput>, ctx: StepContext<z.output<TConfig>>) => Promise<z.input<TOutput>>;

/**
 * Declares a step's type, version and schemas without code. A pipeline can use the declaration
 * (it compiles to the same IR as the plugin); a worker needs the implementation.
 *
 * @example
 * ```ts
 * import { declareStep } from "@ordo/step";
 * import { z } from "zod";
 *
 * export const translate = declareStep({
 *   type: "acme.translate",
 *   version: "1.0.0",
 *   input: z.object({ text: z.string(), to: z.string() }),
 *   output: z.object({ text: z.string() }),
 *   config: z.object({ provider: z.string() }),
 * });
 * ```
 */
export function declareStep<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TConfig extends z.ZodType = z.ZodType<Record<string, never>>,
>(contract: StepContract<TInput, TOutput, TConfig>): StepDeclaration<TInput, TOutput, TConfig> {
  const { type, version, input, output, config, metadata, description } = contract;
  return Object.freeze({
    kind: "ordo.step-declaration" as const,
    type,
    version,
    input,
    output,
    ...(config === undefined ? {} : { config }),
    ...(metadata === undefined ? {} : { metadata: Object.freeze({ ...metadata }) }),
    ...(description === undefined ? {} : { description }),
  });
}

/**
 * Implements a declared step: returns a {@link StepPlugin} with the declaration's type, version,
 * schemas and metadata, and the given `run`.
 *
 * @example
 * ```ts
 * import { declareStep, implementStep } from "@ordo/step";
 * import { z } from "zod";
 *
 * const upper = declareStep({
 *   type: "example.upper",
 *   version: "1.0.0",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ text: z.string() }),
 * });
 * export const upperPlugin = implementStep(upper, async ({ text }) => ({ text: text.toUpperCase() }));
 * upperPlugin.type; // "example.upper"
 * ```
 */
export function implementStep<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TConfig extends z.ZodType,
>(
  declaration: StepDeclaration<TInput, TOutput, TConfig>,
  run: StepRun<TInput, TOutput, TConfig>,
): StepPlugin<TInput, TOutput, TConfig> {
  const { kind: _kind, ...contract } = declaration;
  return defineStep<TInput, TOutput, TConfig>({ ...contract, run });
}

/**
 * True when `value` is a declaration made by {@link declareStep} (also from another package copy).
 *
 * @example
 * ```ts
 * import { isStepDeclaration } from "@ordo/step";
 * isStepDeclaration({ kind: "ordo.step" }); // false
 * ```
 */
export function isStepDeclaration(value: unknown): value is StepDeclaration {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "ordo.step-declaration"
  );
}

/**
 * True for anything a pipeline builder accepts as a step: a plugin or a declaration.
 *
 * @example
 * ```ts
 * import { isStepContract } from "@ordo/step";
 * isStepContract(null); // false
 * ```
 */
export function isStepContract(value: unknown): value is StepContract {
  if (typeof value !== "object" || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  const { type, version } = value as { type?: unknown; version?: unknown };
  return (
    (kind === "ordo.step" || kind === "ordo.step-declaration") &&
    typeof type === "string" &&
    typeof version === "string"
  );
}
