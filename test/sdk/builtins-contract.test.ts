/**
 * The built-in step contracts have one source, `@ordo/step/builtins`: the sdk re-exports its
 * declarations and the plugin packages implement them. A pipeline compiled with
 * `llm()`/`rag.*()`/`tool.http()`/`decision()` runs only if a worker's plugin has the same type,
 * version and schemas, so this test pins that every side uses the very same objects (a copied
 * schema, even an identical one, fails here).
 */
import * as sdk from "@ordo/sdk";
import type { StepContract, StepPlugin } from "@ordo/step";
import * as builtins from "@ordo/step/builtins";
import {
  createHttpToolStep,
  decisionConditionSchema,
  decisionContract,
  decisionPlugin,
  httpToolContract,
} from "@ordo/step-http";
import * as stepLlm from "@ordo/step-llm";
import {
  createRagRetrieveStep,
  InMemoryVectorIndex,
  OpenAiEmbedder,
  ragComposeContract,
  ragComposeStep as ragComposePlugin,
  ragDocumentSchema,
  ragMergeContract,
  ragMergeStep as ragMergePlugin,
  ragRetrieveContract,
} from "@ordo/step-rag";
import { describe, expect, test } from "vitest";

const retrievePlugin = createRagRetrieveStep({
  embedder: new OpenAiEmbedder({ apiKey: "unused" }),
  indexes: { docs: new InMemoryVectorIndex() },
});

// [name, shared declaration, sdk export, plugin package's contract export, plugin]
const rows: [string, StepContract, StepContract, StepContract, StepPlugin][] = [
  ["llm", builtins.llmStep, sdk.llmStep, stepLlm.llmContract, stepLlm.createLlmStep()],
  [
    "rag.retrieve",
    builtins.ragRetrieveStep,
    sdk.ragRetrieveStep,
    ragRetrieveContract,
    retrievePlugin,
  ],
  ["rag.merge", builtins.ragMergeStep, sdk.ragMergeStep, ragMergeContract, ragMergePlugin],
  [
    "rag.compose",
    builtins.ragComposeStep,
    sdk.ragComposeStep,
    ragComposeContract,
    ragComposePlugin,
  ],
  ["tool.http", builtins.httpToolStep, sdk.httpToolStep, httpToolContract, createHttpToolStep()],
  ["decision", builtins.decisionStep, sdk.decisionStep, decisionContract, decisionPlugin],
];

describe("built-in contracts have one source", () => {
  test.each(rows)(
    "%s: sdk and plugin package re-export the shared declaration",
    (_n, shared, fromSdk, fromPlugin) => {
      expect(fromSdk).toBe(shared);
      expect(fromPlugin).toBe(shared);
    },
  );

  test.each(rows)(
    "%s: the plugin implements it with the very same schemas",
    (_n, shared, _s, _c, plugin) => {
      expect(plugin.kind).toBe("ordo.step");
      expect(plugin.type).toBe(shared.type);
      expect(plugin.version).toBe(shared.version);
      expect(plugin.description).toBe(shared.description);
      expect(plugin.metadata).toEqual(shared.metadata);
      expect(plugin.input).toBe(shared.input);
      expect(plugin.output).toBe(shared.output);
      expect(plugin.config).toBe(shared.config);
    },
  );

  test("the human-input declaration of the sdk is the shared one", () => {
    expect(sdk.humanInputStep).toBe(builtins.humanInputStep);
  });

  test("schemas the packages re-export are the shared schemas", () => {
    expect(sdk.ragDocumentSchema).toBe(builtins.ragDocumentSchema);
    expect(ragDocumentSchema).toBe(builtins.ragDocumentSchema);
    expect(decisionConditionSchema).toBe(builtins.decisionConditionSchema);
    expect(stepLlm.llmInputSchema).toBe(builtins.llmStep.input);
    expect(stepLlm.llmOutputSchema).toBe(builtins.llmStep.output);
    expect(stepLlm.llmConfigSchema).toBe(builtins.llmStep.config);
    expect(stepLlm.LLM_STEP_TYPE).toBe(builtins.llmStep.type);
    expect(stepLlm.LLM_STEP_VERSION).toBe(builtins.llmStep.version);
  });
});
