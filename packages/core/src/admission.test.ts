import { describe, expect, it } from "vitest";
import { admissionSubjectOf, describeRefusal, evaluateAdmission } from "./admission.js";

const ruleOf = (...args: Parameters<typeof evaluateAdmission>) =>
  evaluateAdmission(...args)?.rule ?? "admitted";

describe("evaluateAdmission", () => {
  it("blocks listed providers, case-insensitively and trimmed, and admits the others", () => {
    const policy = { blockedProviders: [" OpenAI "], reason: "outage" };
    const refusal = evaluateAdmission(policy, { provider: "openai" });
    expect(refusal).toEqual({
      rule: "blockedProviders",
      subject: "provider",
      value: "openai",
      reason: "outage",
      message: "provider openai blocked",
    });
    expect(describeRefusal(refusal!)).toBe("provider openai blocked (outage)");
    expect(ruleOf(policy, { provider: "anthropic" })).toBe("admitted");
    expect(ruleOf(policy, {})).toBe("admitted");
  });

  it("applies allowed lists only to steps that have the value; require refuses the others", () => {
    expect(ruleOf({ allowedProviders: ["anthropic"] }, { provider: "openai" })).toBe(
      "allowedProviders",
    );
    expect(ruleOf({ allowedProviders: ["anthropic"] }, { provider: "Anthropic" })).toBe("admitted");
    expect(ruleOf({ allowedProviders: ["anthropic"] }, {})).toBe("admitted");
    const required = { allowedProviders: ["anthropic"], requireProvider: true };
    const refusal = evaluateAdmission(required, {});
    expect(refusal?.rule).toBe("requireProvider");
    expect(refusal?.value).toBeUndefined();
    expect(ruleOf({ requireOperation: true }, { provider: "x" })).toBe("requireOperation");
    expect(ruleOf({ requireModel: true }, { model: "x:y" })).toBe("admitted");
  });

  it("matches models as provider:model, with provider:* for every model of a provider", () => {
    const subject = admissionSubjectOf({ provider: "openai", model: "gpt-4.1" });
    expect(subject).toEqual({ provider: "openai", model: "openai:gpt-4.1", operation: undefined });
    expect(ruleOf({ blockedModels: ["openai:gpt-4.1"] }, subject)).toBe("blockedModels");
    expect(ruleOf({ blockedModels: ["openai:gpt-4o"] }, subject)).toBe("admitted");
    expect(ruleOf({ allowedModels: ["openai:*"] }, subject)).toBe("admitted");
    expect(ruleOf({ allowedModels: ["anthropic:*"] }, subject)).toBe("allowedModels");
    // `openai:*` must not cover a provider whose name merely starts with "openai".
    expect(ruleOf({ blockedModels: ["openai:*"] }, { model: "openaix:m" })).toBe("admitted");
  });

  it("checks blocked before require before allowed, provider before model before operation", () => {
    const policy = {
      blockedOperations: ["embed"],
      allowedProviders: ["anthropic"],
      blockedModels: ["openai:*"],
    };
    expect(ruleOf(policy, { provider: "openai", model: "openai:m", operation: "embed" })).toBe(
      "allowedProviders",
    );
    expect(ruleOf(policy, { provider: "anthropic", model: "openai:m", operation: "embed" })).toBe(
      "blockedModels",
    );
    expect(ruleOf(policy, { provider: "anthropic", operation: "embed" })).toBe("blockedOperations");
    expect(
      ruleOf({ allowedOperations: ["chat"] }, { provider: "anthropic", operation: "embed" }),
    ).toBe("allowedOperations");
  });

  it("keys a model that already names its provider, or has none, as written", () => {
    expect(admissionSubjectOf({ provider: "azure", model: "openai:gpt-4o" }).model).toBe(
      "openai:gpt-4o",
    );
    expect(admissionSubjectOf({ model: "gpt-4o" }).model).toBe("gpt-4o");
  });
});
