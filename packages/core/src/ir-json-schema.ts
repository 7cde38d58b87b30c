/**
 * The IR's own JSON Schema, generated from the zod schemas (the single source of truth) so that
 * editors and non-TypeScript tools can check `*.dag.json` files. Committed as
 * `docs/ir.schema.json`; a test regenerates it and fails when the committed file is stale.
 */
import { z } from "zod";
import { IR_VERSION, pipelineIrSchema, stepIrSchema, valueExprSchema } from "./ir.js";
import type { JsonSchema } from "./json.js";
import { jsonSchemaSchema, jsonValueSchema } from "./json.js";
import { policySetSchema } from "./policies.js";

/** Stable `$id` of the IR schema (versioned with the IR). */
export const IR_SCHEMA_ID = `https://ordo.dev/schemas/ir-v${IR_VERSION}.schema.json`;

function generate(): JsonSchema {
  // Named definitions instead of zod's generated `__schema0` names; the recursive value types
  // (`JsonValue`, `ValueExpr`) become `$ref`s to these.
  const registry = z.registry<{ id: string; description?: string }>();
  registry.add(jsonValueSchema, { id: "JsonValue", description: "Any JSON value." });
  registry.add(jsonSchemaSchema, { id: "JsonSchema", description: "A JSON Schema document." });
  registry.add(valueExprSchema, {
    id: "ValueExpr",
    description:
      'A value expression: a JSON literal, { "$ref": path }, { "$template": text }, { "$literal": json }, or arrays and objects of them.',
  });
  registry.add(policySetSchema, {
    id: "PolicySet",
    description: "Policies of a pipeline or step.",
  });
  registry.add(stepIrSchema, { id: "Step", description: "One step of the DAG." });
  // io "input": fields with defaults (dependsOn, inputs, config, metadata, trigger) are optional
  // in files; "any" for anything zod cannot express (nothing today).
  const schema = z.toJSONSchema(pipelineIrSchema, {
    io: "input",
    unrepresentable: "any",
    metadata: registry,
  }) as JsonSchema;
  return {
    $schema: schema.$schema ?? "https://json-schema.org/draft/2020-12/schema",
    $id: IR_SCHEMA_ID,
    title: `Ordo pipeline IR v${IR_VERSION}`,
    description:
      "The canonical DAG IR of an Ordo pipeline. Generated from @ordo/core's zod schemas; do not edit.",
    ...schema,
  };
}

/**
 * JSON Schema (draft 2020-12) of the pipeline IR document, as accepted when loading JSON
 * (defaulted fields optional). Unknown fields are rejected (`additionalProperties: false`).
 * Structural only: graph and binding rules need {@link validatePipeline}.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { pipelineIrJsonSchema } from "@ordo/core";
 * writeFileSync("ir.schema.json", `${JSON.stringify(pipelineIrJsonSchema, null, 2)}\n`);
 * ```
 */
export const pipelineIrJsonSchema: JsonSchema = /* @__PURE__ */ generate();
