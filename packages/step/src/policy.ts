/**
 * User-defined policies: a named, schema-checked configuration that a pipeline references by name
 * (`{ name, kind, config }` in the IR) and a runtime resolves through its policy registry.
 * Lives in `@ordo/step` so the runtime (which never imports the sdk) and plugin packages share it.
 */
import {
  type CustomPolicyRef,
  type JsonValue,
  jsonValueSchema,
  OrdoError,
  type OrdoErrorJSON,
  type StepMetadata,
} from "@ordo/core";
import type { z } from "zod";

/**
 * What a custom policy does; decides which `evaluate` signature applies.
 *
 * @example
 * ```ts
 * const kind: PolicyKind = "admission"; // evaluate: (ctx, config) => { allow, reason?, retryAfterMs? }
 * ```
 */
export type PolicyKind = "retry-classifier" | "admission" | "custom";

/**
 * Answer of a retry classifier: retry with the normal backoff, fail now, or retry after a delay.
 *
 * @example
 * ```ts
 * const decide = (status: number): RetryDecision => (status === 429 ? { retryAfterMs: 1000 } : "fail");
 * ```
 */
export type RetryDecision = "retry" | "fail" | { readonly retryAfterMs: number };

/**
 * Classifies a failed attempt. `attempt` is 1-based (the attempt that failed); `config` is the
 * policy's validated config as written in the IR.
 *
 * @example
 * ```ts
 * const classify: RetryClassifier<{ max: number }> = (error, attempt, { max }) =>
 *   error.retryable && attempt < max ? "retry" : "fail";
 * ```
 */
export type RetryClassifier<TConfig> = (
  error: OrdoErrorJSON,
  attempt: number,
  config: TConfig,
) => RetryDecision;

/**
 * What an admission rule sees before a step attempt is leased.
 *
 * @example
 * ```ts
 * const rule = (ctx: AdmissionContext) => ({ allow: ctx.metadata.tenant !== "blocked" });
 * ```
 */
export interface AdmissionContext {
  readonly executionId: string;
  readonly pipeline: { readonly name: string; readonly version: string };
  readonly stepId: string;
  readonly stepType: string;
  /** 1-based attempt about to start. */
  readonly attempt: number;
  readonly metadata: StepMetadata;
}

/**
 * Answer of an admission rule. A refusal with `retryAfterMs` re-offers the step after that delay.
 *
 * @example
 * ```ts
 * const later: AdmissionDecision = { allow: false, reason: "outside business hours", retryAfterMs: 60_000 };
 * ```
 */
export interface AdmissionDecision {
  readonly allow: boolean;
  readonly reason?: string;
  /** Milliseconds. */
  readonly retryAfterMs?: number;
}

/**
 * Decides whether a step attempt may start now. Must be fast and side-effect free.
 *
 * @example
 * ```ts
 * const onlyGold: AdmissionRule<{ tier: string }> = (ctx, config) => ({
 *   allow: ctx.metadata.labels?.tier === config.tier,
 *   reason: "tier",
 * });
 * ```
 */
export type AdmissionRule<TConfig> = (
  ctx: AdmissionContext,
  config: TConfig,
) => AdmissionDecision | Promise<AdmissionDecision>;

/**
 * The `evaluate` signature for a policy kind; `custom` policies are interpreted by their runtime.
 *
 * @example
 * ```ts
 * type E = PolicyEvaluate<"retry-classifier", { max: number }>; // RetryClassifier<{ max: number }>
 * ```
 */
export type PolicyEvaluate<TKind extends PolicyKind, TConfig> = TKind extends "retry-classifier"
  ? RetryClassifier<TConfig>
  : TKind extends "admission"
    ? AdmissionRule<TConfig>
    : (context: unknown, config: TConfig) => unknown;

/**
 * A custom policy as the runtime registry keeps it: name, kind, zod config schema, evaluator.
 * A runtime looks a `{ name, kind, config }` IR reference up by `name`, re-checks `config` with
 * {@link checkPolicyConfig}, then calls `evaluate`.
 *
 * @example
 * ```ts
 * const registry = new Map<string, PolicyDefinition>([[retryOnStatus.definition.name, retryOnStatus.definition]]);
 * ```
 */
export interface PolicyDefinition<
  TKind extends PolicyKind = PolicyKind,
  TConfig extends z.ZodType = z.ZodType,
