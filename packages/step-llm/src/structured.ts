/**
 * Structured output from a zod schema: the step config carries the JSON Schema (IR literals only),
 * the plugin sends it as `response_format` and validates the answer against it.
 */
import { z } from "zod";
import type { LlmConfig } from "./contract.js";

/**
 * The `responseFormat` config value for a zod schema.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const config = {
 *   model: "gpt-4.1-mini",
 *   responseFormat: responseFormatOf("verdict", z.object({ label: z.enum(["spam", "ham"]) })),
 * };
 * ```
 */
export function responseFormatOf(
  name: string,
  schema: z.ZodType,
): NonNullable<LlmConfig["responseFormat"]> {
  const json = z.toJSONSchema(schema, { target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema: _drop, ...rest } = json;
  return { name, schema: rest };
}
