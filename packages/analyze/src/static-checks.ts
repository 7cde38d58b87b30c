/**
 * IR rules checked on the source, before anything runs: duplicate and malformed step ids,
 * `dependsOn` of unknown, later or self steps, bindings to unknown or later steps, cycles, and
 * pipeline outputs that reference unknown steps. Each finding points at the offending node.
 *
 * The builder only sees steps added before the current one, so a reference to a step added later
 * is reported as "not defined before", with the code the builder throws at run time.
 */
import { STEP_ID_PATTERN } from "@ordo/core";
import type { Node } from "ts-morph";
import type { PipelineChain, StepReference, StepSite } from "./chains.js";
import { type Diagnostic, diagnosticAt } from "./diagnostic.js";

/** Checks one chain; returns its diagnostics (unsorted). */
export function checkChain(chain: PipelineChain): Diagnostic[] {
  const out: Diagnostic[] = [];
  const where = chain.name === undefined ? "this pipeline" : `pipeline '${chain.name}'`;
  const index = indexSteps(chain, where, out);
  // A step whose id is not a literal could be any id: unknown references become warnings.
  const dynamic = chain.steps.some((step) => step.id === undefined);
  const severity = dynamic ? "warning" : "error";
  chain.steps.forEach((step, position) => {
    if (step.id === undefined) return;
    for (const dependency of step.dependsOn) {
      checkDependency(step, position, dependency, index, severity, out);
    }
    for (const reference of step.references) {
      checkBinding(step, position, reference, index, severity, out);
    }
  });
  for (const output of chain.outputs) {
    for (const reference of output.references) {
      if (index.has(reference.stepId)) continue;
      const message = `pipeline output references step '${reference.stepId}', which does not exist in ${where}`;
      out.push(diagnosticAt(reference.node, "IR_UNKNOWN_OUTPUT_STEP", message, severity));
    }
  }
  out.push(...findCycles(chain, index));
  return out;
}

/** id -> position of its first definition; reports duplicates and malformed ids. */
function indexSteps(chain: PipelineChain, where: string, out: Diagnostic[]): Map<string, number> {
  const index = new Map<string, number>();
  chain.steps.forEach((step, position) => {
    if (step.id === undefined) return;
    if (!STEP_ID_PATTERN.test(step.id)) {
      const message = `step id '${step.id}' is invalid: ids start with a letter, then letters, digits, '_' or '-' (at most 64)`;
      out.push(diagnosticAt(step.idNode, "IR_INVALID", message));
    }
    if (index.has(step.id)) {
      const message = `step id '${step.id}' is already used in ${where}; pick another id`;
      out.push(diagnosticAt(step.idNode, "IR_DUPLICATE_STEP_ID", message));
      return;
    }
    index.set(step.id, position);
  });
  return index;
}

function checkDependency(
  step: StepSite,
  position: number,
  dependency: StepReference,
  index: ReadonlyMap<string, number>,
  severity: Diagnostic["severity"],
  out: Diagnostic[],
): void {
  const target = index.get(dependency.stepId);
  if (dependency.stepId === step.id) {
    const message = `step '${step.id}' cannot depend on itself`;
    out.push(diagnosticAt(dependency.node, "IR_SELF_DEPENDENCY", message));
  } else if (target === undefined) {
    const message = `step '${step.id}' depends on '${dependency.stepId}', which does not exist`;
    out.push(diagnosticAt(dependency.node, "IR_UNKNOWN_DEPENDENCY", message, severity));
  } else if (target > position) {
    const message = `step '${step.id}' depends on '${dependency.stepId}', which is not defined before it; move it earlier`;
    out.push(diagnosticAt(dependency.node, "IR_UNKNOWN_DEPENDENCY", message));
  }
}

function checkBinding(
  step: StepSite,
  position: number,
  reference: StepReference,
  index: ReadonlyMap<string, number>,
  severity: Diagnostic["severity"],
  out: Diagnostic[],
): void {
  const target = index.get(reference.stepId);
  if (target === undefined) {
    const known = [...index.keys()].filter((id) => (index.get(id) ?? 0) < position);
    const hint =
      known.length === 0
        ? "no step is defined before it"
        : `defined before it: ${known.join(", ")}`;
    const message = `step '${step.id}' binds to unknown step '${reference.stepId}' (${hint})`;
    out.push(diagnosticAt(reference.node, "IR_BINDING_UNKNOWN_STEP", message, severity));
  } else if (target >= position) {
    const what =
      target === position ? "itself" : `step '${reference.stepId}', which is defined after it`;
    const message = `step '${step.id}' binds to ${what}; a step can only read outputs of steps added before it`;
    out.push(diagnosticAt(reference.node, "IR_BINDING_NOT_ANCESTOR", message));
  }
}

/**
 * Cycles through dependsOn and binding edges (only possible with forward references, which are
 * reported above as well; the cycle report names the whole loop).
 */
function findCycles(chain: PipelineChain, index: ReadonlyMap<string, number>): Diagnostic[] {
  const edges = new Map<string, { to: string; node: Node }[]>();
  for (const step of chain.steps) {
    if (step.id === undefined || index.get(step.id) !== chain.steps.indexOf(step)) continue;
    const targets = [...step.dependsOn, ...step.references]
      .filter((reference) => index.has(reference.stepId) && reference.stepId !== step.id)
      .map((reference) => ({ to: reference.stepId, node: reference.node }));
    edges.set(step.id, targets);
  }
  const state = new Map<string, "visiting" | "done">();
  const out: Diagnostic[] = [];
  const visit = (id: string, trail: string[]): void => {
    state.set(id, "visiting");
    for (const edge of edges.get(id) ?? []) {
      if (state.get(edge.to) === "visiting") {
        const loop = [...trail.slice(trail.indexOf(edge.to)), id, edge.to];
        out.push(
          diagnosticAt(edge.node, "IR_CYCLE", `dependencies form a cycle: ${loop.join(" -> ")}`),
        );
      } else if (state.get(edge.to) === undefined) {
        visit(edge.to, [...trail, id]);
      }
    }
    state.set(id, "done");
  };
  for (const id of edges.keys()) if (state.get(id) === undefined) visit(id, []);
  return out;
}
