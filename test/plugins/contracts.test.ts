/**
 * The sdk declares the built-in steps (so pipelines compile without vendor SDKs); the first-party
 * plugins implement them. A pipeline built with `llm()` only runs on a worker with
 * `@ordo/step-llm` if type, version, schemas and metadata are identical: this test pins that.
 */
import {
  decisionStep,
  httpToolStep,
  llmStep,
  ragComposeStep,
  ragMergeStep,
  ragRetrieveStep,
} from "@ordo/sdk";
import type { StepContract } from "@ordo/step";
import { createHttpToolStep, decisionPlugin } from "@ordo/step-http";
import { createLlmStep } from "@ordo/step-llm";
import {
  createRagRetrieveStep,
  InMemoryVectorIndex,
  OpenAiEmbedder,
  ragComposeStep as ragComposePlugin,
  ragMergeStep as ragMergePlugin,
} from "@ordo/step-rag";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const retrievePlugin = createRagRetrieveStep({
  embedder: new OpenAiEmbedder({ apiKey: "unused" }),
  indexes: { docs: new InMemoryVectorIndex() },
});

const pairs: [string, StepContract, StepContract][] = [
  ["llm", llmStep, createLlmStep()],
  ["rag.retrieve", ragRetrieveStep, retrievePlugin],
  ["rag.merge", ragMergeStep, ragMergePlugin],
  ["rag.compose", ragComposeStep, ragComposePlugin],
  ["tool.http", httpToolStep, createHttpToolStep()],
  ["decision", decisionStep, decisionPlugin],
];

function schemas(contract: StepContract) {
  return {
    input: z.toJSONSchema(contract.input, { io: "input" }),
    output: z.toJSONSchema(contract.output, { io: "output" }),
    config:
      contract.config === undefined ? undefined : z.toJSONSchema(contract.config, { io: "input" }),
  };
}

describe("first-party plugins implement the sdk declarations", () => {
  it.each(pairs)(
    "%s: same type, version, metadata and JSON schemas",
    (_name, declaration, plugin) => {
      expect(plugin.type).toBe(declaration.type);
      expect(plugin.version).toBe(declaration.version);
      expect(plugin.metadata).toEqual(declaration.metadata);
      expect(schemas(plugin)).toEqual(schemas(declaration));
    },
  );

  it.each(pairs)(
    "%s: the plugin accepts what the declaration accepts",
    (_name, declaration, plugin) => {
      // the refinements (not visible in JSON Schema) must agree too: probe with a few inputs
      const probes: unknown[] = [
        {},
        { prompt: "x" },
        { query: "q" },
        { lists: [[]] },
        { documents: [] },
      ];
      for (const probe of probes) {
        expect(plugin.input.safeParse(probe).success).toBe(
          declaration.input.safeParse(probe).success,
        );
      }
    },
  );
});
