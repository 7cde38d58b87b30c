/**
 * Builder state -> canonical IR. JSON Schemas come from the contracts' zod schemas; the result is
 * validated by `@ordo/core` (the one validator shared with `ordo validate` and the runtime).
 */
import {
  IR_VERSION,
  type JsonSchema,
  OrdoError,
  type PipelineIR,
  type StepIR,
  validatePipeline,
} from "@ordo/core";
import { z } from "zod";
import type { BuilderState, StepState } from "./state.js";

const schemaCache = {
  input: new WeakMap<z.ZodType, JsonSchema>(),
  output: new WeakMap<z.ZodType, JsonSchema>(),
};

/**
 * JSON Schema of a zod schema for `io` ("input": what callers may pass; "output": what parsing
 * yields). Throws `IR_INVALID` when the schema cannot be expressed (transforms, dates, ...).
 */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output", where: string): JsonSchema {
  const cached = schemaCache[io].get(schema);
  if (cached !== undefined) return cached;
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io }) as JsonSchema;
  } catch (cause) {
    throw new OrdoError(
      "IR_INVALID",
      `${where}: the ${io} schema cannot be expressed as JSON Schema (${cause instanceof Error ? cause.message : String(cause)}); steps exchange JSON, so use JSON-compatible zod types`,
      { details: { where }, cause },
    );
  }
  schemaCache[io].set(schema, json);
  return json;
}

function stepIr(step: StepState): StepIR {
  const { contract, id } = step;
  const where = `step '${id}' (${contract.type})`;
  const dependsOn = [...new Set([...step.bindingDeps, ...step.orderDeps])].sort();
  return {
    id,
    type: contract.type,
    typeVersion: contract.version,
    dependsOn,
    inputs: { ...step.inputs },
    config: { ...step.config } as StepIR["config"],
    metadata: step.metadata,
    ...(step.policies === undefined ? {} : { policies: step.policies }),
    trigger: step.trigger ?? "all_success",
    schemas: {
      input: jsonSchemaOf(contract.input, "input", where),
      output: jsonSchemaOf(contract.output, "output", where),
      ...(contract.config === undefined
        ? {}
        : { config: jsonSchemaOf(contract.config, "input", where) }),
    },
  };
}

/** Builds and validates the IR of a builder state; throws the first issue as an `OrdoError`. */
export function compileState(state: BuilderState): PipelineIR {
  const where = `pipeline '${state.name}'`;
  if (state.steps.length === 0) {
    throw new OrdoError("IR_INVALID", `${where} has no steps; add one with .step()`, {
      details: { pipeline: state.name },
    });
  }
  const ir = {
    ordo: IR_VERSION,
    name: state.name,
    version: state.version,
    ...(state.description === undefined ? {} : { description: state.description }),
    input: jsonSchemaOf(state.input, "input", `${where} input`),
    steps: state.steps.map(stepIr),
    ...(state.output === undefined ? {} : { output: { ...state.output } }),
    ...(state.policies === undefined ? {} : { policies: state.policies }),
    ...(state.metadata === undefined ? {} : { metadata: state.metadata }),
  };
  const result = validatePipeline(ir);
  if (result.ok) return result.ir;
  const [first, ...rest] = result.issues;
  const more =
    rest.length > 0 ? ` (and ${rest.length} more issue${rest.length > 1 ? "s" : ""})` : "";
  throw new OrdoError(
    first?.code ?? "IR_INVALID",
    `${where}: ${first?.message ?? "invalid IR"}${first ? ` at ${first.path}` : ""}${more}`,
    { details: { pipeline: state.name, issues: result.issues } },
  );
}
