import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { JsonSchema } from "./json.js";
import { schemaAtPath } from "./json-schema.js";

const toSchema = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema) as JsonSchema;

describe("schemaAtPath", () => {
  const output = toSchema(
    z.object({
      answer: z.string(),
      documents: z.array(z.object({ id: z.string(), score: z.number() })),
      pair: z.tuple([z.string(), z.number()]),
      meta: z.record(z.string(), z.boolean()),
      maybe: z.object({ text: z.string() }).nullable(),
      either: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]),
    }),
  );

  it("follows properties, items and prefixItems", () => {
    expect(schemaAtPath(output, ["answer"])).toEqual({ type: "string" });
    expect(schemaAtPath(output, ["documents", 3, "score"])).toEqual({ type: "number" });
    expect(schemaAtPath(output, ["pair", 1])).toEqual({ type: "number" });
    expect(schemaAtPath(output, [])).toBe(output);
  });

  it("returns undefined for fields a closed object or tuple does not have", () => {
    expect(schemaAtPath(output, ["answr"])).toBeUndefined();
    expect(schemaAtPath(output, ["documents", 0, "title"])).toBeUndefined();
    expect(schemaAtPath(output, ["pair", 2])).toBeUndefined();
    expect(schemaAtPath(output, ["answer", "length"])).toBeUndefined();
    expect(schemaAtPath(output, ["documents", "id"])).toBeUndefined();
  });

  it("follows additionalProperties of records and open objects", () => {
    expect(schemaAtPath(output, ["meta", "anything"])).toEqual({ type: "boolean" });
    expect(schemaAtPath({ type: "object" }, ["x", "y"])).toEqual({});
    expect(schemaAtPath({}, ["x", 0])).toEqual({});
    expect(schemaAtPath({ type: "object", additionalProperties: false }, ["x"])).toBeUndefined();
    expect(
      schemaAtPath({ type: "object", patternProperties: { "^x-": { type: "string" } } }, ["x-a"]),
    ).toEqual({ type: "string" });
  });

  it("treats boolean schemas as any / nothing", () => {
    expect(schemaAtPath({ properties: { a: true } }, ["a", "b"])).toEqual({});
    expect(schemaAtPath({ properties: { a: false } }, ["a"])).toBeUndefined();
  });

  it("returns the union of the branches that have the field", () => {
    expect(schemaAtPath(output, ["maybe", "text"])).toEqual({ type: "string" });
    expect(schemaAtPath(output, ["either", "a"])).toEqual({ type: "string" });
    expect(schemaAtPath(output, ["either", "c"])).toBeUndefined();
    const union = {
      anyOf: [
        { type: "object", properties: { v: { type: "string" } } },
        { type: "object", properties: { v: { type: "number" } } },
      ],
    };
    expect(schemaAtPath(union, ["v"])).toEqual({
      anyOf: [{ type: "string" }, { type: "number" }],
    });
  });

  it("follows allOf (zod intersections) leniently", () => {
    const both = toSchema(z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })));
    expect(schemaAtPath(both, ["a"])).toEqual({ type: "string" });
    expect(schemaAtPath(both, ["b"])).toEqual({ type: "number" });
  });

  it("resolves $ref to $defs and keeps sub-schemas standalone", () => {
    const schema = {
      type: "object",
      properties: { user: { $ref: "#/$defs/User" } },
      $defs: {
        User: {
          type: "object",
          properties: { friend: { $ref: "#/$defs/User" }, name: { type: "string" } },
        },
      },
    };
    expect(schemaAtPath(schema, ["user", "friend", "friend", "name"])).toEqual({ type: "string" });
    const user = schemaAtPath(schema, ["user"]) as JsonSchema;
    expect(schemaAtPath(user, ["friend", "name"])).toEqual({ type: "string" });
    expect(schemaAtPath(schema, ["user", "age"])).toEqual({});
  });

  it("handles zod's recursive root reference (#)", () => {
    type Tree = { value: string; children: Tree[] };
    const tree: z.ZodType<Tree> = z.lazy(() =>
      z.object({ value: z.string(), children: z.array(tree) }),
    );
    const schema = toSchema(tree);
    expect(schemaAtPath(schema, ["children", 0, "children", 1, "value"])).toEqual({
      type: "string",
    });
    const child = schemaAtPath(schema, ["children", 0]) as JsonSchema;
    expect(schemaAtPath(child, ["children", 0, "value"])).toEqual({ type: "string" });
    expect(schemaAtPath(child, ["nope"])).toBeUndefined();
  });
});
