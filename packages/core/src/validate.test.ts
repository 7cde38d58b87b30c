import { describe, expect, it } from "vitest";
import { isOrdoError } from "./errors.js";
import type { JsonSchema } from "./json.js";
import { parsePipeline, validatePipeline } from "./validate.js";

const objectSchema = (properties: Record<string, JsonSchema>, required: string[] = []) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

/** A step with open schemas unless given; every field the IR needs. */
function step(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: "test.step",
    typeVersion: "1.0.0",
    dependsOn: [],
    inputs: {},
    schemas: { input: {}, output: {} },
    ...extra,
  };
}

function pipeline(steps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ordo: 1, name: "p", version: "1.0.0", input: {}, steps, ...extra };
}

const issuesOf = (input: unknown) =>
  validatePipeline(input).issues.map(({ code, path }) => `${code} ${path}`);

describe("validatePipeline", () => {
  it("accepts a minimal pipeline and applies defaults", () => {
    const result = validatePipeline(pipeline([step("a"), step("b", { dependsOn: ["a"] })]));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.ir.steps[0]?.trigger).toBe("all_success");
      expect(result.ir.steps[0]?.config).toEqual({});
    }
  });

  it("reports a version mismatch alone, even with other problems", () => {
    const result = validatePipeline({ ordo: 7, steps: "nope" });
    expect(result.issues).toEqual([
      expect.objectContaining({ code: "IR_VERSION_MISMATCH", path: "$.ordo" }),
    ]);
    expect(result.issues[0]?.message).toMatch(/version 7.*reads version 1/);
  });

  it("reports shape errors for non-objects and missing fields", () => {
    expect(issuesOf(null)).toEqual(["IR_INVALID $"]);
    expect(issuesOf({ ordo: 1 })).toEqual(
      expect.arrayContaining(["IR_INVALID $.name", "IR_INVALID $.steps", "IR_INVALID $.input"]),
    );
    expect(issuesOf(pipeline([]))).toEqual(["IR_INVALID $.steps"]);
    expect(issuesOf(pipeline([step("1bad")]))).toEqual(["IR_INVALID $.steps[0].id"]);
  });

  it("tells unknown policy fields from other unknown fields, at any depth", () => {
    const issues = issuesOf(
      pipeline([step("a", { metadata: { provider: "x", region: "eu" } })], {
        policies: {
          retry: { maxAttempts: 2, strategy: "fixed", baseDelayMs: 0, backoff: 1 },
          limits: [],
        },
        extra: true,
      }),
    );
    expect(issues.sort()).toEqual([
      "IR_UNKNOWN_FIELD $.extra",
      "IR_UNKNOWN_FIELD $.steps[0].metadata.region",
      "IR_UNKNOWN_POLICY_FIELD $.policies.limits",
      "IR_UNKNOWN_POLICY_FIELD $.policies.retry.backoff",
    ]);
  });

  it("still checks the graph when the shape is wrong", () => {
    const issues = issuesOf(
      pipeline([step("a", { dependsOn: ["b"], type: 5 }), step("b", { dependsOn: ["a"] })]),
    );
    expect(issues).toEqual(["IR_INVALID $.steps[0].type", "IR_CYCLE $.steps[0].dependsOn[0]"]);
  });

  it("collects every graph issue at once", () => {
    const issues = issuesOf(
      pipeline([
        step("a", { dependsOn: ["a", "ghost"] }),
        step("a"),
        step("x", { dependsOn: ["y"] }),
        step("y", { dependsOn: ["z"] }),
        step("z", { dependsOn: ["x"] }),
      ]),
    );
    expect(issues).toEqual([
      "IR_DUPLICATE_STEP_ID $.steps[1].id",
      "IR_SELF_DEPENDENCY $.steps[0].dependsOn[0]",
      "IR_UNKNOWN_DEPENDENCY $.steps[0].dependsOn[1]",
      "IR_CYCLE $.steps[2].dependsOn[0]",
    ]);
    const cycle = validatePipeline(
      pipeline([
        step("x", { dependsOn: ["y"] }),
        step("y", { dependsOn: ["z"] }),
        step("z", { dependsOn: ["x"] }),
      ]),
    );
    expect(cycle.issues[0]?.message).toContain("x -> y -> z -> x");
  });

  it("reports one issue per cycle component, with its shortest cycle", () => {
    const result = validatePipeline(
      pipeline([
        step("a", { dependsOn: ["b"] }),
        step("b", { dependsOn: ["a", "c"] }),
        step("c", { dependsOn: ["b"] }),
        step("d", { dependsOn: ["e"] }),
        step("e", { dependsOn: ["d"] }),
      ]),
    );
    expect(result.issues.map((i) => i.message.split(" (")[0])).toEqual([
      "dependency cycle a -> b -> a",
      "dependency cycle d -> e -> d",
    ]);
  });

  it("requires binding sources to be transitive ancestors", () => {
    const ok = pipeline([
      step("a"),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["b"], inputs: { x: { $ref: "steps.a.output.v" } } }),
    ]);
    expect(issuesOf(ok)).toEqual([]);
    const notAncestor = pipeline([
      step("a"),
      step("b"),
      step("c", { dependsOn: ["b"], inputs: { x: [{ $ref: "steps.a.output" }] } }),
    ]);
    expect(issuesOf(notAncestor)).toEqual(["IR_BINDING_NOT_ANCESTOR $.steps[2].inputs.x[0]"]);
    const self = pipeline([step("a", { inputs: { x: { $ref: "steps.a.output" } } })]);
    expect(issuesOf(self)).toEqual(["IR_BINDING_NOT_ANCESTOR $.steps[0].inputs.x"]);
  });

  it("checks bindings inside templates and nested structures, never inside $literal", () => {
    const issues = issuesOf(
      pipeline([
        step("a", {
          inputs: {
            messages: [
              { role: "user", content: { $template: "{{ steps.nope.output }} {{input..x}}" } },
            ],
            raw: { $literal: { $ref: "steps.nope.output" } },
            "odd key": { $ref: "" },
          },
        }),
      ]),
    );
    expect(issues).toEqual([
      "IR_BINDING_UNKNOWN_STEP $.steps[0].inputs.messages[0].content",
      "IR_BINDING_INVALID $.steps[0].inputs.messages[0].content",
      'IR_BINDING_INVALID $.steps[0].inputs["odd key"]',
    ]);
  });

  it("checks fields and types against the source and target schemas", () => {
    const producer = step("p", {
      schemas: {
        input: {},
        output: objectSchema(
          {
            n: { type: "integer" },
            s: { type: "string" },
            list: { type: "array", items: { type: "string" } },
          },
          ["n", "s", "list"],
        ),
      },
    });
    const consumer = step("c", {
      dependsOn: ["p"],
      inputs: {
        count: { $ref: "steps.p.output.n" },
        label: { $ref: "steps.p.output.n" },
        first: { $ref: "steps.p.output.list.0" },
        missing: { $ref: "steps.p.output.size" },
        text: { $template: "{{steps.p.output.list}}" },
        q: { $ref: "input.question" },
      },
      schemas: {
        input: objectSchema({
          count: { type: "number" },
          label: { type: "string" },
          first: { type: "string" },
          missing: {},
          text: { type: "array" },
          q: { type: "number" },
        }),
        output: {},
      },
    });
    const input = objectSchema({ question: { type: "string" } }, ["question"]);
    expect(issuesOf(pipeline([producer, consumer], { input }))).toEqual([
      "IR_BINDING_TYPE_MISMATCH $.steps[1].inputs.label",
      "IR_BINDING_UNKNOWN_FIELD $.steps[1].inputs.missing",
      "IR_BINDING_TYPE_MISMATCH $.steps[1].inputs.text",
      "IR_BINDING_TYPE_MISMATCH $.steps[1].inputs.q",
    ]);
    const messages = validatePipeline(pipeline([producer, consumer], { input })).issues;
    expect(messages[0]?.message).toContain("integer");
    expect(messages[0]?.message).toContain("expects string");
  });

  it("checks required and unknown inputs against a closed input schema", () => {
    const s = step("a", {
      inputs: { query: "hi", extra: 1 },
      schemas: {
        input: objectSchema({ query: { type: "string" }, topK: { type: "integer" } }, [
          "query",
          "topK",
        ]),
        output: {},
      },
    });
    expect(issuesOf(pipeline([s]))).toEqual([
      "IR_MISSING_REQUIRED_INPUT $.steps[0].inputs.topK",
      "IR_UNKNOWN_INPUT $.steps[0].inputs.extra",
    ]);
  });

  it("checks config keys and literal types against the config schema", () => {
    const s = step("a", {
      config: { modle: "x", temperature: "hot" },
      schemas: {
        input: {},
        output: {},
        config: objectSchema({ model: { type: "string" }, temperature: { type: "number" } }, [
          "model",
        ]),
      },
    });
    expect(issuesOf(pipeline([s]))).toEqual([
      "IR_INVALID_CONFIG $.steps[0].config.model",
      "IR_INVALID_CONFIG $.steps[0].config.modle",
      "IR_INVALID_CONFIG $.steps[0].config.temperature",
    ]);
  });

  it("rejects bindings in config, which is never resolved", () => {
    const s = step("a", {
      config: {
        model: { $ref: "input.model" },
        nested: [{ $template: "{{input.x}}" }],
        raw: { $literal: { $ref: "x" } },
      },
    });
    expect(issuesOf(pipeline([s]))).toEqual([
      "IR_INVALID_CONFIG $.steps[0].config.model",
      "IR_INVALID_CONFIG $.steps[0].config.nested[0]",
    ]);
  });

  it("checks the output mapping", () => {
    const issues = issuesOf(
      pipeline(
        [step("a", { schemas: { input: {}, output: objectSchema({ text: { type: "string" } }) } })],
        {
          output: {
            text: { $ref: "steps.a.output.text" },
            bad: { $ref: "steps.b.output" },
            field: { $ref: "steps.a.output.txt" },
            both: { $template: "{{steps.a.output.text}} {{ input.q }}" },
          },
        },
      ),
    );
    expect(issues).toEqual([
      "IR_UNKNOWN_OUTPUT_STEP $.output.bad",
      "IR_BINDING_UNKNOWN_FIELD $.output.field",
    ]);
  });
});

