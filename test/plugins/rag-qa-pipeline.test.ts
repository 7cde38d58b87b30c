/**
 * A pipeline written with the sdk (`rag.retrieve` -> `rag.compose` -> `llm` -> `decision`) is
 * compiled to IR and executed step by step with the first-party plugins against the local
 * OpenAI-compatible server. The tiny executor below (topological order, bindings resolved with
 * `@ordo/core`, each step through `runStep`) stands in for a worker: it proves the IR built from
 * the declarations carries everything the plugins need, and that a rerun is free.
 */
import { type JsonValue, type PipelineIR, resolveValue, topologicalOrder } from "@ordo/core";
import { decision, llm, pipeline, rag } from "@ordo/sdk";
import type { StepPlugin } from "@ordo/step";
import { decisionPlugin } from "@ordo/step-http";
import { createLlmStep, InMemoryLlmCache } from "@ordo/step-llm";
import {
  createRagRetrieveStep,
  InMemoryVectorIndex,
  ingest,
  OpenAiEmbedder,
  ragComposeStep,
} from "@ordo/step-rag";
import { type CapturedEvent, type OpenAiServer, runStep, startOpenAiServer } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const qa = pipeline({ name: "qa", version: "1.0.0", input: z.object({ question: z.string() }) })
  .step(
    "retrieve",
    rag.retrieve(($) => ({ query: $.input.question, topK: 2 }), { index: "docs" }),
  )
  .step(
    "context",
    rag.compose(($) => ({ documents: $.steps.retrieve.output.documents })),
  )
  .step(
    "answer",
    llm(
      ($) => ({
        context: $.steps.context.output.context,
        prompt: $.template`Question: ${$.input.question}`,
      }),
      {
        provider: "local",
        model: "fake-small",
        stream: true,
      },
    ),
  )
  .step(
    "route",
    decision(($) => ({
      value: $.steps.answer.output.finishReason,
      cases: [{ when: { equals: "stop" }, route: "publish" }],
      default: "review",
    })),
  )
  .output(($) => ({ answer: $.steps.answer.output.text, route: $.steps.route.output.route }));

let server: OpenAiServer;
let plugins: Map<string, StepPlugin>;

beforeAll(async () => {
  server = await startOpenAiServer({ embeddingDimensions: 64 });
  const embedder = new OpenAiEmbedder({
    baseURL: server.baseURL,
    apiKey: "k",
    model: "fake-embed",
  });
  const docs = new InMemoryVectorIndex();
  await ingest(
    [
      {
        id: "lua",
        text: "Every Ordo state transition is one atomic Lua script in Redis",
        source: "arch",
      },
      {
        id: "ledger",
        text: "The ledger is a hash chain shipped to MongoDB or SQLite",
        source: "arch",
      },
      { id: "cost", text: "LLM steps record tokens and cost in USD", source: "plugins" },
    ],
    { embedder, index: docs },
  );
  const list: StepPlugin[] = [
    createRagRetrieveStep({ embedder, indexes: { docs } }),
    ragComposeStep,
    createLlmStep({
      providers: [{ name: "local", baseURL: server.baseURL, apiKey: "k" }],
      cache: new InMemoryLlmCache(),
    }),
    decisionPlugin,
  ] as StepPlugin[];
  plugins = new Map(list.map((p) => [`${p.type}@${p.version}`, p]));
});
afterAll(() => server.close());

async function execute(ir: PipelineIR, input: JsonValue, executionId: string) {
  const outputs: Record<string, JsonValue> = {};
  const events: CapturedEvent[] = [];
  for (const id of topologicalOrder(ir)) {
    const step = ir.steps.find((s) => s.id === id)!;
    const plugin = plugins.get(`${step.type}@${step.typeVersion}`);
    if (plugin === undefined) throw new Error(`no plugin for ${step.type}@${step.typeVersion}`);
    const resolved = resolveValue(step.inputs, { input, steps: outputs });
    const result = await runStep(plugin, resolved, {
      config: step.config,
      metadata: step.metadata,
      stepId: id,
      executionId,
    });
    outputs[id] = result.output as JsonValue;
    events.push(...result.events);
  }
  return { outputs, events, answer: resolveValue(ir.output ?? {}, { input, steps: outputs }) };
}

describe("sdk pipeline on first-party plugins", () => {
  it("compiles to IR whose step schemas are the plugins' schemas", () => {
    const ir = qa.compile();
    for (const step of ir.steps) {
      const plugin = plugins.get(`${step.type}@${step.typeVersion}`)!;
      expect(step.schemas.input).toEqual(z.toJSONSchema(plugin.input, { io: "input" }));
      expect(step.schemas.output).toEqual(z.toJSONSchema(plugin.output, { io: "output" }));
    }
    expect(ir.steps.find((s) => s.id === "answer")?.metadata).toMatchObject({
      provider: "local",
      model: "fake-small",
    });
  });

  it("retrieves, composes a cited context, answers with streaming, and routes", async () => {
    const ir = qa.compile();
    const question = "which atomic Lua script runs a state transition";
    const run = await execute(ir, { question }, "exec-1");
    const retrieved = run.outputs.retrieve as { documents: { id: string }[] };
    expect(retrieved.documents.map((d) => d.id)[0]).toBe("lua");
    const context = run.outputs.context as { context: string; documentIds: string[] };
    expect(context.context.startsWith("[1] Every Ordo state transition")).toBe(true);
    const chat = server.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(chat).toHaveLength(1);
    const messages = (chat[0]!.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages[0]?.content).toBe(`Context:\n${context.context}`);
    expect(run.answer).toEqual({ answer: `echo: Question: ${question}`, route: "publish" });
    const deltas = run.events
      .filter((e) => e.type === "llm.delta")
      .map((e) => (e.data as { text: string }).text);
    expect(deltas.join("")).toBe(`echo: Question: ${question}`);
  });

  it("a rerun of the same execution pays nothing for the LLM", async () => {
    const ir = qa.compile();
    const before = server.requests.filter((r) => r.path === "/v1/chat/completions").length;
    const rerun = await execute(ir, { question: "ledger hash chain" }, "exec-2");
    const again = await execute(ir, { question: "ledger hash chain" }, "exec-2");
    expect(server.requests.filter((r) => r.path === "/v1/chat/completions").length).toBe(
      before + 1,
    );
    expect((again.outputs.answer as { cached: boolean; costUsd: number }).cached).toBe(true);
    expect(again.answer).toEqual(rerun.answer);
  });
});
