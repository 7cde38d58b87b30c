/**
 * One chat completion against one provider and model with the official `openai` SDK, and the
 * mapping of its failures to what the step should do (fail over, retry later, or give up).
 */
import type { StepContext } from "@ordo/step";
import OpenAI from "openai";
import type { LlmProvider, LlmUsage } from "./contract.js";

/** A provider + model pair of the failover list. */
export interface LlmCandidate {
  readonly provider: LlmProvider;
  readonly model: string;
}

/** Model-independent request parameters (the cache fingerprint covers them). */
export interface ChatParams {
  readonly messages: { role: "system" | "user" | "assistant"; content: string }[];
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly response_format?: {
    type: "json_schema";
    json_schema: { name: string; schema: Record<string, unknown>; strict: boolean };
  };
}

/** A provider's answer. */
export interface ChatAnswer {
  readonly text: string;
  readonly finishReason: string;
  readonly usage: LlmUsage;
  /** False when the provider reported no usage (then tokens are 0). */
  readonly usageReported: boolean;
}

/** How a failed call is handled. */
export type CallFailure =
  | {
      readonly kind: "rate-limited";
      readonly status: 429;
      readonly retryAfterMs: number;
      readonly message: string;
    }
  | { readonly kind: "retryable"; readonly status: number; readonly message: string }
  | { readonly kind: "fatal"; readonly status: number; readonly message: string }
  | { readonly kind: "aborted"; readonly message: string };

/** Default wait when a 429 carries no usable `Retry-After` (ms). */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Parses `retry-after-ms`, then `retry-after` (seconds or an HTTP date) into ms. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number {
  const ms = Number(headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = headers?.get("retry-after");
  if (value === null || value === undefined) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : DEFAULT_RETRY_AFTER_MS;
}

/** Classifies an error thrown by the openai SDK. */
export function classifyFailure(error: unknown, signal: AbortSignal): CallFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (signal.aborted || error instanceof OpenAI.APIUserAbortError)
    return { kind: "aborted", message };
  if (error instanceof OpenAI.APIConnectionError) return { kind: "retryable", status: 0, message };
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const status = error.status;
    if (status === 429) {
      return { kind: "rate-limited", status, retryAfterMs: retryAfterMs(error.headers), message };
    }
    // 408 (timeout) and 409 (conflict) are transient by HTTP convention, like 5xx
    if (status >= 500 || status === 408 || status === 409)
      return { kind: "retryable", status, message };
    return { kind: "fatal", status, message };
  }
  // an SDK-internal error without a status (e.g. a stream cut mid-way): treat as transient
  return { kind: "retryable", status: 0, message };
}

function usageOf(raw: OpenAI.CompletionUsage | null | undefined): LlmUsage | undefined {
  if (raw === null || raw === undefined) return undefined;
  return {
    inputTokens: raw.prompt_tokens,
    outputTokens: raw.completion_tokens,
    totalTokens: raw.total_tokens,
  };
}

const NO_USAGE: LlmUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

/**
 * Calls the provider once (the SDK's own retries are off: the runtime owns retries and failover
 * is done by the caller). With `stream`, every content delta is emitted as `llm.delta`.
 */
export async function callChat(
  candidate: LlmCandidate,
  apiKey: string,
  params: ChatParams,
  options: { stream: boolean; timeoutMs: number },
  ctx: Pick<StepContext, "signal" | "emit">,
): Promise<ChatAnswer> {
  const client = new OpenAI({
    apiKey,
    maxRetries: 0,
    timeout: options.timeoutMs,
    ...(candidate.provider.baseURL === undefined ? {} : { baseURL: candidate.provider.baseURL }),
  });
  const body = { ...params, model: candidate.model };
  if (!options.stream) {
    const reply = await client.chat.completions.create(body, { signal: ctx.signal });
    const choice = reply.choices[0];
    const usage = usageOf(reply.usage);
    return {
      text: choice?.message.content ?? "",
      finishReason: choice?.finish_reason ?? "unknown",
      usage: usage ?? NO_USAGE,
      usageReported: usage !== undefined,
    };
  }
  const stream = await client.chat.completions.create(
    { ...body, stream: true, stream_options: { include_usage: true } },
    { signal: ctx.signal },
  );
  let text = "";
  let finishReason = "unknown";
  let usage: LlmUsage | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    const delta = choice?.delta?.content;
    if (delta) {
      text += delta;
      ctx.emit("llm.delta", {
        text: delta,
        provider: candidate.provider.name,
        model: candidate.model,
      });
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    usage = usageOf(chunk.usage) ?? usage;
  }
  return { text, finishReason, usage: usage ?? NO_USAGE, usageReported: usage !== undefined };
}