describe("issue messages", () => {
  it("suggest the closest existing id or field", () => {
    const result = validatePipeline(
      pipeline(
        [
          step("retrieve", {
            schemas: { input: {}, output: objectSchema({ documents: { type: "array" } }) },
          }),
          step("answer", {
            dependsOn: ["retreive"],
            inputs: { docs: { $ref: "steps.retrieve.output.documnts" } },
          }),
        ],
        { output: { text: { $ref: "steps.answr.output" } } },
      ),
    );
    const messages = result.issues.map((issue) => issue.message);
    expect(messages).toEqual([
      expect.stringContaining("did you mean 'retrieve'?"),
      expect.stringContaining("not among its (transitive) dependencies"),
      expect.stringContaining("did you mean 'answer'?"),
    ]);
    const field = validatePipeline(
      pipeline([
        step("retrieve", {
          schemas: { input: {}, output: objectSchema({ documents: { type: "array" } }) },
        }),
        step("answer", {
          dependsOn: ["retrieve"],
          inputs: { docs: { $ref: "steps.retrieve.output.documnts" } },
        }),
      ]),
    );
    expect(field.issues[0]?.message).toContain(
      "'documnts' does not exist; did you mean 'documents'?",
    );
  });
});

describe("parsePipeline", () => {
  it("returns the IR when valid", () => {
    expect(parsePipeline(pipeline([step("a")])).steps[0]?.id).toBe("a");
  });

  it("throws an OrdoError with the first code and every issue in details", () => {
    try {
      parsePipeline(pipeline([step("a", { dependsOn: ["a", "b"] })]));
      expect.unreachable();
    } catch (error) {
      expect(isOrdoError(error)).toBe(true);
      if (!isOrdoError(error)) return;
      expect(error.code).toBe("IR_SELF_DEPENDENCY");
      expect(error.details?.issues).toHaveLength(2);
      expect(error.message).toContain("$.steps[0].dependsOn[1]");
    }
  });
});

