/**
 * `ordo.decision`: picks a route from a value by data-only rules (contract shared with the sdk's
 * `decision()` through `@ordo/step/builtins`). Rules are JSON, so the IR stays data and
 * `ordo check` can read them.
 *
 * Branching contract: the step's output `route` is the chosen branch. Downstream steps select
 * their branch by binding to `steps.<id>.output.route`; how the runtime skips the steps of
 * branches not taken (and records them as skipped) is the runtime's concern, not this plugin's.
 */
import { implementStep, NonRetryableError, type StepPlugin } from "@ordo/step";
import { type DecisionCondition, decisionStep } from "@ordo/step/builtins";

export { decisionConditionSchema } from "@ordo/step/builtins";
export type { DecisionCondition };

/**
 * `ordo.decision@1.0.0`: the shared declaration of `@ordo/step/builtins` (the same object as the
 * sdk's `decisionStep`), under this package's name.
 */
export const decisionContract = decisionStep;

/**
 * True when `value` satisfies every test given in `condition` (an empty condition always holds).
 * Numeric tests need a number, `matches` a string; otherwise they fail (never throw).
 *
 * @example
 * ```ts
 * matchesCondition(7, { gte: 5, lt: 10 }); // true
 * matchesCondition("urgent: disk", { matches: "^urgent" }); // true
 * ```
 */
export function matchesCondition(value: unknown, condition: DecisionCondition): boolean {
  const c = condition;
  const num = typeof value === "number" ? value : undefined;
  if (c.equals !== undefined && value !== c.equals) return false;
  if (c.notEquals !== undefined && value === c.notEquals) return false;
  if (c.in !== undefined && !c.in.some((candidate) => candidate === value)) return false;
  if (c.gt !== undefined && !(num !== undefined && num > c.gt)) return false;
  if (c.gte !== undefined && !(num !== undefined && num >= c.gte)) return false;
  if (c.lt !== undefined && !(num !== undefined && num < c.lt)) return false;
  if (c.lte !== undefined && !(num !== undefined && num <= c.lte)) return false;
  if (c.matches !== undefined) {
    if (typeof value !== "string") return false;
    if (!new RegExp(c.matches).test(value)) return false;
  }
  return true;
}

/** The plugin type of {@link decisionPlugin}. */
export type DecisionPlugin = StepPlugin<
  typeof decisionContract.input,
  typeof decisionContract.output
>;

/**
 * The `ordo.decision` plugin: the first case whose condition holds wins; else `default`; else the
 * step fails without retry (a decision with no route is a pipeline bug, retrying cannot help).
 *
 * @example
 * ```ts
 * import { createWorker } from "@ordo/runtime";
 * import { decisionPlugin } from "@ordo/step-http";
 * const worker = createWorker({ connection: "redis://localhost:6379", plugins: [decisionPlugin] });
 * // input { value: 0.93, cases: [{ when: { gte: 0.9 }, route: "auto" }], default: "review" }
 * // output { route: "auto", matched: true, caseIndex: 0 }
 * ```
 */
export const decisionPlugin: DecisionPlugin = implementStep(
  decisionContract,
  async (input, ctx) => {
    for (const [index, c] of input.cases.entries()) {
      let holds: boolean;
      try {
        holds = matchesCondition(input.value, c.when);
      } catch (error) {
        throw new NonRetryableError(
          `step ${ctx.stepId}: case ${index} has an invalid rule: ${String(error)}`,
          {
            details: { stepId: ctx.stepId, caseIndex: index },
          },
        );
      }
      if (holds) {
        ctx.logger.info("decision matched", { route: c.route, caseIndex: index });
        return { route: c.route, matched: true, caseIndex: index };
      }
    }
    if (input.default === undefined) {
      throw new NonRetryableError(
        `step ${ctx.stepId}: no case matched and there is no default route`,
        {
          details: { stepId: ctx.stepId },
        },
      );
    }
    return { route: input.default, matched: false, caseIndex: null };
  },
);
