import type { AdmissionPolicy, PolicySet } from "@ordo/core";
import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { llm, pipeline } from "./index.js";

const base = pipeline({
  name: "eu",
  version: "1.0.0",
  input: z.object({ q: z.string() }),
  policies: {
    admission: { allowedProviders: ["mistral"], requireProvider: true, reason: "EU data only" },
  },
});

describe("admission policies", () => {
  test("pipeline and step policies accept the admission field", () => {
    base
      .step(
        "a",
        llm(($) => ({ prompt: $.input.q }), { model: "mistral-large", provider: "mistral" }),
      )
      .policies({
        admission: { blockedModels: ["mistral:mistral-small"], allowedOperations: ["llm.chat"] },
      });
    expectTypeOf<PolicySet["admission"]>().toEqualTypeOf<AdmissionPolicy | undefined>();
    expectTypeOf<AdmissionPolicy["requireProvider"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<AdmissionPolicy["allowedModels"]>().toEqualTypeOf<string[] | undefined>();
  });

  test("misspelt or mistyped admission fields are type errors", () => {
    const s = base.step(
      "a",
      llm(($) => ({ prompt: $.input.q })),
    );
    // @ts-expect-error blockProvider is not a field (blockedProviders is)
    s.policies({ admission: { blockProvider: ["x"] } });
    // @ts-expect-error lists hold names, not a single string
    s.policies({ admission: { blockedProviders: "x" } });
    // @ts-expect-error require* are booleans
    s.policies({ admission: { requireModel: "gpt" } });
  });
});
