/**
 * The `ordo.tool.http` step contract: declared by `@ordo/sdk` (`tool.http()`), implemented by
 * `@ordo/step-http`.
 */
import { z } from "zod";
import { declareStep } from "../declare-step.js";

/**
 * Declaration of `ordo.tool.http@1.0.0`: one HTTP request. 429 and 5xx answers are retryable
 * failures (429 honours `Retry-After`); statuses outside `okStatuses` are non-retryable failures.
 *
 * @example
 * ```ts
 * import { httpToolStep } from "@ordo/step/builtins";
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
