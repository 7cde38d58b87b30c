import { isOrdoError } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { llm, pipeline } from "./index.js";

const eu = () =>
  pipeline({
    name: "eu",
    version: "1.0.0",
    input: z.object({ q: z.string() }),
    policies: { admission: { blockedProviders: ["openai"], reason: "EU data only" } },
  });

describe("admission policies at compile time", () => {
  it("compiles a pipeline whose steps the policy admits, keeping the policy in the IR", () => {
    const ir = eu()
      .step(
        "a",
        llm(($) => ({ prompt: $.input.q }), { model: "m", provider: "mistral" }),
      )
      .compile();
    expect(ir.policies?.admission).toEqual({
      blockedProviders: ["openai"],
      reason: "EU data only",
    });
  });

  it("refuses to compile a step the policy blocks, with IR_ADMISSION_DENIED naming step and rule", () => {
    let caught: unknown;
    try {
      eu()
        .step(
          "a",
          llm(($) => ({ prompt: $.input.q }), { model: "gpt-4o", provider: "openai" }),
        )
        .compile();
    } catch (error) {
      caught = error;
    }
    expect(isOrdoError(caught) && caught.code).toBe("IR_ADMISSION_DENIED");
    expect((caught as Error).message).toMatch(
      /step 'a': provider openai blocked .*blockedProviders.*EU data only.*\$\.steps\[0\]\.metadata\.provider/,
    );
  });

  const open = () =>
    pipeline({ name: "open", version: "1.0.0", input: z.object({ q: z.string() }) });

  it("two .policies() calls on one step narrow its admission instead of replacing it", () => {
    const ir = open()
      .step(
        "answer",
        llm(($) => ({ prompt: $.input.q }), { provider: "openai", model: "gpt-4.1" }),
      )
      .policies({ admission: { allowedModels: ["openai:gpt-4.1", "openai:gpt-4o"] } })
      .policies({ admission: { blockedModels: ["openai:gpt-4o"], reason: "deprecated" } })
      .compile();
    expect(ir.steps[0]!.policies?.admission).toEqual({
      allowedModels: ["openai:gpt-4.1"],
      blockedModels: ["openai:gpt-4o"],
      reason: "deprecated",
    });
  });

  it("a later .policies() call cannot widen what an earlier one refused", () => {
    const built = open()
      .step(
        "answer",
        llm(($) => ({ prompt: $.input.q }), { provider: "openai", model: "gpt-4o" }),
      )
      .policies({ admission: { blockedModels: ["openai:gpt-4o"] } })
      .policies({ admission: { allowedModels: ["openai:gpt-4o", "openai:gpt-4.1"] } });
    // Replacing would have admitted gpt-4o; narrowing keeps it blocked.
    let caught: unknown;
    try {
      built.compile();
    } catch (error) {
      caught = error;
    }
    expect(isOrdoError(caught) && caught.code).toBe("IR_ADMISSION_DENIED");
  });

  it("allowed lists with nothing in common fail at the second call, naming the step", () => {
    const step = open().step(
      "answer",
      llm(($) => ({ prompt: $.input.q }), { provider: "openai", model: "gpt-4o" }),
    );
    const first = step.policies({ admission: { allowedProviders: ["openai"] } });
    let caught: unknown;
    try {
      first.policies({ admission: { allowedProviders: ["mistral"] } });
    } catch (error) {
      caught = error;
    }
    expect(isOrdoError(caught) && caught.code).toBe("IR_INVALID_POLICY");
    expect((caught as Error).message).toMatch(
      /^step 'answer' policies: admission: allowedProviders would admit nothing/,
    );
  });
});
