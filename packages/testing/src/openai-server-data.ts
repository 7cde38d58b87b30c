/**
 * Deterministic data of the local OpenAI-compatible server: a rough tokenizer, bag-of-words
 * embeddings, a JSON value generator for `response_format: json_schema` requests, and the chat
 * reply and usage builders.
 * Everything here is a pure function of its input, so tests can compute expected values.
 */
import { createHash, randomUUID } from "node:crypto";
import type { FakeChatRequest } from "./openai-server.js";

/**
 * Approximate token count: every whitespace-separated word costs `ceil(length / 4)` tokens
 * (at least 1). Close enough to real tokenizers for budgets and cost tests, and exact to predict.
 *
 * @example
 * ```ts
 * approxTokens("hello world"); // 4 (2 + 2)
 * ```
 */
export function approxTokens(text: string): number {
  let tokens = 0;
  for (const word of text.split(/\s+/)) {
    if (word.length > 0) tokens += Math.ceil(word.length / 4);
  }
  return tokens;
}

/** The words the embedding hashes: lowercase runs of letters and digits. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * A deterministic, L2-normalised embedding: each word is hashed (SHA-256) to one dimension and a
 * sign, and counted. Texts that share words get a higher cosine similarity, so retrieval tests
 * behave like real ones. A text without words maps to the unit vector on dimension 0.
 *
 * @example
 * ```ts
 * fakeEmbedding("red apples", 8).length; // 8
 * ```
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of words(text)) {
    const digest = createHash("sha256").update(word).digest();
    const index = digest.readUInt32BE(0) % dimensions;
    vector[index] = (vector[index] ?? 0) + ((digest[4] ?? 0) & 1 ? 1 : -1);
  }
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((x) => x / norm);
}

/** Encodes a vector the way OpenAI does for `encoding_format: "base64"` (float32, little endian). */
export function embeddingToBase64(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => {
    buffer.writeFloatLE(x, i * 4);
  });
  return buffer.toString("base64");
}

type Schema = { [key: string]: unknown };

function asSchema(value: unknown): Schema {
  return typeof value === "object" && value !== null ? (value as Schema) : {};
}

/**
 * A value matching a (simple) JSON Schema: objects get every property, strings get `seed`,
 * numbers their minimum or 0, booleans true, arrays one item, enums and consts their first value.
 * Used when a structured-output request has no responder.
 *
 * @example
 * ```ts
 * sampleFromSchema({ type: "object", properties: { n: { type: "integer" } } }, "x"); // { n: 0 }
 * ```
 */
export function sampleFromSchema(schemaValue: unknown, seed: string): unknown {
  const schema = asSchema(schemaValue);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) return sampleFromSchema(variants[0], seed);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const properties = asSchema(schema.properties);
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(properties)) out[key] = sampleFromSchema(sub, seed);
      return out;
    }
    case "array": {
      const min = typeof schema.minItems === "number" ? Math.max(1, schema.minItems) : 1;
      return Array.from({ length: min }, () => sampleFromSchema(schema.items, seed));
    }
    case "string":
      return seed;
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return seed;
  }
}

/**
 * Applies `max_completion_tokens` / `max_tokens`: whole words are kept while their
 * {@link approxTokens} sum fits; a cut reply ends with `finish_reason: "length"`.
 */
export function limitTokens(
  text: string,
  request: FakeChatRequest,
): { text: string; finish: string } {
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (typeof limit !== "number" || approxTokens(text) <= limit) return { text, finish: "stop" };
  let kept = "";
  for (const piece of text.match(/\S+\s*/g) ?? []) {
    if (approxTokens(kept + piece) > limit) break;
    kept += piece;
  }
  return { text: kept.trimEnd(), finish: "length" };
}

/** The text of a message's content (string or text parts). */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part?.text === "string" ? (part.text as string) : ""))
      .join("");
  }
  return "";
}

/** Default reply: sampled from the JSON schema, `{ echo }` for json_object, else `echo: <prompt>`. */
export function defaultResponder(request: FakeChatRequest): unknown {
  const lastUser = [...request.messages].reverse().find((m) => m.role === "user");
  const prompt = textOf(lastUser?.content);
  const schema = request.response_format?.json_schema?.schema;
  if (request.response_format?.type === "json_schema") return sampleFromSchema(schema, prompt);
  if (request.response_format?.type === "json_object") return { echo: prompt };
  return `echo: ${prompt}`;
}

/** Token usage of a reply: {@link approxTokens} per message + 1, and of the reply. */
export function usageOf(request: FakeChatRequest, text: string) {
  const prompt_tokens = request.messages.reduce(
    (sum, m) => sum + approxTokens(textOf(m.content)) + 1,
    0,
  );
  const completion_tokens = approxTokens(text);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** A `chat.completion` response body. */
export function completion(request: FakeChatRequest, text: string, finish: string) {
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text, refusal: null },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage: usageOf(request, text),
  };
}
