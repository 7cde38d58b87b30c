/**
 * The decision step, declared (implemented by the runtime's built-in plugins).
 */
import { declareStep } from "@ordo/step";
import { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A condition on the decision's `value`; every given test must hold. */
const condition = z.object({
  equals: scalar.optional(),
  notEquals: scalar.optional(),
  in: z.array(scalar).optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  /** Regular expression (JavaScript syntax) tested against a string value. */
  matches: z.string().optional(),
});

/**
 * Declaration of `ordo.decision@1.0.0`: picks the `route` of the first case whose condition holds
 * for `value` (or `default`). Downstream steps bind to `output.route`.
 *
 * @example
 * ```ts
 * import { decisionStep } from "@ordo/sdk";
 * decisionStep.type; // "ordo.decision"
 * ```
 */
export const decisionStep = declareStep({
  type: "ordo.decision",
  version: "1.0.0",
  description: "Choose a route from a value by rules.",
  input: z.object({
    value: z.unknown(),
    cases: z.array(z.object({ when: condition, route: z.string().min(1) })).min(1),
    default: z.string().min(1).optional(),
  }),
  output: z.object({
    route: z.string(),
    /** False when no case matched and `default` was used. */
    matched: z.boolean(),
    /** Index of the matching case, or null. */
    caseIndex: z.number().int().nullable(),
  }),
  metadata: { operation: "decision" },
});

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
