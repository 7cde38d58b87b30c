/**
 * The canonical DAG IR: the only thing that crosses from authoring (builder, CLI, import) to
 * execution (runtime). Pure data: functions never enter it. Bindings are references.
 *
 * Value expressions (step inputs, pipeline output):
 * - a JSON literal, e.g. `"gpt-4.1"` or `{ "temperature": 0 }`;
 * - `{ "$ref": "input.question" }` or `{ "$ref": "steps.retrieve.output.documents" }`: a binding,
 *   a dot path whose array indices are plain numbers (`steps.a.output.items.0.id`);
 * - `{ "$template": "Q: {{input.question}}" }`: a string with `{{path}}` placeholders;
 * - `{ "$literal": <json> }`: a JSON value taken as is (escapes objects with `$ref` keys);
 * - arrays and objects nest the above at any depth.
 */
import { z } from "zod";
import { type JsonValue, jsonSchemaSchema, jsonValueSchema } from "./json.js";
import { policySetSchema } from "./policies.js";

/** The IR version this build reads and writes. */
export const IR_VERSION = 1;

/** A step id: a letter, then letters, digits, `_` or `-`; at most 64 characters. */
export const STEP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** A binding expression `{ "$ref": path }`. */
export interface RefExpr {
  readonly $ref: string;
}
/** A template expression `{ "$template": "text {{path}}" }`, evaluating to a string. */
export interface TemplateExpr {
  readonly $template: string;
}
/** A literal escape `{ "$literal": value }`. */
export interface LiteralExpr {
  readonly $literal: JsonValue;
}
/** Any value expression of the IR (see module doc). */
export type ValueExpr =
  | string
  | number
  | boolean
  | null
  | RefExpr
  | TemplateExpr
  | LiteralExpr
  | readonly ValueExpr[]
  | { readonly [key: string]: ValueExpr };

/** zod schema of {@link ValueExpr}. */
export const valueExprSchema: z.ZodType<ValueExpr, ValueExpr> = z.lazy(() =>
  z.union([
    z.object({ $ref: z.string().min(1) }).strict(),
    z.object({ $template: z.string() }).strict(),
    z.object({ $literal: jsonValueSchema }).strict(),
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(valueExprSchema),
    z.record(z.string(), valueExprSchema),
  ]),
);

/** When a step runs, given its dependencies' terminal states. */
export const triggerRuleSchema = z.enum(["all_success", "any_success", "all_done"]);

/** Correlation metadata of a step: used by throttling, admission, ledger and metrics. */
export const stepMetadataSchema = z
  .object({
    provider: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    operation: z.string().min(1).optional(),
    tenant: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** One step of the DAG. */
export const stepIrSchema = z
  .object({
    id: z.string().regex(STEP_ID_PATTERN, "step ids start with a letter: [A-Za-z][A-Za-z0-9_-]*"),
    /** Plugin type, e.g. `ordo.llm.chat`. */
    type: z.string().min(1),
    /** Plugin version (semver); a worker runs a step only with a plugin of this major version. */
    typeVersion: z.string().min(1),
    /**
     * Every direct dependency: implied by bindings and explicit ordering edges. Sorted, unique
     * (the fingerprint normalises it). Default `[]` when loading JSON.
     */
    dependsOn: z.array(z.string()).default([]),
    /** Step inputs: value expressions. Default `{}`. */
    inputs: z.record(z.string(), valueExprSchema).default({}),
    /** Plugin configuration: JSON literals only, checked against `schemas.config`. Default `{}`. */
    config: z.record(z.string(), jsonValueSchema).default({}),
    /** Default `{}`. */
    metadata: stepMetadataSchema.default({}),
    policies: policySetSchema.optional(),
    /** Default `all_success`. */
    trigger: triggerRuleSchema.default("all_success"),
    schemas: z
      .object({
        input: jsonSchemaSchema,
        output: jsonSchemaSchema,
        config: jsonSchemaSchema.optional(),
      })
      .strict(),
  })
  .strict();

/** A whole pipeline: the canonical IR document. */
export const pipelineIrSchema = z
  .object({
    ordo: z.literal(IR_VERSION),
    name: z.string().min(1),
    version: z.string().min(1),
    description: z.string().optional(),
    /** JSON Schema of the pipeline input. */
    input: jsonSchemaSchema,
    /** Steps in declaration order (order is not semantic: the DAG is). */
    steps: z.array(stepIrSchema).min(1),
    /** Pipeline result: name -> value expression over input and step outputs. */
    output: z.record(z.string(), valueExprSchema).optional(),
    policies: policySetSchema.optional(),
    metadata: z
      .object({
        tenant: z.string().min(1).optional(),
        labels: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Trigger rule of a step. */
export type TriggerRule = z.infer<typeof triggerRuleSchema>;
/** Step metadata (see {@link stepMetadataSchema}). */
export type StepMetadata = z.infer<typeof stepMetadataSchema>;
/** One step of the IR (see {@link stepIrSchema}). */
export type StepIR = z.infer<typeof stepIrSchema>;
/** The canonical pipeline IR (see {@link pipelineIrSchema}). */
export type PipelineIR = z.infer<typeof pipelineIrSchema>;
/** A step as accepted when loading JSON: defaulted fields (dependsOn, inputs, ...) may be absent. */
export type StepIRInput = z.input<typeof stepIrSchema>;
/** A pipeline as accepted when loading JSON (see {@link StepIRInput}). */
export type PipelineIRInput = z.input<typeof pipelineIrSchema>;
