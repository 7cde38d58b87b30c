/**
 * Structured output from a zod schema: the step config carries the JSON Schema (IR literals only),
 * the plugin sends it as `response_format` and validates the answer against it.
 */
import { OrdoError, type StepContext } from "@ordo/step";
import { z } from "zod";
import type { LlmConfig } from "./contract.js";

/**
 * The `responseFormat` config value for a zod schema.
 *
 * @example
 * ```ts
 * import { OrdoError, type StepContext } from "@ordo/step";
import { z } from "zod";
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

type FromJsonSchema = (schema: Record<string, unknown>) => z.ZodType;

/**
 * Parses and validates a structured answer against the JSON Schema. Both failures are retryable
 * `OUTPUT_INVALID` (models are not deterministic; the next attempt may comply). Validation uses
 * `z.fromJSONSchema` (zod >= 4.2); with an older zod only the JSON parse is checked.
 */
export function structuredOf(
  text: string,
  format: LlmConfig["responseFormat"],
  ctx: Pick<StepContext, "stepId" | "logger">,
): unknown {
  if (format === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OrdoError("OUTPUT_INVALID", `step ${ctx.stepId}: the model answered non-JSON text`, {
      retryable: true,
      details: { stepId: ctx.stepId, text: text.slice(0, 200) },
    });
  }
  const fromJsonSchema = (z as unknown as { fromJSONSchema?: FromJsonSchema }).fromJSONSchema;
  if (fromJsonSchema === undefined) {
    ctx.logger.warn("zod has no fromJSONSchema (< 4.2): structured answer not validated");
    return value;
  }
  const parsed = fromJsonSchema(format.schema).safeParse(value);
  if (!parsed.success) {
    throw new OrdoError(
      "OUTPUT_INVALID",
      `step ${ctx.stepId}: the answer does not match ${format.name}: ${parsed.error.message}`,
      {
        retryable: true,
        details: { stepId: ctx.stepId, issues: parsed.error.issues.map((i) => i.message) },
      },
    );
  }
  return parsed.data;
}