> {
  /** Unique name, dotted, e.g. `acme.retry.http-status`. */
  readonly name: string;
  readonly kind: TKind;
  /** Schema of the config; checked when a pipeline is built and again when the runtime loads it. */
  readonly config: TConfig;
  readonly description?: string;
  readonly evaluate?: PolicyEvaluate<TKind, z.output<TConfig>>;
}

/**
 * A typed reference to a custom policy, as placed in `policies({ custom: [...] })`.
 *
 * @example
 * ```ts
 * const ref: PolicyRef<"admission"> = businessHours({ timezone: "UTC", from: 8, to: 18 });
 * // { name: "acme.admission.business-hours", kind: "admission", config: { timezone: "UTC", from: 8, to: 18 } }
 * ```
 */
export interface PolicyRef<TKind extends PolicyKind = PolicyKind> extends CustomPolicyRef {
  readonly kind: TKind;
}

/**
 * What {@link definePolicy} returns: call it with a config to get a {@link PolicyRef}.
 *
 * @example
 * ```ts
 * retryOnStatus({ statuses: [429] }); // { name, kind: "retry-classifier", config: { statuses: [429] } }
 * retryOnStatus.definition.config; // the zod schema
 * ```
 */
export interface PolicyFactory<TKind extends PolicyKind, TConfig extends z.ZodType> {
  (
    ...config: Record<string, never> extends z.input<TConfig>
      ? [config?: z.input<TConfig>]
      : [config: z.input<TConfig>]
  ): PolicyRef<TKind>;
  /** The definition to register with a runtime (schema and evaluator). */
  readonly definition: PolicyDefinition<TKind, TConfig>;
}

/**
 * Defines a custom policy. The returned factory checks its config against the schema at build
 * time (throws `OrdoError` `IR_INVALID_POLICY`) and produces the IR reference; register
 * `factory.definition` with the runtime so workers can evaluate it.
 *
 * @example
 * ```ts
 * import { definePolicy } from "@ordo/step";
 * import { z } from "zod";
 *
 * export const retryOnStatus = definePolicy({
 *   name: "acme.retry.status",
 *   kind: "retry-classifier",
 *   config: z.object({ statuses: z.array(z.number().int()) }),
 *   evaluate: (error, _attempt, config) =>
 *     config.statuses.includes(Number(error.details?.status)) ? "retry" : "fail",
 * });
 * retryOnStatus({ statuses: [429, 503] });
 * // => { name: "acme.retry.status", kind: "retry-classifier", config: { statuses: [429, 503] } }
 * ```
 */
export function definePolicy<TKind extends PolicyKind, TConfig extends z.ZodType>(
  definition: PolicyDefinition<TKind, TConfig>,
): PolicyFactory<TKind, TConfig> {
  if (typeof definition.name !== "string" || definition.name.length === 0) {
    throw new OrdoError("IR_INVALID_POLICY", "definePolicy: `name` must be a non-empty string");
  }
  const frozen = Object.freeze({ ...definition });
  const factory = (config?: unknown): PolicyRef<TKind> =>
    Object.freeze({
      name: frozen.name,
      kind: frozen.kind,
      config: checkPolicyConfig(frozen, config ?? {}),
    });
  return Object.assign(factory, { definition: frozen }) as PolicyFactory<TKind, TConfig>;
}

/**
 * Validates `config` against a policy definition and returns the parsed, JSON-safe value.
 * Used by {@link definePolicy}'s factory and by runtimes re-checking a loaded IR.
 *
 * @example
 * ```ts
 * import { checkPolicyConfig, definePolicy } from "@ordo/step";
 * import { z } from "zod";
 *
 * const p = definePolicy({ name: "x", kind: "custom", config: z.object({ n: z.number() }) });
 * checkPolicyConfig(p.definition, { n: 1 }); // { n: 1 }
 * ```
 */
export function checkPolicyConfig(
  definition: Pick<PolicyDefinition, "name" | "config">,
  config: unknown,
): JsonValue {
  const parsed = definition.config.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    const first = issues[0];
    throw new OrdoError(
      "IR_INVALID_POLICY",
      `policy '${definition.name}': invalid config${first ? ` at '${first.path}': ${first.message}` : ""}`,
      { details: { policy: definition.name, issues } },
    );
  }
  const json = jsonValueSchema.safeParse(parsed.data);
  if (!json.success) {
    throw new OrdoError(
      "IR_INVALID_POLICY",
      `policy '${definition.name}': config must be JSON (no functions, dates or undefined values)`,
      { details: { policy: definition.name } },
    );
  }
  return json.data;
}
