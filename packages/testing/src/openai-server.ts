/**
 * A local OpenAI-compatible HTTP server for tests and demos: chat completions (plain, streamed,
 * structured), embeddings and the model list, with deterministic replies, token usage, injected
 * latency and scripted failures (429 with `Retry-After`, 500, 503). Listens on 127.0.0.1 only;
 * it never calls the internet.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  approxTokens,
  completion,
  defaultResponder,
  embeddingToBase64,
  fakeEmbedding,
  limitTokens,
  usageOf,
} from "./openai-server-data.js";

/** One chat message as received. Only text content is interpreted. */
export interface FakeChatMessage {
  readonly role: string;
  readonly content?: unknown;
}

/** The parts of a chat completion request the server reads. */
export interface FakeChatRequest {
  readonly model: string;
  readonly messages: readonly FakeChatMessage[];
  readonly stream?: boolean;
  readonly stream_options?: { readonly include_usage?: boolean };
  readonly response_format?: {
    readonly type: string;
    readonly json_schema?: { readonly name?: string; readonly schema?: unknown };
  };
  readonly [key: string]: unknown;
}

/**
 * Produces the assistant reply. A string is sent as is; any other value is JSON-encoded (use it
 * for structured output). Default: `echo: <last user message>`, or a value sampled from the
 * requested JSON schema.
 */
export type ChatResponder = (request: FakeChatRequest) => unknown | Promise<unknown>;

/** A failure the server returns instead of handling a request. */
export interface ScriptedFault {
  /** HTTP status, e.g. 429, 500, 503, 400. */
  readonly status: number;
  /** For 429: the `Retry-After` header in seconds (may be fractional; also sent as `retry-after-ms`). */
  readonly retryAfterSeconds?: number;
  /** Only requests to this endpoint consume the fault. Default: any endpoint. */
  readonly endpoint?: "chat" | "embeddings";
  /** Only requests for this model consume the fault. Default: any model. */
  readonly model?: string;
  /** Error message in the OpenAI error body. */
  readonly message?: string;
}

/** Behaviour of one model name. */
export interface FakeModelBehaviour {
  /** Extra latency for this model (ms), added to the server-wide latency. */
  readonly latencyMs?: number;
  /** Every request for this model fails with this status (e.g. a provider that is down). */
  readonly alwaysFail?: number;
  /** Reply producer for this model; overrides the server-wide responder. */
  readonly responder?: ChatResponder;
}

/** Options of {@link startOpenAiServer}. */
export interface OpenAiServerOptions {
  /** Latency before every response (ms). Default 0. */
  readonly latencyMs?: number;
  /** Default reply producer (see {@link ChatResponder}). */
  readonly responder?: ChatResponder;
  /** Per-model behaviour, by model name. */
  readonly models?: Readonly<Record<string, FakeModelBehaviour>>;
  /** Embedding vector length. Default 64. */
  readonly embeddingDimensions?: number;
  /** When set, requests must send `Authorization: Bearer <apiKey>` or get a 401. */
  readonly apiKey?: string;
}

/** A request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body, or undefined for bodiless requests. */
  readonly body: unknown;
  /** Status the server answered with. */
  status: number;
}

/** A running server. See {@link startOpenAiServer}. */
export interface OpenAiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `url + "/v1"`: pass as `baseURL` to an OpenAI client. */
  readonly baseURL: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Queues failures; each is consumed by the next matching request. */
  script(...faults: ScriptedFault[]): void;
  /** Forgets recorded requests and queued faults. */
  reset(): void;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

const DEFAULT_MODELS = ["fake-small", "fake-large", "fake-embed"];

/**
 * Starts the server on 127.0.0.1 with a free port.
 *
 * @example
 * ```ts
 * import OpenAI from "openai";
 * import { startOpenAiServer } from "@ordo/testing";
 *
 * const server = await startOpenAiServer({ latencyMs: 5 });
 * const client = new OpenAI({ baseURL: server.baseURL, apiKey: "test" });
 * const reply = await client.chat.completions.create({
 *   model: "fake-small",
 *   messages: [{ role: "user", content: "hello" }],
 * });
 * reply.choices[0]?.message.content; // "echo: hello"
 * server.script({ status: 429, retryAfterSeconds: 2 }); // the next request gets a 429
 * await server.close();
 * ```
 */
