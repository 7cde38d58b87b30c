import { validatePipeline } from "@ordo/core";
import { describe, expect, test } from "vitest";
import { mapAdmission } from "./admission.js";
import { importReferencePipelines } from "./convert.js";
import { IssueLog } from "./reader.js";

/** A reference pipeline whose pipeline-level concurrency carries `policies`. */
function reference(policies: unknown[], steps: unknown[], config: object = {}) {
  return {
    pipelines: [
      {
        name: "eu-support",
        version: "1",
        executionMode: "Dag",
        config: { ...config, concurrency: { enabled: true, policies } },
        steps,
      },
    ],
  };
}

describe("import of reference admission policies", () => {
  test("provider, model and operation policies become one policies.admission that validates", () => {
    const { pipelines, issues } = importReferencePipelines(
      reference(
        [
          {
            name: "concurrency.provider.admission",
            config: {
              allowedProviders: ["mistral", " aleph-alpha "],
              blockedProviders: ["openai"],
              requireProvider: true,
              reason: "EU data only",
              retryAfterMs: 5000,
            },
          },
          {
            name: "Concurrency.Model.Admission",
            config: { blockedModels: ["mistral:mistral-tiny"], requireModel: true },
          },
          {
            name: "concurrency.operation.admission",
            config: { allowedOperations: ["llm.chat"], requireOperation: false },
          },
        ],
        [
          {
            name: "answer",
            stepKey: "llm.chat",
            config: { provider: "mistral", model: "mistral-large", operation: "llm.chat" },
          },
        ],
        { retry: { maxRetries: 2 } },
      ),
    );
    expect(issues).toEqual([]);
    const ir = pipelines[0]!.ir;
    expect(ir.policies?.admission).toEqual({
      allowedProviders: ["mistral", "aleph-alpha"],
      blockedProviders: ["openai"],
      requireProvider: true,
      reason: "EU data only",
      retryAfterMs: 5000,
      blockedModels: ["mistral:mistral-tiny"],
      requireModel: true,
      allowedOperations: ["llm.chat"],
    });
    expect(ir.policies?.custom).toBeUndefined();
    expect(validatePipeline(ir).ok).toBe(true);
  });

  test("a step the imported policy refuses fails the import (the reference would wait forever)", () => {
    const { pipelines, issues } = importReferencePipelines(
      reference(
        [{ name: "concurrency.provider.admission", config: { blockedProviders: ["OpenAI"] } }],
        [{ name: "answer", stepKey: "llm.chat", config: { provider: "openai" } }],
      ),
    );
    expect(pipelines).toEqual([]);
    expect(issues).toContainEqual(
      expect.objectContaining({ severity: "error", code: "IR_ADMISSION_DENIED" }),
    );
  });

  test("step-level policies land on the step; fields of another policy kind are reported", () => {
    const { pipelines, issues } = importReferencePipelines({
      pipelines: [
        {
          name: "p",
          version: "1",
          executionMode: "Dag",
          steps: [
            {
              name: "only",
              stepKey: "x.a",
              config: {
                provider: "acme",
                concurrency: {
                  policies: [
                    {
                      name: "concurrency.provider.admission",
                      config: { blockedProviders: ["evil"], blockedModels: ["acme:big"] },
                    },
                  ],
                },
              },
            },
          ],
        },
      ],
    });
    const ir = pipelines[0]!.ir;
    expect(ir.policies?.admission).toBeUndefined();
    expect(ir.steps[0]!.policies?.admission).toEqual({ blockedProviders: ["evil"] });
    expect(issues.map((i) => i.path)).toContain(
      "$.pipelines[0].steps[0].config.concurrency.policies[0].config.blockedModels",
    );
  });
});

describe("mapAdmission", () => {
  const at = (name: string, config: Record<string, unknown>, i = 0) => ({
    name,
    config,
    path: `$.p[${i}]`,
  });

  test("several policies narrow: blocked united, allowed intersected, longest wait", () => {
    const log = new IssueLog();
    const mapped = mapAdmission(
      [
        at("concurrency.provider.admission", {
          allowedProviders: ["a", "b", "c"],
          blockedProviders: ["x"],
          retryAfterMs: 100,
          reason: "one",
        }),
        at("concurrency.provider.admission", {
          allowedProviders: ["B", "c", "d"],
          blockedProviders: ["y", "X"],
          retryAfterMs: 50,
          reason: "two",
        }),
      ],
      log,
    );
    expect(mapped).toEqual({
      admission: {
        allowedProviders: ["b", "c"],
        blockedProviders: ["x", "y"],
        retryAfterMs: 100,
        reason: "one; two",
      },
      custom: [],
    });
    expect(log.issues).toEqual([]);
  });

  test("a value both allowed and blocked stays blocked; bad model names are reported", () => {
    const log = new IssueLog();
    const mapped = mapAdmission(
      [
        at("concurrency.model.admission", {
          allowedModels: ["acme:big", "acme:small", "gpt-4"],
          blockedModels: ["ACME:big"],
        }),
      ],
      log,
    );
    expect(mapped.admission).toEqual({
      allowedModels: ["acme:small"],
      blockedModels: ["ACME:big"],
    });
    expect(log.issues.map((i) => i.path)).toEqual(["$.p[0].config.allowedModels[2]"]);
  });

  test("an allowed list that would admit nothing keeps the policy as a custom reference", () => {
    const log = new IssueLog();
    const first = at("concurrency.operation.admission", { allowedOperations: ["llm.chat"] });
    const second = at("concurrency.operation.admission", { allowedOperations: ["embed"] }, 1);
    const mapped = mapAdmission([first, second], log);
    expect(mapped.admission).toEqual({ allowedOperations: ["llm.chat"] });
    expect(mapped.custom).toEqual([
      { name: "concurrency.operation.admission", kind: "admission", config: second.config },
    ]);
    expect(log.issues).toEqual([
      expect.objectContaining({ path: "$.p[1]", code: "IMPORT_UNMAPPED" }),
    ]);
  });

  test("a policy with only a reason sets no admission", () => {
    const mapped = mapAdmission(
      [at("concurrency.provider.admission", { reason: "nothing" })],
      new IssueLog(),
    );
    expect(mapped).toEqual({ custom: [] });
  });
});

test("a step with its own policy list is warned: the reference drops the pipeline's admission", () => {
  const { pipelines, issues } = importReferencePipelines(
    reference(
      [{ name: "concurrency.provider.admission", config: { blockedProviders: ["evil"] } }],
      [
        {
          name: "a",
          stepKey: "x.a",
          config: { concurrency: { policies: [{ name: "concurrency.throttle", config: {} }] } },
        },
        { name: "b", stepKey: "x.b", config: { concurrency: { maxStepConcurrency: 2 } } },
      ],
      { retry: { maxRetries: 1 } },
    ),
  );
  expect(pipelines[0]!.ir.policies?.admission).toEqual({ blockedProviders: ["evil"] });
  const warned = issues.filter((i) => i.message.includes("ignores the pipeline's admission"));
  expect(warned.map((i) => i.path)).toEqual(["$.pipelines[0].steps[0].config"]);
});
