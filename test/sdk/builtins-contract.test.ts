/**
 * The sdk declares the built-in steps; the plugin packages implement them. A pipeline compiled
 * with `llm()`/`rag.*()`/`tool.http()`/`decision()` runs only if a worker's plugin has the same
 * type, version and schemas, so this test fails on any drift between the two copies.
 */
import {
  decisionStep,
  httpToolStep,
  llmStep,
  ragComposeStep,
  ragMergeStep,
  ragRetrieveStep,
} from "@ordo/sdk";
import { decisionContract, httpToolContract } from "@ordo/step-http";
import {
  LLM_STEP_TYPE,
  LLM_STEP_VERSION,
  llmConfigSchema,
  llmInputSchema,
  llmOutputSchema,
} from "@ordo/step-llm";
import { ragComposeContract, ragMergeContract, ragRetrieveContract } from "@ordo/step-rag";
import { describe, expect, test } from "vitest";
import { z } from "zod";

interface Contract {
  readonly type: string;
  readonly version: string;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly config?: z.ZodType;
}

function shape(contract: Contract) {
  return {
    type: contract.type,
    version: contract.version,
    input: z.toJSONSchema(contract.input, { io: "input" }),
    output: z.toJSONSchema(contract.output, { io: "output" }),
    config:
      contract.config === undefined ? undefined : z.toJSONSchema(contract.config, { io: "input" }),
  };
}

const pairs: [string, Contract, Contract][] = [
  [
    "llm",
    llmStep,
    {
      type: LLM_STEP_TYPE,
      version: LLM_STEP_VERSION,
      input: llmInputSchema,
      output: llmOutputSchema,
      config: llmConfigSchema,
    },
  ],
  ["rag.retrieve", ragRetrieveStep, ragRetrieveContract],
  ["rag.merge", ragMergeStep, ragMergeContract],
  ["rag.compose", ragComposeStep, ragComposeContract],
  ["tool.http", httpToolStep, httpToolContract],
  ["decision", decisionStep, decisionContract],
];

describe("sdk declarations match the plugin packages", () => {
  for (const [name, declared, implemented] of pairs) {
    test(name, () => {
      expect(shape(declared)).toEqual(shape(implemented));
    });
  }
});
