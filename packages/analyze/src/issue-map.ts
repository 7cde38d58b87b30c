/**
 * Mapping IR issue paths (`$.steps[2].inputs.query`) back to source nodes of a statically located
 * chain: the step call of `steps[2]`, then the `query` property inside it when it can be found.
 * Falls back to the step id, then to the `pipeline(...)` call.
 */
import type { IrIssue, PipelineIR } from "@ordo/core";
import { type CallExpression, Node } from "ts-morph";
import type { PipelineChain, StepSite } from "./chains.js";

/** The node an IR issue is best reported at. */
export function nodeForIssue(
  issue: Pick<IrIssue, "path">,
  chain: PipelineChain,
  ir: PipelineIR | undefined,
): Node {
  const stepMatch = /^\$\.steps\[(\d+)\](.*)$/.exec(issue.path);
  if (stepMatch) {
    const index = Number(stepMatch[1]);
    // Without IR (compile failed) the builder emits steps in chain order.
    const id = ir === undefined ? chain.steps[index]?.id : ir.steps[index]?.id;
    const site =
      chain.steps.find((step) => step.id === id) ??
      (ir === undefined ? chain.steps[index] : undefined);
    if (site) return nodeInStep(site, segments(stepMatch[2] ?? ""));
  }
  const outputMatch = /^\$\.output(.*)$/.exec(issue.path);
  const output = chain.outputs.at(-1);
  if (outputMatch && output) {
    const [key] = segments(outputMatch[1] ?? "");
    return (key === undefined ? undefined : findProperty(output.call, key)) ?? output.call;
  }
  return chain.root;
}

/** Node of the step that has `stepId`, or the chain root. */
export function nodeForStep(chain: PipelineChain, stepId: unknown): Node {
  return chain.steps.find((step) => step.id === stepId)?.idNode ?? chain.root;
}

/** `.inputs.query[0]` / `.inputs["a b"]` -> `["inputs", "query", "0"]`. */
function segments(rest: string): string[] {
  const out: string[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const match of rest.matchAll(pattern)) {
    const segment =
      match[1] ?? match[2] ?? (match[3] === undefined ? undefined : JSON.parse(`"${match[3]}"`));
    if (typeof segment === "string") out.push(segment);
  }
  return out;
}

function nodeInStep(site: StepSite, path: readonly string[]): Node {
  const [section, key] = path;
  if (section === "inputs" && key !== undefined) return findProperty(site.call, key) ?? site.idNode;
  if (section === "config") return findProperty(site.call, key ?? "config") ?? site.idNode;
  if (section === "dependsOn") {
    const index = Number(key);
    return (
      site.dependsOn[Number.isInteger(index) ? index : 0]?.node ??
      site.dependsOn[0]?.node ??
      site.idNode
    );
  }
  if (section === "policies" || section === "trigger") {
    const modifier = site.modifiers.find((call) => methodName(call) === section);
    return modifier ?? findProperty(site.call, section) ?? site.idNode;
  }
  return site.idNode;
}

function methodName(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

/** First property named `key` inside the call's arguments (object literals, at any depth). */
function findProperty(call: CallExpression, key: string): Node | undefined {
  for (const arg of call.getArguments()) {
    const found = arg.getDescendants().find((node) => {
      if (Node.isPropertyAssignment(node) || Node.isShorthandPropertyAssignment(node)) {
        return node.getName() === key || node.getName() === JSON.stringify(key);
      }
      return Node.isMethodDeclaration(node) && node.getName() === key;
    });
    if (found) return found;
  }
  return undefined;
}
