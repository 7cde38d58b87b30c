/**
 * JSON value types shared by the IR, bindings and the runtime. Only what survives
 * `JSON.stringify` / `JSON.parse` round trips.
 */
import { z } from "zod";

/** A JSON primitive. */
export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A JSON Schema document (draft 2020-12 subset, as produced by `z.toJSONSchema`). */
export type JsonSchema = { [key: string]: JsonValue };

/** zod schema of any JSON value. */
export const jsonValueSchema: z.ZodType<JsonValue, JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

/** zod schema of a JSON Schema document: any JSON object. Structure is checked where it is used. */
export const jsonSchemaSchema: z.ZodType<JsonSchema, JsonSchema> = z.record(
  z.string(),
  jsonValueSchema,
);
