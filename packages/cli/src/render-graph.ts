/**
 * Text renderings of a pipeline DAG: Mermaid flowcharts (GitHub renders them in markdown) and
 * Graphviz DOT. Nodes show the step id and plugin type; edges follow `dependsOn`. A step whose
 * trigger rule is not the default `all_success` gets its rule on the node and on its incoming
 * edges (dashed), so joins that also run after failures stand out.
 */
import type { PipelineIR, StepIR } from "@ordo/core";

/** Output formats of {@link renderGraph}. */
export type GraphFormat = "mermaid" | "dot";

/**
 * Renders the DAG of `ir` in `format`; output ends with a newline.
 *
 * @example
 * ```ts
 * import { renderGraph } from "@ordo/cli";
 * console.log(renderGraph(qa.compile(), "mermaid"));
 * // flowchart TD
 * //   s0["<b>retrieve</b><br/>ordo.rag.retrieve"]
 * //   s1["<b>answer</b><br/>ordo.llm.chat"]
 * //   s0 --> s1
 * ```
 */
export function renderGraph(ir: PipelineIR, format: GraphFormat): string {
  return format === "dot" ? renderDot(ir) : renderMermaid(ir);
}

function isDefaultTrigger(step: StepIR): boolean {
  return step.trigger === "all_success";
}

function renderMermaid(ir: PipelineIR): string {
  // Mermaid node ids must be plain words; step ids may contain '-', so nodes are s0, s1, ...
  const nodeId = new Map(ir.steps.map((step, index) => [step.id, `s${index}`]));
  const lines = ["flowchart TD", `  %% ${mermaidText(ir.name)} ${mermaidText(ir.version)}`];
  for (const step of ir.steps) {
    const trigger = isDefaultTrigger(step) ? "" : `<br/>trigger: ${step.trigger}`;
    const label = `<b>${mermaidText(step.id)}</b><br/>${mermaidText(step.type)}${trigger}`;
    lines.push(`  ${nodeId.get(step.id)}["${label}"]`);
  }
  for (const step of ir.steps) {
    for (const dependency of step.dependsOn) {
      const from = nodeId.get(dependency) ?? mermaidText(dependency);
      const to = nodeId.get(step.id);
      lines.push(
        isDefaultTrigger(step) ? `  ${from} --> ${to}` : `  ${from} -. ${step.trigger} .-> ${to}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Mermaid labels are quoted; quotes and angle brackets become HTML entities. */
function mermaidText(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

function renderDot(ir: PipelineIR): string {
  const lines = [
    `digraph ${dotString(`${ir.name}@${ir.version}`)} {`,
    "  rankdir=TB;",
    "  node [shape=box, style=rounded];",
  ];
  for (const step of ir.steps) {
    const trigger = isDefaultTrigger(step) ? "" : `\\ntrigger: ${step.trigger}`;
    const label = `${dotEscape(step.id)}\\n${dotEscape(step.type)}${trigger}`;
    lines.push(`  ${dotString(step.id)} [label="${label}"];`);
  }
  for (const step of ir.steps) {
    for (const dependency of step.dependsOn) {
      const attributes = isDefaultTrigger(step)
        ? ""
        : ` [label=${dotString(step.trigger)}, style=dashed]`;
      lines.push(`  ${dotString(dependency)} -> ${dotString(step.id)}${attributes};`);
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function dotEscape(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

function dotString(text: string): string {
  return `"${dotEscape(text)}"`;
}
