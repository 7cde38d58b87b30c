/**
 * The decision step factory over the shared `ordo.decision` declaration of `@ordo/step/builtins`
 * (implemented by `@ordo/step-http`).
 */
import { decisionStep } from "@ordo/step/builtins";
import type { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

export { decisionStep };

/**
 * A rule-based decision step.
 *
 * @example
 * ```ts
 * p.step("route", decision(($) => ({
 *   value: $.steps.classify.output.text,
 *   cases: [{ when: { equals: "urgent" }, route: "page" }],
 *   default: "queue",
 * })));
 * // IR inputs: { value: { $ref: "steps.classify.output.text" },
 * //   cases: [{ when: { equals: "urgent" }, route: "page" }], default: "queue" }
 * ```
 */
export function decision<TScope>(
  bind: ($: TScope) => BindableInputs<z.input<typeof decisionStep.input>>,
  options: StepOptions = {},
): StepSpec<TScope, z.output<typeof decisionStep.output>> {
  const split = splitOptions(options);
  return makeSpec(decisionStep, bind, split.config, split.options);
}
