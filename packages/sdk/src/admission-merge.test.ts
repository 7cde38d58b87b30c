import { type AdmissionPolicy, evaluateAdmission, isOrdoError } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { narrowAdmission } from "./admission-merge.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("narrowAdmission", () => {
  it("unites blocked lists, intersects allowed lists, ors the flags, joins reasons", () => {
    expect(
      narrowAdmission(
        {
          allowedProviders: ["openai", "Mistral", "cohere"],
          blockedModels: ["openai:gpt-3.5"],
          reason: "approved vendors",
          retryAfterMs: 500,
        },
        {
          allowedProviders: ["mistral", "cohere", "anthropic"],
          blockedProviders: ["cohere"],
          blockedModels: ["OPENAI:gpt-3.5", "mistral:tiny"],
          requireModel: true,
          reason: "outage",
          retryAfterMs: 2000,
        },
      ),
    ).toEqual({
      allowedProviders: ["Mistral"],
      blockedProviders: ["cohere"],
      blockedModels: ["openai:gpt-3.5", "mistral:tiny"],
      requireModel: true,
      reason: "approved vendors; outage",
      retryAfterMs: 2000,
    });
  });

  it("refuses whatever either side refuses, for every subject tried", () => {
    const a: AdmissionPolicy = {
      allowedOperations: ["llm.chat", "embed"],
      blockedModels: ["openai:*"],
      requireProvider: true,
    };
    const b: AdmissionPolicy = {
      blockedOperations: ["embed"],
      allowedProviders: ["openai", "mistral"],
    };
    const both = narrowAdmission(a, b);
    let refused = 0;
    for (const provider of [undefined, "openai", "cohere"]) {
      for (const model of [undefined, `${provider}:large`]) {
        for (const operation of [undefined, "llm.chat", "embed", "rerank"]) {
          const subject = { provider, model, operation };
          const either =
            evaluateAdmission(a, subject) !== undefined ||
            evaluateAdmission(b, subject) !== undefined;
          if (either) refused++;
          expect(evaluateAdmission(both, subject) !== undefined, JSON.stringify(subject)).toBe(
            either,
          );
        }
      }
    }
    // Both outcomes occur, so the comparison is not trivially true.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(24);
  });

  it("keeps a one-sided allowed list and leaves a reason-free merge without a reason", () => {
    expect(narrowAdmission({ allowedModels: ["a:b"] }, { requireOperation: true })).toEqual({
      allowedModels: ["a:b"],
      requireOperation: true,
    });
  });

  it("throws IR_INVALID_POLICY when an allowed list would admit nothing", () => {
    const disjoint = thrown(() =>
      narrowAdmission({ allowedProviders: ["openai"] }, { allowedProviders: ["mistral"] }),
    );
    expect(isOrdoError(disjoint) && disjoint.code).toBe("IR_INVALID_POLICY");
    expect(isOrdoError(disjoint) && disjoint.details).toEqual({ field: "allowedProviders" });
    const blockedAway = thrown(() =>
      narrowAdmission({ allowedModels: ["openai:gpt-4o"] }, { blockedModels: ["openai:GPT-4o"] }),
    );
    expect((blockedAway as Error).message).toMatch(/allowedModels would admit nothing/);
  });
});