export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiServer> {
  const requests: RecordedRequest[] = [];
  const faults: ScriptedFault[] = [];
  const server = createServer((req, res) => {
    handle(req, res, options, requests, faults).catch((error: unknown) => {
      sendError(res, 500, `fake server error: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    script: (...more) => {
      faults.push(...more);
    },
    reset: () => {
      requests.length = 0;
      faults.splice(0, faults.length);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text.length === 0 ? undefined : JSON.parse(text);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: OpenAiServerOptions,
  requests: RecordedRequest[],
  faults: ScriptedFault[],
): Promise<void> {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    body = undefined;
  }
  const record: RecordedRequest = {
    method: req.method ?? "GET",
    path,
    headers: { ...req.headers },
    body,
    status: 200,
  };
  requests.push(record);
  res.on("finish", () => {
    record.status = res.statusCode;
  });
  const model =
    typeof (body as { model?: unknown })?.model === "string"
      ? (body as { model: string }).model
      : undefined;
  const behaviour = model === undefined ? undefined : options.models?.[model];
  await delay((options.latencyMs ?? 0) + (behaviour?.latencyMs ?? 0));

  if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
    return sendError(res, 401, "invalid api key");
  }
  const endpoint = endpointOf(req.method, path);
  if (endpoint === undefined) return sendError(res, 404, `no route for ${req.method} ${path}`);
  if (endpoint === "models") return sendModels(res, options);

  const fault = takeFault(faults, endpoint, model);
  if (fault !== undefined) return sendFault(res, fault);
  if (behaviour?.alwaysFail !== undefined) {
    return sendFault(res, { status: behaviour.alwaysFail, message: `model ${model} is down` });
  }
  if (endpoint === "embeddings") return sendEmbeddings(res, body, options);
  const chat = body as FakeChatRequest;
  if (typeof chat?.model !== "string" || !Array.isArray(chat.messages)) {
    return sendError(res, 400, "model and messages are required");
  }
  const responder = behaviour?.responder ?? options.responder ?? defaultResponder;
  const produced = await responder(chat);
  const { text, finish } = limitTokens(
    typeof produced === "string" ? produced : JSON.stringify(produced),
    chat,
  );
  if (chat.stream === true) return sendStream(res, chat, text, finish);
  return sendJson(res, 200, completion(chat, text, finish));
}

/** Removes and returns the first queued fault that matches the endpoint and model. */
function takeFault(
  faults: ScriptedFault[],
  endpoint: "chat" | "embeddings",
  model: string | undefined,
): ScriptedFault | undefined {
  const index = faults.findIndex(
    (f) =>
      (f.endpoint === undefined || f.endpoint === endpoint) &&
      (f.model === undefined || f.model === model),
  );
  return index < 0 ? undefined : faults.splice(index, 1)[0];
}

function endpointOf(
  method: string | undefined,
  path: string,
): "chat" | "embeddings" | "models" | undefined {
  if (method === "POST" && path === "/v1/chat/completions") return "chat";
  if (method === "POST" && path === "/v1/embeddings") return "embeddings";
  if (method === "GET" && path === "/v1/models") return "models";
  return undefined;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Streams the reply word by word as SSE chunks, then a usage chunk (when asked) and `[DONE]`. */
function sendStream(
  res: ServerResponse,
  request: FakeChatRequest,
  text: string,
  finish: string,
): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: request.model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  const write = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\n\n`);
  write(chunk({ role: "assistant", content: "" }, null));
  for (const piece of text.match(/\S+\s*|\s+/g) ?? []) write(chunk({ content: piece }, null));
  write(chunk({}, finish));
  if (request.stream_options?.include_usage === true) {
    write({
      id,
      object: "chat.completion.chunk",
      created,
      model: request.model,
      choices: [],
      usage: usageOf(request, text),
    });
  }
  res.end("data: [DONE]\n\n");
}

function sendEmbeddings(res: ServerResponse, body: unknown, options: OpenAiServerOptions): void {
  const { input, model, encoding_format, dimensions } = (body ?? {}) as {
    input?: unknown;
    model?: unknown;
    encoding_format?: unknown;
    dimensions?: unknown;
  };
  const texts = typeof input === "string" ? [input] : input;
  if (
    !Array.isArray(texts) ||
    texts.some((t) => typeof t !== "string") ||
    typeof model !== "string"
  ) {
    sendError(res, 400, "embeddings need a model and a string or string[] input");
    return;
  }
  const size = typeof dimensions === "number" ? dimensions : (options.embeddingDimensions ?? 64);
  const data = (texts as string[]).map((text, index) => {
    const vector = fakeEmbedding(text, size);
    return {
      object: "embedding",
      index,
      embedding: encoding_format === "base64" ? embeddingToBase64(vector) : vector,
    };
  });
  const tokens = (texts as string[]).reduce((sum, t) => sum + approxTokens(t), 0);
  sendJson(res, 200, {
    object: "list",
    data,
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function sendModels(res: ServerResponse, options: OpenAiServerOptions): void {
  const ids = [...new Set([...DEFAULT_MODELS, ...Object.keys(options.models ?? {})])];
  sendJson(res, 200, {
    object: "list",
    data: ids.map((id) => ({ id, object: "model", created: 0, owned_by: "ordo-testing" })),
  });
}

function sendFault(res: ServerResponse, fault: ScriptedFault): void {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(fault.retryAfterSeconds);
    headers["retry-after-ms"] = String(Math.round(fault.retryAfterSeconds * 1000));
  }
  sendError(res, fault.status, fault.message ?? `scripted failure ${fault.status}`, headers);
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const type =
    status === 429
      ? "rate_limit_exceeded"
      : status >= 500
        ? "server_error"
        : "invalid_request_error";
  sendJson(res, status, { error: { message, type, code: type, param: null } }, headers);
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}
