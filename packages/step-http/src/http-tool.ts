/**
 * `ordo.tool.http`: the generic HTTP tool-call step (contract shared with the sdk's
 * `tool.http()` through `@ordo/step/builtins`), and `defineHttpTool()`: a typed tool with
 * zod-validated request and response and a URL template.
 */
import {
  defineStep,
  implementStep,
  NonRetryableError,
  type StepContext,
  type StepPlugin,
} from "@ordo/step";
import { httpToolStep } from "@ordo/step/builtins";
import { z } from "zod";
import { type HttpResult, sendHttp } from "./request.js";

/** Default per-request timeout (ms). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default response size cap: 10 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * `ordo.tool.http@1.0.0`: the shared declaration of `@ordo/step/builtins` (the same object as the
 * sdk's `httpToolStep`), under this package's name.
 */
export const httpToolContract = httpToolStep;

/** Options of {@link createHttpToolStep}. */
export interface HttpToolStepOptions {
  /** Where `bearerTokenEnv` is read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The plugin type of {@link createHttpToolStep}. */
export type HttpToolStepPlugin = StepPlugin<
  typeof httpToolContract.input,
  typeof httpToolContract.output,
  NonNullable<typeof httpToolContract.config>
>;

function bearer(
  tokenEnv: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  if (tokenEnv === undefined) return {};
  const token = env[tokenEnv];
  if (token === undefined || token === "") {
    throw new NonRetryableError(`bearer token variable ${tokenEnv} is not set on this worker`, {
      details: { bearerTokenEnv: tokenEnv },
    });
  }
  return { authorization: `Bearer ${token}` };
}

function withQuery(
  url: string,
  query?: Readonly<Record<string, string | number | boolean>>,
): string {
  if (query === undefined || Object.keys(query).length === 0) return url;
  const parsed = new URL(url);
  for (const [key, value] of Object.entries(query)) parsed.searchParams.set(key, String(value));
  return parsed.toString();
}

/**
 * Creates the `ordo.tool.http` plugin.
 *
 * @example
 * ```ts
 * import { createHttpToolStep } from "@ordo/step-http";
 * export const httpTool = createHttpToolStep();
 * ```
 */
export function createHttpToolStep(options: HttpToolStepOptions = {}): HttpToolStepPlugin {
  return implementStep(httpToolContract, async (input, ctx) => {
    const config = ctx.config;
    return sendHttp(
      {
        url: withQuery(input.url, input.query),
        method: input.method ?? (input.body === undefined ? "GET" : "POST"),
        headers: {
          ...input.headers,
          ...bearer(config.bearerTokenEnv, options.env ?? process.env),
        },
        ...(input.body === undefined ? {} : { body: input.body }),
      },
      {
        timeoutMs: config.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxResponseBytes: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        ...(config.okStatuses === undefined ? {} : { okStatuses: config.okStatuses }),
        ...(config.allowedHosts === undefined ? {} : { allowedHosts: config.allowedHosts }),
      },
      ctx.signal,
    );
  });
}

/** Options of {@link defineHttpTool}. */
export interface HttpToolDefinition<TRequest extends z.ZodObject, TResponse extends z.ZodType> {
  /** Plugin type, e.g. `acme.weather`. */
  readonly type: string;
  readonly version: string;
  readonly description?: string;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /**
   * URL template: `{name}` is replaced by the URL-encoded request field `name`. Other fields go
   * to the query string (GET, DELETE) or the JSON body (POST, PUT, PATCH).
   */
  readonly url: string;
  /** Step input = the request; validated before the call. */
  readonly request: TRequest;
  /** Schema of the response body; a mismatch fails the step (non-retryable: the API changed). */
  readonly response: TResponse;
  readonly headers?: Readonly<Record<string, string>>;
  /** Environment variable holding a bearer token. */
  readonly bearerTokenEnv?: string;
  readonly timeoutMs?: number;
  readonly okStatuses?: readonly number[];
  readonly maxResponseBytes?: number;
  /** Where `bearerTokenEnv` is read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function typedOutput<TResponse extends z.ZodType>(response: TResponse) {
  return z.object({
    status: z.number().int(),
    body: response,
    durationMs: z.number().nonnegative(),
  });
}

function expand(template: string, fields: Record<string, unknown>, ctx: StepContext<unknown>) {
  const used = new Set<string>();
  const url = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = fields[name];
    if (value === undefined || value === null) {
      throw new NonRetryableError(`step ${ctx.stepId}: URL parameter '${name}' is missing`, {
        details: { stepId: ctx.stepId, parameter: name },
      });
    }
    used.add(name);
    return encodeURIComponent(String(value));
  });
  const rest = Object.fromEntries(
    Object.entries(fields).filter(([k, v]) => !used.has(k) && v !== undefined),
  );
  return { url, rest };
}

/**
 * Defines a typed HTTP tool plugin: the request schema is the step input, the response schema
 * types and validates `output.body`.
 *
 * @example
 * ```ts
 * import { defineHttpTool } from "@ordo/step-http";
 * import { z } from "zod";
 *
 * export const getWeather = defineHttpTool({
 *   type: "acme.weather",
 *   version: "1.0.0",
 *   method: "GET",
 *   url: "https://api.example.com/cities/{city}/weather",
 *   request: z.object({ city: z.string(), units: z.enum(["metric", "imperial"]).default("metric") }),
 *   response: z.object({ tempC: z.number() }),
 * });
 * // GET https://api.example.com/cities/Paris/weather?units=metric -> output.body.tempC
 * ```
 */
export function defineHttpTool<TRequest extends z.ZodObject, TResponse extends z.ZodType>(
  definition: HttpToolDefinition<TRequest, TResponse>,
): StepPlugin<TRequest, ReturnType<typeof typedOutput<TResponse>>> {
  const output = typedOutput(definition.response);
  return defineStep({
    type: definition.type,
    version: definition.version,
    ...(definition.description === undefined ? {} : { description: definition.description }),
    input: definition.request,
    output,
    metadata: { operation: "http.request" },
    async run(input, ctx) {
      const { url, rest } = expand(definition.url, input as Record<string, unknown>, ctx);
      const inBody = ["POST", "PUT", "PATCH"].includes(definition.method);
      const query = inBody ? undefined : (rest as Record<string, string | number | boolean>);
      const result: HttpResult = await sendHttp(
        {
          url: withQuery(url, query),
          method: definition.method,
          headers: {
            ...definition.headers,
            ...bearer(definition.bearerTokenEnv, definition.env ?? process.env),
          },
          ...(inBody ? { body: rest } : {}),
        },
        {
          timeoutMs: definition.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxResponseBytes: definition.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
          ...(definition.okStatuses === undefined ? {} : { okStatuses: definition.okStatuses }),
        },
        ctx.signal,
      );
      const body = definition.response.safeParse(result.body);
      if (!body.success) {
        throw new NonRetryableError(
          `step ${ctx.stepId}: response of ${definition.method} ${url} does not match the response schema: ${body.error.message}`,
          { details: { stepId: ctx.stepId, status: result.status } },
        );
      }
      // the raw body: the runtime validates (and transforms) output with the same schema once
      return { status: result.status, body: result.body, durationMs: result.durationMs } as z.input<
        ReturnType<typeof typedOutput<TResponse>>
      >;
    },
  });
}
