/**
 * The `ordo.decision` step contract: declared by `@ordo/sdk` (`decision()`), implemented by
 * `@ordo/step-http`. Rules are JSON, so the IR stays data and `ordo check` can read them.
 */
import { z } from "zod";
import { declareStep } from "../declare-step.js";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * A condition on the decision's `value`; every given test must hold.
 *
 * @example
 * ```ts
 * decisionConditionSchema.parse({ gte: 0.9 });
 * ```
 */
export const decisionConditionSchema = z.object({
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
 * A condition of a decision case.
 *
 * @example
 * ```ts
 * const urgent: DecisionCondition = { matches: "^urgent" };
 * ```
 */
export type DecisionCondition = z.output<typeof decisionConditionSchema>;

/**
 * Declaration of `ordo.decision@1.0.0`: picks the `route` of the first case whose condition holds
 * for `value` (or `default`). Downstream steps bind to `output.route`.
 *
 * @example
 * ```ts
 * import { decisionStep } from "@ordo/step/builtins";
 * decisionStep.type; // "ordo.decision"
 * ```
 */
export const decisionStep = declareStep({
  type: "ordo.decision",
  version: "1.0.0",
  description: "Choose a route from a value by rules.",
  input: z.object({
    value: z.unknown(),
    cases: z.array(z.object({ when: decisionConditionSchema, route: z.string().min(1) })).min(1),
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