describe("validatePipeline: admission policies", () => {
  const llm = (id: string, metadata: Record<string, unknown>, extra = {}) =>
    step(id, { metadata, ...extra });

  it("rejects a step its pipeline's admission policy refuses, naming step, rule and value", () => {
    const result = validatePipeline(
      pipeline(
        [
          llm("a", { provider: "openai", model: "gpt-4o" }),
          llm("b", { provider: "anthropic", model: "claude" }),
          step("c"),
        ],
        {
          policies: {
            admission: { blockedProviders: ["openai"], requireProvider: true, reason: "EU only" },
          },
        },
      ),
    );
    expect(result.issues.map(({ code, path }) => `${code} ${path}`)).toEqual([
      "IR_ADMISSION_DENIED $.steps[0].metadata.provider",
      "IR_ADMISSION_DENIED $.steps[2].metadata",
    ]);
    expect(result.issues[0]?.message).toBe(
      "step 'a': provider openai blocked by the pipeline's admission policy, rule blockedProviders at $.policies.admission.blockedProviders (EU only); change the step's metadata.provider or the policy",
    );
    expect(result.issues[1]?.message).toMatch(/step 'c': provider required.*requireProvider/);
  });

  it("applies a step's own policy on top of the pipeline's (narrow, never widen)", () => {
    const steps = [
      llm(
        "a",
        { provider: "openai", model: "gpt-4o", operation: "chat" },
        {
          policies: {
            admission: { allowedProviders: ["openai"], allowedModels: ["openai:gpt-4.1"] },
          },
        },
      ),
    ];
    expect(issuesOf(pipeline(steps))).toEqual(["IR_ADMISSION_DENIED $.steps[0].metadata.model"]);
    const widened = pipeline(
      [
        llm(
          "a",
          { provider: "openai" },
          {
            policies: { admission: { allowedProviders: ["openai"] } },
          },
        ),
      ],
      { policies: { admission: { blockedProviders: ["openai"] } } },
    );
    expect(issuesOf(widened)).toEqual(["IR_ADMISSION_DENIED $.steps[0].metadata.provider"]);
  });

  it("accepts admitted steps and throws the code from parsePipeline", () => {
    const ok = pipeline([llm("a", { provider: "anthropic", operation: "chat" })], {
      policies: { admission: { allowedProviders: ["anthropic"], allowedOperations: ["chat"] } },
    });
    expect(validatePipeline(ok).ok).toBe(true);
    const bad = pipeline([llm("a", { operation: "embed" })], {
      policies: { admission: { blockedOperations: ["embed"] } },
    });
    try {
      parsePipeline(bad);
      expect.unreachable();
    } catch (error) {
      expect(isOrdoError(error) && error.code).toBe("IR_ADMISSION_DENIED");
    }
  });

  it("reports malformed admission policies by shape, not as denials", () => {
    const issues = issuesOf(
      pipeline([llm("a", { provider: "openai", model: "gpt" })], {
        policies: {
          admission: { allowedModels: ["gpt-4o"], blockedProviders: [], blockProvider: ["x"] },
        },
      }),
    );
    expect(issues.sort()).toEqual([
      "IR_INVALID $.policies.admission.allowedModels[0]",
      "IR_INVALID $.policies.admission.blockedProviders",
      "IR_UNKNOWN_POLICY_FIELD $.policies.admission.blockProvider",
    ]);
  });

  it("reports a value both allowed and blocked", () => {
    expect(
      issuesOf(
        pipeline([step("a")], {
          policies: { admission: { allowedProviders: ["openai"], blockedProviders: ["OpenAI"] } },
        }),
      ),
    ).toEqual(["IR_INVALID_POLICY $.policies.admission.blockedProviders[0]"]);
  });
});
