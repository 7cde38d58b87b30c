/**
 * The HTTP tool-call step factory over the shared `ordo.tool.http` declaration of
 * `@ordo/step/builtins` (implemented by `@ordo/step-http`).
 */
import { httpToolStep } from "@ordo/step/builtins";
import type { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

export { httpToolStep };

/**
 * Options of {@link tool}`.http`: its config plus the common step options.
 *
 * @example
 * ```ts
 * tool.http(() => ({ url: "https://api.example.com/x" }), { allowedHosts: ["api.example.com"], requestTimeoutMs: 5000 });
 * ```
 */
export type HttpToolOptions = z.input<NonNullable<typeof httpToolStep.config>> & StepOptions;

/**
 * Tool-call step factories.
 *
 * @example
 * ```ts
 * p.step("weather", tool.http(($) => ({ url: "https://api.example.com/weather", query: { city: $.input.city } }), {
 *   allowedHosts: ["api.example.com"],
 * }));
 * // IR step: { type: "ordo.tool.http", config: { allowedHosts: ["api.example.com"] },
 * //   inputs: { url: "https://api.example.com/weather", query: { city: { $ref: "input.city" } } }, ... }
 * ```
 */
export const tool = Object.freeze({
  http<TScope>(
    bind: ($: TScope) => BindableInputs<z.input<typeof httpToolStep.input>>,
    options: HttpToolOptions = {},
  ): StepSpec<TScope, z.output<typeof httpToolStep.output>> {
    const split = splitOptions(options);
    return makeSpec(httpToolStep, bind, split.config, split.options);
  },
});
