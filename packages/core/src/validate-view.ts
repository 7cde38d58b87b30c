/**
 * The part of a pipeline the semantic checks read, extracted defensively so that graph and
 * binding problems are reported even when the document also has shape errors.
 */

import type { OrdoErrorCode } from "./errors.js";
import type { PipelineIR } from "./ir.js";
import type { JsonSchema } from "./json.js";

/** One validation problem: a stable code, a JSON path (`$.steps[2].inputs.query`), a sentence. */
export interface IrIssue {
  readonly code: OrdoErrorCode;
  readonly path: string;
  readonly message: string;
}

/** @internal A step as the semantic checks see it. */
export interface StepView {
  /** Position in `steps` (issue paths use it). */
  readonly index: number;
  /** `undefined` when the id is missing or not a string (the shape check reports it). */
  readonly id: string | undefined;
  readonly dependsOn: readonly (string | undefined)[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputSchema: JsonSchema | undefined;
  readonly outputSchema: JsonSchema | undefined;
  readonly configSchema: JsonSchema | undefined;
  readonly policies: unknown;
  /** `metadata` as an object (`{}` when absent or malformed). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** @internal */
export interface PipelineView {
  readonly inputSchema: JsonSchema | undefined;
  readonly steps: readonly StepView[];
  readonly output: Readonly<Record<string, unknown>> | undefined;
  readonly policies: unknown;
  /** Step id -> the first step with that id. */
  readonly byId: ReadonlyMap<string, StepView>;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function schema(value: unknown): JsonSchema | undefined {
  return record(value) as JsonSchema | undefined;
}

/** @internal Build the view from a parsed IR or from unvalidated JSON. */
export function viewOf(input: PipelineIR | unknown): PipelineView {
  const root = record(input) ?? {};
  const rawSteps = Array.isArray(root.steps) ? root.steps : [];
  const steps = rawSteps.map((raw, index): StepView => {
    const step = record(raw) ?? {};
    const schemas = record(step.schemas) ?? {};
    return {
      index,
      id: typeof step.id === "string" ? step.id : undefined,
      dependsOn: Array.isArray(step.dependsOn)
        ? step.dependsOn.map((dep) => (typeof dep === "string" ? dep : undefined))
        : [],
      inputs: record(step.inputs) ?? {},
      config: record(step.config) ?? {},
      inputSchema: schema(schemas.input),
      outputSchema: schema(schemas.output),
      configSchema: schema(schemas.config),
      policies: step.policies,
      metadata: record(step.metadata) ?? {},
    };
  });
  const byId = new Map<string, StepView>();
  for (const step of steps) {
    if (step.id !== undefined && !byId.has(step.id)) byId.set(step.id, step);
  }
  return {
    inputSchema: schema(root.input),
    steps,
    output: record(root.output),
    policies: root.policies,
    byId,
  };
}
