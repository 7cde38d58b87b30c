import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type OpenAiServer, startOpenAiServer } from "./openai-server.js";
import { approxTokens, fakeEmbedding } from "./openai-server-data.js";

let server: OpenAiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(s: OpenAiServer): OpenAI {
  return new OpenAI({ baseURL: s.baseURL, apiKey: "test-key", maxRetries: 0 });
}

function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
}

describe("startOpenAiServer", () => {
  it("answers chat completions deterministically with token usage", async () => {
    server = await startOpenAiServer();
    const reply = await client(server).chat.completions.create({
      model: "fake-small",
      messages: [{ role: "user", content: "hello there world" }],
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(reply.choices[0]?.message.content).toBe("echo: hello there world");
    // prompt: approxTokens + 1 per message; completion: approxTokens of the reply
    expect(reply.usage?.prompt_tokens).toBe(approxTokens("hello there world") + 1);
    expect(reply.usage?.completion_tokens).toBe(approxTokens("echo: hello there world"));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe("/v1/chat/completions");
    expect(server.requests[0]?.headers.authorization).toBe("Bearer test-key");
  });

  it("cuts replies at max_tokens with finish_reason length", async () => {
    server = await startOpenAiServer({ responder: () => "aaaa bbbb cccc dddd" });
    const c = client(server);
    const cut = await c.chat.completions.create({
      model: "m",
      max_tokens: 2,
      messages: [{ role: "user", content: "x" }],
    });
    expect(cut.choices[0]?.message.content).toBe("aaaa bbbb");
    expect(cut.choices[0]?.finish_reason).toBe("length");
    expect(cut.usage?.completion_tokens).toBe(2);
    const whole = await c.chat.completions.create({
      model: "m",
      max_completion_tokens: 10,
      messages: [{ role: "user", content: "x" }],
    });
    expect(whole.choices[0]?.finish_reason).toBe("stop");
  });

  it("uses a custom responder and per-model responders", async () => {
    server = await startOpenAiServer({
      responder: (req) => `default:${req.model}`,
      models: { special: { responder: () => "special reply" } },
    });
    const c = client(server);
    const a = await c.chat.completions.create({
      model: "m1",
      messages: [{ role: "user", content: "x" }],
    });
    const b = await c.chat.completions.create({
      model: "special",
      messages: [{ role: "user", content: "x" }],
    });
    expect(a.choices[0]?.message.content).toBe("default:m1");
    expect(b.choices[0]?.message.content).toBe("special reply");
  });

  it("streams deltas over SSE, then usage and [DONE]", async () => {
    server = await startOpenAiServer();
    const stream = await client(server).chat.completions.create({
      model: "fake-small",
      messages: [{ role: "user", content: "one two three" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) deltas.push(piece);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join("")).toBe("echo: one two three");
    expect(usage?.completion_tokens).toBe(approxTokens("echo: one two three"));
  });

  it("returns JSON matching the requested json_schema", async () => {
    server = await startOpenAiServer();
    const reply = await client(server).chat.completions.create({
      model: "fake-small",
      messages: [{ role: "user", content: "classify" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "label",
          schema: {
            type: "object",
            properties: {
              label: { type: "string", enum: ["spam", "ham"] },
              score: { type: "number" },
            },
            required: ["label", "score"],
          },
        },
      },
    });
    expect(JSON.parse(reply.choices[0]?.message.content ?? "")).toEqual({
      label: "spam",
      score: 0,
    });
  });

  it("returns deterministic normalised embeddings (base64 default and float)", async () => {
    server = await startOpenAiServer({ embeddingDimensions: 32 });
    const c = client(server);
    const viaBase64 = await c.embeddings.create({
      model: "fake-embed",
      input: ["red apple", "red apple pie", "blue car"],
    });
    const viaFloat = await c.embeddings.create({
      model: "fake-embed",
      input: "red apple",
      encoding_format: "float",
    });
    const [apple, pie, car] = viaBase64.data.map((d) => d.embedding);
    expect(apple).toHaveLength(32);
    expect(cosine(apple!, apple!)).toBeCloseTo(1, 5);
    expect(viaFloat.data[0]?.embedding).toEqual(fakeEmbedding("red apple", 32));
    expect(cosine(apple!, pie!)).toBeGreaterThan(cosine(apple!, car!));
  });

  it("lists models including configured ones", async () => {
    server = await startOpenAiServer({ models: { "my-model": {} } });
    const ids: string[] = [];
    for await (const model of client(server).models.list()) ids.push(model.id);
    expect(ids).toContain("my-model");
    expect(ids).toContain("fake-small");
  });

  it("serves scripted 429 with Retry-After, then 503, then succeeds", async () => {
    server = await startOpenAiServer();
    server.script({ status: 429, retryAfterSeconds: 1.5 }, { status: 503 });
    const c = client(server);
    const body = { model: "fake-small", messages: [{ role: "user" as const, content: "hi" }] };
    const first = await c.chat.completions.create(body).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    expect((first as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("1.5");
    const second = await c.chat.completions.create(body).catch((e: unknown) => e);
    expect((second as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const third = await c.chat.completions.create(body);
    expect(third.choices[0]?.message.content).toBe("echo: hi");
    expect(server.requests.map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it("matches faults by endpoint and model, and fails a model that is down", async () => {
    server = await startOpenAiServer({ models: { down: { alwaysFail: 500 } } });
    server.script({ status: 500, endpoint: "embeddings" }, { status: 429, model: "other" });
    const c = client(server);
    const chat = await c.chat.completions.create({
      model: "fake-small",
      messages: [{ role: "user", content: "a" }],
    });
    expect(chat.choices[0]?.message.content).toBe("echo: a");
    await expect(c.embeddings.create({ model: "e", input: "a" })).rejects.toMatchObject({
      status: 500,
    });
    await expect(
      c.chat.completions.create({ model: "down", messages: [{ role: "user", content: "a" }] }),
    ).rejects.toMatchObject({ status: 500 });
    await expect(
      c.chat.completions.create({ model: "other", messages: [{ role: "user", content: "a" }] }),
    ).rejects.toMatchObject({ status: 429 });
  });

  it("injects latency and checks the api key when configured", async () => {
    server = await startOpenAiServer({ latencyMs: 80, apiKey: "secret" });
    const started = Date.now();
    await expect(
      client(server).chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "a" }],
      }),
    ).rejects.toMatchObject({ status: 401 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    const ok = new OpenAI({ baseURL: server.baseURL, apiKey: "secret", maxRetries: 0 });
    const reply = await ok.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "a" }],
    });
    expect(reply.choices[0]?.message.content).toBe("echo: a");
  });
});
