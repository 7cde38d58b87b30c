/**
 * Graph helpers over a pipeline's `dependsOn` edges. They assume a validated IR (unique ids,
 * known dependencies, no cycle); {@link topologicalOrder} still fails loudly on a cycle.
 */
import { OrdoError } from "./errors.js";
import type { PipelineIR, StepIR } from "./ir.js";

type GraphInput = { readonly steps: readonly Pick<StepIR, "id" | "dependsOn">[] };

/**
 * Step ids in an order where every step comes after all its dependencies. Ties keep the
 * declaration order (Kahn's algorithm, always taking the earliest declared ready step), so the
 * result is deterministic.
 *
 * @throws OrdoError `IR_CYCLE` when the dependencies form a cycle, `IR_UNKNOWN_DEPENDENCY` when
 *   a step depends on an id that does not exist.
 *
 * @example
 * ```ts
 * import { topologicalOrder, type PipelineIR } from "@ordo/core";
 * declare const ir: PipelineIR; // c dependsOn [a, b]; a; b dependsOn [a]
 * topologicalOrder(ir); // ["a", "b", "c"]
 * ```
 */
export function topologicalOrder(ir: GraphInput | PipelineIR): string[] {
  const index = new Map(ir.steps.map((step, position) => [step.id, position]));
  const waiting = new Map<string, number>();
  for (const step of ir.steps) {
    const deps = new Set(step.dependsOn);
    for (const dep of deps) {
      if (!index.has(dep)) {
        throw new OrdoError(
          "IR_UNKNOWN_DEPENDENCY",
          `step '${step.id}' depends on '${dep}', which does not exist`,
          { details: { stepId: step.id, dependency: dep } },
        );
      }
    }
    waiting.set(step.id, deps.size);
  }
  const dependents = dependentsOf(ir);
  const ready = ir.steps.filter((step) => waiting.get(step.id) === 0).map((step) => step.id);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0));
    const id = ready.shift() as string;
    order.push(id);
    for (const next of dependents[id] ?? []) {
      const left = (waiting.get(next) ?? 0) - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length < index.size) {
    const stuck = ir.steps.map((step) => step.id).filter((id) => !order.includes(id));
    throw new OrdoError("IR_CYCLE", `steps ${stuck.join(", ")} are on or behind a cycle`, {
      details: { steps: stuck },
    });
  }
  return order;
}

/**
 * For each step id, the ids of the steps that depend on it directly, in declaration order.
 * Every step has an entry (possibly empty).
 *
 * @example
 * ```ts
 * import { dependentsOf, type PipelineIR } from "@ordo/core";
 * declare const ir: PipelineIR; // b and c depend on a
 * dependentsOf(ir); // { a: ["b", "c"], b: [], c: [] }
 * ```
 */
export function dependentsOf(ir: GraphInput | PipelineIR): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const step of ir.steps) result[step.id] ??= [];
  for (const step of ir.steps) {
    for (const dep of new Set(step.dependsOn)) {
      const list = result[dep];
      if (list !== undefined && !list.includes(step.id)) list.push(step.id);
    }
  }
  return result;
}

/**
 * Every transitive dependency of `stepId` (not including itself unless on a cycle).
 *
 * @example
 * ```ts
 * import { ancestorsOf, type PipelineIR } from "@ordo/core";
 * declare const ir: PipelineIR; // a -> b -> c
 * ancestorsOf(ir, "c"); // Set { "b", "a" }
 * ```
 */
export function ancestorsOf(ir: GraphInput | PipelineIR, stepId: string): Set<string> {
  const byId = new Map(ir.steps.map((step) => [step.id, step]));
  const seen = new Set<string>();
  const stack = [...(byId.get(stepId)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return seen;
}
