/** Graph checks: duplicate ids, unknown and self dependencies, cycles (with their path). */
import { formatJsonPath } from "./json-path.js";
import { didYouMean } from "./suggest.js";
import type { IrIssue, PipelineView, StepView } from "./validate-view.js";

/** @internal */
export function checkGraph(view: PipelineView): IrIssue[] {
  return [...checkIds(view), ...checkDependencies(view), ...checkCycles(view)];
}

function checkIds(view: PipelineView): IrIssue[] {
  const issues: IrIssue[] = [];
  for (const step of view.steps) {
    if (step.id === undefined) continue;
    const first = view.byId.get(step.id);
    if (first !== undefined && first !== step) {
      issues.push({
        code: "IR_DUPLICATE_STEP_ID",
        path: formatJsonPath(["steps", step.index, "id"]),
        message: `step id '${step.id}' is already used by $.steps[${first.index}]; give every step a unique id`,
      });
    }
  }
  return issues;
}

function checkDependencies(view: PipelineView): IrIssue[] {
  const issues: IrIssue[] = [];
  for (const step of view.steps) {
    step.dependsOn.forEach((dep, position) => {
      if (dep === undefined) return;
      const path = formatJsonPath(["steps", step.index, "dependsOn", position]);
      if (dep === step.id) {
        issues.push({
          code: "IR_SELF_DEPENDENCY",
          path,
          message: `step '${dep}' depends on itself; remove '${dep}' from its dependsOn`,
        });
      } else if (!view.byId.has(dep)) {
        issues.push({
          code: "IR_UNKNOWN_DEPENDENCY",
          path,
          message: `step '${step.id ?? `#${step.index}`}' depends on '${dep}', which is not a step of this pipeline${didYouMean(dep, view.byId.keys())}`,
        });
      }
    });
  }
  return issues;
}

/** Known, non-self dependencies of a step, as steps (first occurrence of each id). */
function edges(view: PipelineView, step: StepView): StepView[] {
  const result: StepView[] = [];
  for (const dep of new Set(step.dependsOn)) {
    const target = dep === undefined || dep === step.id ? undefined : view.byId.get(dep);
    if (target !== undefined) result.push(target);
  }
  return result;
}

/** Strongly connected components (recursive Tarjan; depth = longest dependency chain). */
function components(view: PipelineView): StepView[][] {
  const nodes = [...view.byId.values()];
  const index = new Map<StepView, number>();
  const low = new Map<StepView, number>();
  const stack: StepView[] = [];
  const onStack = new Set<StepView>();
  const result: StepView[][] = [];
  let counter = 0;
  const visit = (node: StepView): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges(view, node)) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: StepView[] = [];
      let member: StepView | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      result.push(component);
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return result;
}

/** Shortest dependsOn path from `start` back to itself inside one component (BFS). */
function cycleThrough(view: PipelineView, start: StepView, members: Set<StepView>): StepView[] {
  const previous = new Map<StepView, StepView>();
  const queue: StepView[] = [start];
  while (queue.length > 0) {
    const node = queue.shift() as StepView;
    for (const next of edges(view, node)) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0] as StepView) as StepView);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

function checkCycles(view: PipelineView): IrIssue[] {
  const issues: IrIssue[] = [];
  const cyclic = components(view).filter((component) => component.length > 1);
  for (const component of cyclic) {
    // Start at the earliest declared member so the report is stable.
    const start = component.reduce((a, b) => (b.index < a.index ? b : a));
    const cycle = cycleThrough(view, start, new Set(component));
    const next = cycle[1];
    const position = start.dependsOn.indexOf(next?.id);
    issues.push({
      code: "IR_CYCLE",
      path: formatJsonPath(["steps", start.index, "dependsOn", position]),
      message: `dependency cycle ${cycle.map((s) => s.id).join(" -> ")} (each step depends on the next); remove one of these dependsOn edges or bindings`,
    });
  }
  return issues;
}
