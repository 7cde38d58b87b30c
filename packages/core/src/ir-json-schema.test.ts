import { describe, expect, it } from "vitest";
import { IR_SCHEMA_ID, pipelineIrJsonSchema } from "./ir-json-schema.js";
import type { JsonSchema } from "./json.js";
import { schemaAtPath } from "./json-schema.js";

describe("pipelineIrJsonSchema", () => {
  it("is a closed draft 2020-12 object schema with an id", () => {
    expect(pipelineIrJsonSchema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(pipelineIrJsonSchema.$id).toBe(IR_SCHEMA_ID);
    expect(pipelineIrJsonSchema.type).toBe("object");
    expect(pipelineIrJsonSchema.additionalProperties).toBe(false);
    expect(pipelineIrJsonSchema.required).toEqual(["ordo", "name", "version", "input", "steps"]);
  });

  it("pins the IR version and describes nested policy fields", () => {
    expect(schemaAtPath(pipelineIrJsonSchema, ["ordo"])).toEqual({ type: "number", const: 1 });
    const retry = schemaAtPath(pipelineIrJsonSchema, [
      "steps",
      0,
      "policies",
      "retry",
    ]) as JsonSchema;
    expect(retry.additionalProperties).toBe(false);
    expect(schemaAtPath(retry, ["maxRetries"])).toBeUndefined();
    expect(schemaAtPath(retry, ["maxAttempts"])).toMatchObject({ type: "integer" });
  });

  it("makes defaulted step fields optional and names the recursive definitions", () => {
    const step = schemaAtPath(pipelineIrJsonSchema, ["steps", 0]) as JsonSchema;
    const stepDef = (pipelineIrJsonSchema.$defs as Record<string, JsonSchema>).Step as JsonSchema;
    expect(stepDef.required).toEqual(["id", "type", "typeVersion", "schemas"]);
    expect(schemaAtPath(step, ["trigger"])).toMatchObject({
      enum: ["all_success", "any_success", "all_done"],
    });
    expect(Object.keys(pipelineIrJsonSchema.$defs as object)).toEqual(
      expect.arrayContaining(["JsonValue", "ValueExpr", "Step", "PolicySet"]),
    );
    expect(JSON.stringify(pipelineIrJsonSchema)).not.toContain("__schema");
  });
});
