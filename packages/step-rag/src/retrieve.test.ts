import { NonRetryableError, type RetryAfterError } from "@ordo/step";
import {
  fakeEmbedding,
  type OpenAiServer,
  runStep,
  startOpenAiServer,
  tryRunStep,
} from "@ordo/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OpenAiEmbedder } from "./embeddings.js";
import { createRagRetrieveStep, ingest } from "./retrieve.js";
import { InMemoryVectorIndex } from "./vector-index.js";

let server: OpenAiServer;
beforeAll(async () => {
  server = await startOpenAiServer({ embeddingDimensions: 128 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const corpus = [
  {
    id: "redis",
    text: "Ordo keeps hot execution state in Redis with Lua scripts",
    source: "docs",
    metadata: { lang: "en" },
  },
  {
    id: "mongo",
    text: "The durable ledger is stored in MongoDB or SQLite",
    source: "docs",
    metadata: { lang: "en" },
  },
  {
    id: "llm",
    text: "LLM steps record token usage and cost",
    source: "blog",
    metadata: { lang: "en" },
  },
  {
    id: "redis-fr",
    text: "Ordo garde l'état chaud dans Redis",
    source: "docs",
    metadata: { lang: "fr" },
  },
];

async function setup() {
  const embedder = new OpenAiEmbedder({
    baseURL: server.baseURL,
    apiKey: "k",
    model: "fake-embed",
  });
  const index = new InMemoryVectorIndex();
  await ingest(corpus, { embedder, index, batchSize: 3 });
  return { embedder, index };
}

describe("ordo.rag.retrieve", () => {
  it("ingests in batches and retrieves the closest documents first", async () => {
    const { embedder, index } = await setup();
    expect(index.size).toBe(4);
    // two batches (3 + 1) at ingest time
    expect(server.requests.filter((r) => r.path === "/v1/embeddings")).toHaveLength(2);
    const plugin = createRagRetrieveStep({ embedder, indexes: { docs: index } });
    const { output } = await runStep(plugin, {
      query: "where is hot state kept? Redis Lua",
      topK: 2,
    });
    expect(output.documents.map((d) => d.id)[0]).toBe("redis");
    expect(output.documents).toHaveLength(2);
    expect(output.documents[0]?.score).toBeGreaterThan(output.documents[1]?.score ?? 1);
    const sent = server.requests.at(-1)?.body as { input: string[]; model: string };
    expect(sent.input).toEqual(["where is hot state kept? Redis Lua"]);
  });

  it("scores are the cosine similarity of the embeddings", async () => {
    const { embedder, index } = await setup();
    const plugin = createRagRetrieveStep({ embedder, indexes: { docs: index } });
    const query = "token usage";
    const { output } = await runStep(plugin, { query, topK: 1 });
    const q = fakeEmbedding(query, 128);
    const d = fakeEmbedding(corpus[2]!.text, 128);
    expect(output.documents[0]?.score).toBeCloseTo(
      q.reduce((s, x, i) => s + x * (d[i] ?? 0), 0),
      6,
    );
  });

  it("applies metadata filters, minScore, config.index and embeddingModel", async () => {
    const { embedder, index } = await setup();
    const other = new InMemoryVectorIndex();
    const plugin = createRagRetrieveStep({
      embedder,
      indexes: { docs: index, other },
      defaultIndex: "other",
    });
    const filtered = await runStep(
      plugin,
      { query: "Redis", filter: { lang: "fr" } },
      {
        config: { index: "docs", embeddingModel: "embed-v2" },
      },
    );
    expect(filtered.output.documents.map((d) => d.id)).toEqual(["redis-fr"]);
    expect((server.requests.at(-1)!.body as { model: string }).model).toBe("embed-v2");
    const strict = await runStep(
      plugin,
      { query: "Redis", minScore: 0.99 },
      { config: { index: "docs" } },
    );
    expect(strict.output.documents).toEqual([]);
    const empty = await runStep(plugin, { query: "Redis" });
    expect(empty.output.documents).toEqual([]);
  });

  it("fails without retry on an unknown index and maps embedding API errors", async () => {
    const { embedder, index } = await setup();
    const plugin = createRagRetrieveStep({ embedder, indexes: { docs: index } });
    const unknown = await tryRunStep(plugin, { query: "x" }, { config: { index: "nope" } });
    expect(!unknown.ok && unknown.error).toBeInstanceOf(NonRetryableError);
    server.script({ status: 429, retryAfterSeconds: 2, endpoint: "embeddings" });
    const limited = await tryRunStep(plugin, { query: "x" });
    expect(!limited.ok && (limited.error as RetryAfterError).retryAfterMs).toBe(2000);
    server.script({ status: 503, endpoint: "embeddings" });
    const down = await tryRunStep(plugin, { query: "x" });
    expect(!down.ok && (down.error as { code: string; retryable: boolean })).toMatchObject({
      code: "STEP_FAILED",
      retryable: true,
    });
    server.script({ status: 400, endpoint: "embeddings" });
    const bad = await tryRunStep(plugin, { query: "x" });
    expect(!bad.ok && bad.error).toBeInstanceOf(NonRetryableError);
  });
});
