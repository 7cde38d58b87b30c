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
});
