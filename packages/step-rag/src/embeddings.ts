/**
 * Embeddings over the OpenAI-compatible `POST /embeddings` API, with `fetch` (no vendor SDK:
 * the endpoint is one JSON request). Failures map to step errors the runtime understands.
 */
import { NonRetryableError, OrdoError, RetryAfterError } from "@ordo/step";

/** Turns texts into vectors. */
export interface Embedder {
  /** One vector per text, in order. `model` overrides the embedder's default model. */
  embed(
    texts: readonly string[],
    options?: { model?: string; signal?: AbortSignal },
  ): Promise<number[][]>;
}

/** Options of {@link OpenAiEmbedder}. */
export interface OpenAiEmbedderOptions {
  /** Base URL including `/v1`. Default `OPENAI_BASE_URL` or `https://api.openai.com/v1`. */
  readonly baseURL?: string;
  /** API key; default the value of `apiKeyEnv`. */
  readonly apiKey?: string;
  /** Environment variable with the key. Default `OPENAI_API_KEY`. */
  readonly apiKeyEnv?: string;
  /** Default model. Default `text-embedding-3-small`. */
  readonly model?: string;
  /** Requested vector length (models that support `dimensions`). */
  readonly dimensions?: number;
  /** Per-request timeout (ms). Default 30000. */
  readonly timeoutMs?: number;
  /** Where `apiKeyEnv` is read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function retryAfterMs(headers: Headers): number {
  const ms = Number(headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const seconds = Number(headers.get("retry-after") ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : 1_000;
}

/**
 * Embedder for any OpenAI-compatible endpoint. 429 -> `RetryAfterError`, 5xx and network errors
 * -> retryable `OrdoError("STEP_FAILED")`, other 4xx -> `NonRetryableError`.
 *
 * @example
 * ```ts
 * const embedder = new OpenAiEmbedder({ baseURL: "http://127.0.0.1:8080/v1", apiKey: "local" });
 * const [vector] = await embedder.embed(["hello"]);
 * ```
 */
export class OpenAiEmbedder implements Embedder {
  readonly #options: OpenAiEmbedderOptions;

  constructor(options: OpenAiEmbedderOptions = {}) {
    this.#options = options;
  }

  async embed(
    texts: readonly string[],
    options: { model?: string; signal?: AbortSignal } = {},
  ): Promise<number[][]> {
    if (texts.length === 0) return [];
    const o = this.#options;
    const env = o.env ?? process.env;
    const baseURL = o.baseURL ?? env.OPENAI_BASE_URL ?? "https://api.openai.com/v1";
    const apiKey = o.apiKey ?? env[o.apiKeyEnv ?? "OPENAI_API_KEY"];
    if (apiKey === undefined) {
      throw new NonRetryableError(`embeddings: no API key; set ${o.apiKeyEnv ?? "OPENAI_API_KEY"}`);
    }
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 30_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const body = {
      model: options.model ?? o.model ?? "text-embedding-3-small",
      input: texts,
      encoding_format: "float",
      ...(o.dimensions === undefined ? {} : { dimensions: o.dimensions }),
    };
    let response: Response;
    try {
      response = await fetch(`${baseURL.replace(/\/$/, "")}/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new OrdoError(
        "STEP_FAILED",
        `embeddings request to ${baseURL} failed: ${String(error)}`,
        {
          retryable: true,
          cause: error,
        },
      );
    }
    return parseEmbeddings(response, texts.length, baseURL);
  }
}

async function parseEmbeddings(
  response: Response,
  count: number,
  baseURL: string,
): Promise<number[][]> {
  const text = await response.text();
  if (response.status === 429) {
    throw new RetryAfterError(
      `embeddings rate limited by ${baseURL}`,
      retryAfterMs(response.headers),
    );
  }
  if (!response.ok) {
    const message = `embeddings request to ${baseURL} answered ${response.status}: ${text.slice(0, 200)}`;
    if (response.status >= 500) throw new OrdoError("STEP_FAILED", message, { retryable: true });
    throw new NonRetryableError(message, { details: { status: response.status } });
  }
  const parsed = JSON.parse(text) as { data?: { index: number; embedding: number[] }[] };
  const data = [...(parsed.data ?? [])].sort((a, b) => a.index - b.index);
  if (data.length !== count || data.some((d) => !Array.isArray(d.embedding))) {
    throw new OrdoError(
      "STEP_FAILED",
      `embeddings from ${baseURL}: expected ${count} float vectors`,
      {
        retryable: true,
      },
    );
  }
  return data.map((d) => d.embedding);
}
