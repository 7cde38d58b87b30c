/**
 * @packageDocumentation
 * `@ordo/step` — the plugin contract. The only dependency a step plugin package takes.
 *
 * @example
 * ```ts
 * import { defineStep, NonRetryableError } from "@ordo/step";
 * import { z } from "zod";
 *
 * export const upper = defineStep({
 *   type: "example.upper",
 *   version: "1.0.0",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ text: z.string() }),
 *   async run({ text }) {
 *     if (text.length === 0) throw new NonRetryableError("text is empty");
 *     return { text: text.toUpperCase() };
 *   },
 * });
 * ```
 */

export { isOrdoError, OrdoError } from "@ordo/core";
export type { StepContext, StepLogger } from "./context.js";
export type { StepDefinition, StepPlugin } from "./define-step.js";
export { defineStep, isStepPlugin } from "./define-step.js";
export { NonRetryableError, RetryAfterError } from "./errors.js";
