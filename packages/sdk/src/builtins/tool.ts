/**
 * The HTTP tool-call step, declared (implemented by `@ordo/step-http`).
 */
import { declareStep } from "@ordo/step";
import { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

/**
 * Declaration of `ordo.tool.http@1.0.0`: one HTTP request. 429 and 5xx answers are retryable
 * failures (429 honours `Retry-After`); statuses outside `okStatuses` are non-retryable failures.
 *
 * @example
 * ```ts
 * import { httpToolStep } from "@ordo/sdk";
 * httpToolStep.type; // "ordo.tool.http"
 * ```
 */
export const httpToolStep = declareStep({
  type: "ordo.tool.http",
  version: "1.0.0",
  description: "Call an HTTP endpoint.",
  input: z.object({
    url: z.string().url(),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** JSON request body (sent as `application/json`). */
    body: z.unknown().optional(),
  }),
  output: z.object({
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
    /** Parsed JSON when the response is JSON, else the text. */
    body: z.unknown(),
    durationMs: z.number().nonnegative(),
  }),
  config: z.object({
    /** Hosts the step may call; any host when absent. */
    allowedHosts: z.array(z.string().min(1)).optional(),
    /** Statuses counted as success; default 200-299. */
    okStatuses: z.array(z.number().int()).optional(),
    /** Per-request timeout in ms; default 30000. */
    requestTimeoutMs: z.number().int().positive().optional(),
    /** Larger responses fail the step (non-retryable); default 10 MiB. */
    maxResponseBytes: z.number().int().positive().optional(),
    /** Environment variable whose value is sent as `Authorization: Bearer <value>`. */
    bearerTokenEnv: z.string().min(1).optional(),
  }),
  metadata: { operation: "http.request" },
});

/**
 * Options of {@link tool}`.http`: its config plus the common step options.
 *
 * @example
 * ```ts
 * tool.http(() => ({ url: "https://api.example.com/x" }), { allowedHosts: ["api.example.com"], requestTimeoutMs: 5000 });
 * ```
 */
export type HttpToolOptions = z.input<NonNullable<typeof httpToolStep.config>> & StepOptions;

/**
 * Tool-call step factories.
 *
 * @example
 * ```ts
 * p.step("weather", tool.http(($) => ({ url: "https://api.example.com/weather", query: { city: $.input.city } }), {
 *   allowedHosts: ["api.example.com"],
 * }));
 * // IR step: { type: "ordo.tool.http", config: { allowedHosts: ["api.example.com"] },
 * //   inputs: { url: "https://api.example.com/weather", query: { city: { $ref: "input.city" } } }, ... }
 * ```
 */
export const tool = Object.freeze({
  http<TScope>(
    bind: ($: TScope) => BindableInputs<z.input<typeof httpToolStep.input>>,
    options: HttpToolOptions = {},
  ): StepSpec<TScope, z.output<typeof httpToolStep.output>> {
    const split = splitOptions(options);
    return makeSpec(httpToolStep, bind, split.config, split.options);
  },
});
