import { describe, expect, test } from "vitest";
import { z } from "zod";
import { declareStep, implementStep, isStepContract, isStepDeclaration } from "./declare-step.js";
import { defineStep, isStepPlugin } from "./define-step.js";

const upper = declareStep({
  type: "example.upper",
  version: "1.0.0",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  metadata: { operation: "upper" },
});

describe("declareStep / implementStep", () => {
  test("a declaration is frozen, branded and has no run", () => {
    expect(Object.isFrozen(upper)).toBe(true);
    expect(upper.kind).toBe("ordo.step-declaration");
    expect("run" in upper).toBe(false);
    expect(isStepDeclaration(upper)).toBe(true);
    expect(isStepPlugin(upper)).toBe(false);
    expect(isStepContract(upper)).toBe(true);
  });

  test("implementStep keeps type, version, schemas and metadata and adds run", async () => {
    const plugin = implementStep(upper, async ({ text }) => ({ text: text.toUpperCase() }));
    expect(isStepPlugin(plugin)).toBe(true);
    expect(isStepDeclaration(plugin)).toBe(false);
    expect(isStepContract(plugin)).toBe(true);
    expect(plugin).toMatchObject({
      type: "example.upper",
      version: "1.0.0",
      metadata: { operation: "upper" },
    });
    expect(plugin.input).toBe(upper.input);
    expect(plugin.output).toBe(upper.output);
    expect(await plugin.run({ text: "ab" }, {} as never)).toEqual({ text: "AB" });
  });

  test("isStepContract rejects look-alikes", () => {
    expect(isStepContract({ kind: "ordo.step", type: "x" })).toBe(false);
    expect(isStepContract({ type: "x", version: "1" })).toBe(false);
    const plugin = defineStep({
      type: "t",
      version: "1",
      input: z.object({}),
      output: z.object({}),
      async run() {
        return {};
      },
    });
    expect(isStepContract(plugin)).toBe(true);
  });
});
