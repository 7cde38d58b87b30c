/**
 * @packageDocumentation
 * `@ordo/step-http` — tool calls over HTTP and data-only branching:
 * - `ordo.tool.http` ({@link createHttpToolStep}): method, URL, headers, query and JSON body from
 *   the input; own timeout plus the step's signal; 429 -> `RetryAfterError`, 5xx/408/network ->
 *   retryable, other 4xx -> `NonRetryableError`; host allow-list and a response size cap.
 * - {@link defineHttpTool}: a typed tool with zod request/response schemas and a URL template.
 * - `ordo.decision` ({@link decisionPlugin}): picks a route from a value by JSON rules.
 *
 * @example
 * ```ts
 * import { createHttpToolStep, decisionPlugin, defineHttpTool } from "@ordo/step-http";
 * import { z } from "zod";
 *
 * export const plugins = [
 *   createHttpToolStep(),
 *   decisionPlugin,
 *   defineHttpTool({
 *     type: "acme.user",
 *     version: "1.0.0",
 *     method: "GET",
 *     url: "https://api.example.com/users/{id}",
 *     request: z.object({ id: z.string() }),
 *     response: z.object({ name: z.string() }),
 *   }),
 * ];
 * ```
 */

export type { DecisionCondition, DecisionPlugin } from "./decision.js";
export {
  decisionConditionSchema,
  decisionContract,
  decisionPlugin,
  matchesCondition,
} from "./decision.js";
export type { HttpToolDefinition, HttpToolStepOptions, HttpToolStepPlugin } from "./http-tool.js";
export {
  createHttpToolStep,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  defineHttpTool,
  httpToolContract,
} from "./http-tool.js";
export type { HttpLimits, HttpRequest, HttpResult } from "./request.js";
export { sendHttp } from "./request.js";
