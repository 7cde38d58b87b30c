/**
 * One HTTP request with step semantics: a timeout of its own on top of the step's signal, a
 * response size cap, and failures mapped to what the runtime should do next.
 * 429 -> `RetryAfterError`; 5xx, 408 and network errors -> retryable `OrdoError`; other statuses
 * outside `okStatuses` -> `NonRetryableError`.
 */
import { NonRetryableError, OrdoError, RetryAfterError } from "@ordo/step";

/** A resolved request. */
export interface HttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON body; sent as `application/json` when defined. */
  readonly body?: unknown;
}

/** Limits of one request. */
export interface HttpLimits {
  /** Own timeout (ms). */
  readonly timeoutMs: number;
  /** Statuses counted as success; default 200-299. */
  readonly okStatuses?: readonly number[];
  /** Larger responses fail (non-retryable). */
  readonly maxResponseBytes: number;
  /** Hosts the request may go to; any when absent. */
  readonly allowedHosts?: readonly string[];
}

/** The response, as the step output carries it. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON when the response says JSON, else text (empty string for no body). */
  readonly body: unknown;
  readonly durationMs: number;
}

/** Default wait on a 429 without a usable `Retry-After` (ms). */
const DEFAULT_RETRY_AFTER_MS = 1_000;

function retryAfterMs(headers: Headers, now = Date.now()): number {
  const value = headers.get("retry-after");
  if (value === null) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : DEFAULT_RETRY_AFTER_MS;
}

/** Reads the body, failing once more than `limit` bytes arrived (no unbounded buffering). */
async function readLimited(response: Response, limit: number, url: string): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const tooLarge = () =>
    new NonRetryableError(`response of ${url} exceeds maxResponseBytes (${limit})`, {
      details: { url, maxResponseBytes: limit },
    });
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (response.body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function checkHost(url: string, allowedHosts?: readonly string[]): void {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    throw new NonRetryableError(`'${url}' is not a valid URL`, { details: { url } });
  }
  if (allowedHosts !== undefined && !allowedHosts.includes(host)) {
    throw new NonRetryableError(
      `host ${host} is not in allowedHosts (${allowedHosts.join(", ")})`,
      {
        details: { url, host },
      },
    );
  }
}

function statusError(status: number, url: string, text: string, headers: Headers): Error {
  const message = `${url} answered ${status}: ${text.slice(0, 200)}`;
  const details = { url, status };
  if (status === 429) return new RetryAfterError(message, retryAfterMs(headers), { details });
  if (status >= 500 || status === 408) {
    return new OrdoError("STEP_FAILED", message, { retryable: true, details });
  }
  return new NonRetryableError(message, { details });
}

/**
 * Sends `request` and returns the response, or throws a step error (see module doc).
 *
 * @example
 * ```ts
 * const result = await sendHttp(
 *   { url: "http://127.0.0.1:8080/ping", method: "GET", headers: {} },
 *   { timeoutMs: 5_000, maxResponseBytes: 1 << 20 },
 *   ctx.signal,
 * );
 * ```
 */
export async function sendHttp(
  request: HttpRequest,
  limits: HttpLimits,
  signal: AbortSignal,
): Promise<HttpResult> {
  checkHost(request.url, limits.allowedHosts);
  const started = performance.now();
  const { response, text } = await fetchText(request, limits, signal);
  const ok =
    limits.okStatuses?.includes(response.status) ??
    (response.status >= 200 && response.status < 300);
  if (!ok) throw statusError(response.status, request.url, text, response.headers);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const isJson = /[/+]json\b/i.test(response.headers.get("content-type") ?? "");
  let body: unknown = text;
  if (isJson && text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new NonRetryableError(`${request.url} sent invalid JSON`, {
        details: { url: request.url },
      });
    }
  }
  return {
    status: response.status,
    headers,
    body,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Sends the request and reads the body; maps aborts, timeouts and network errors. */
async function fetchText(
  request: HttpRequest,
  limits: HttpLimits,
  signal: AbortSignal,
): Promise<{ response: Response; text: string }> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const hasBody = request.body !== undefined;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: { ...(hasBody ? { "content-type": "application/json" } : {}), ...request.headers },
      ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.any([signal, timeout]),
    });
    const text = await readLimited(response, limits.maxResponseBytes, request.url);
    return { response, text };
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    if (error instanceof OrdoError) throw error;
    const where = `${request.method} ${request.url}`;
    if (timeout.aborted) {
      throw new OrdoError("STEP_TIMEOUT", `${where} timed out after ${limits.timeoutMs} ms`, {
        retryable: true,
        details: { url: request.url, timeoutMs: limits.timeoutMs },
      });
    }
    throw new OrdoError("STEP_FAILED", `${where} failed: ${String(error)}`, {
      retryable: true,
      details: { url: request.url },
      cause: error,
    });
  }
}
