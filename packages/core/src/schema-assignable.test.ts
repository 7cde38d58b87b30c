import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { JsonSchema } from "./json.js";
import { isSchemaAssignable } from "./schema-assignable.js";

const toSchema = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema) as JsonSchema;

describe("isSchemaAssignable", () => {
  const yes = (s: JsonSchema, t: JsonSchema) => expect(isSchemaAssignable(s, t)).toBe(true);
  const no = (s: JsonSchema, t: JsonSchema) => expect(isSchemaAssignable(s, t)).toBe(false);

  it("accepts anything into {} and unknown sources anywhere", () => {
    yes({ type: "string" }, {});
    yes({}, { type: "number" });
    yes({ type: "object" }, true as unknown as JsonSchema);
  });

  it("compares JSON types; integer fits number", () => {
    yes({ type: "string" }, { type: "string" });
    no({ type: "string" }, { type: "number" });
    no({ type: "object" }, { type: "array" });
    no({ type: "boolean" }, { type: "string" });
    yes({ type: "integer" }, { type: "number" });
    yes({ type: "string" }, { type: ["string", "null"] });
    no({ type: ["string", "null"] }, { type: "string" });
  });

  it("handles nullable via anyOf with null", () => {
    const nullable = toSchema(z.string().nullable());
    yes({ type: "string" }, { anyOf: [{ type: "string" }, { type: "null" }] });
    no({ anyOf: [{ type: "string" }, { type: "null" }] }, { type: "string" });
    yes(nullable, { anyOf: [{ type: "null" }, { type: "string" }] });
    yes({ type: ["string", "null"] }, { anyOf: [{ type: "string" }, { type: "null" }] });
  });

  it("checks enums and const as value subsets", () => {
    yes({ enum: ["a"] }, { enum: ["a", "b"] });
    yes({ const: "a" }, { type: "string", enum: ["a", "b"] });
    no({ enum: ["a", "c"] }, { enum: ["a", "b"] });
    no({ type: "string" }, { enum: ["a", "b"] });
    yes({ enum: ["a", "b"] }, { type: "string" });
    no({ enum: ["a", 1] }, { type: "string" });
    yes({ const: { x: [1, 2] } }, { const: { x: [1, 2] } });
  });

  it("checks object properties: required, property types, closed targets", () => {
    const target = {
      type: "object",
      properties: { id: { type: "string" }, n: { type: "number" } },
      required: ["id"],
    };
    yes({ type: "object", properties: { id: { type: "string" } }, required: ["id"] }, target);
    no({ type: "object", properties: { id: { type: "string" } } }, target);
    no({ type: "object", properties: { id: { type: "number" } }, required: ["id"] }, target);
    no(
      {
        type: "object",
        properties: { id: { type: "string" }, n: { type: "string" } },
        required: ["id"],
      },
      target,
    );
    yes({ type: "object" }, target);
    const closed = { ...target, additionalProperties: false };
    no(
      { type: "object", properties: { id: { type: "string" }, extra: {} }, required: ["id"] },
      closed,
    );
    no({ type: "object", additionalProperties: { type: "string" } }, closed);
    yes(
      { type: "object", additionalProperties: { type: "number" } },
      { type: "object", additionalProperties: { type: "number" } },
    );
    no(
      { type: "object", additionalProperties: { type: "string" } },
      { type: "object", additionalProperties: { type: "number" } },
    );
  });

  it("checks arrays item-wise, including tuples", () => {
    yes(
      { type: "array", items: { type: "integer" } },
      { type: "array", items: { type: "number" } },
    );
    no({ type: "array", items: { type: "string" } }, { type: "array", items: { type: "number" } });
    yes(
      { type: "array", prefixItems: [{ type: "string" }], items: false },
      { type: "array", items: { type: "string" } },
    );
    no(
      { type: "array", prefixItems: [{ type: "number" }] },
      { type: "array", prefixItems: [{ type: "string" }] },
    );
    yes({ type: "array" }, { type: "array", items: { type: "string" } });
  });

  it("requires every source union branch to fit some target branch", () => {
    const target = toSchema(z.union([z.string(), z.object({ a: z.number() })]));
    yes(toSchema(z.string()), target);
    yes(toSchema(z.object({ a: z.number() })), target);
    no(toSchema(z.union([z.string(), z.number()])), target);
    yes(toSchema(z.union([z.literal("x"), z.literal("y")])), { type: "string" });
  });

  it("works on realistic zod output -> input schemas", () => {
    const docs = z.array(z.object({ id: z.string(), text: z.string(), score: z.number() }));
    const wantsDocs = z.array(z.object({ id: z.string(), text: z.string() }));
    yes(toSchema(docs), z.toJSONSchema(wantsDocs, { io: "input" }) as JsonSchema);
    no(toSchema(z.array(z.string())), z.toJSONSchema(wantsDocs, { io: "input" }) as JsonSchema);
    const strict = z.toJSONSchema(z.array(z.object({ id: z.string() }).strict()), { io: "input" });
    no(toSchema(docs), strict as JsonSchema);
  });

  it("resolves $refs on each side against its own root", () => {
    const source = { $ref: "#/$defs/S", $defs: { S: { type: "string" } } };
    const target = { $ref: "#/$defs/T", $defs: { T: { type: "number" } } };
    no(source, target);
    yes(source, { $ref: "#/$defs/T", $defs: { T: { type: "string" } } });
  });

  it("accepts when keywords are unsupported (no false errors)", () => {
    yes({ type: "string" }, { type: "string", format: "email", minLength: 3 });
    yes({ not: { type: "string" } }, { type: "number" });
    yes({ type: "number" }, { type: "integer" });
  });
});
