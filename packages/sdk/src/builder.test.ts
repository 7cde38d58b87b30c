import { isOrdoError, type OrdoError } from "@ordo/core";
import { declareStep, defineStep } from "@ordo/step";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { isPipelineBuilder, llm, pipeline, rag, retry, throttle, timeout, use } from "./index.js";

const echo = defineStep({
  type: "test.echo",
  version: "1.2.0",
  input: z.object({ text: z.string(), extra: z.unknown().optional() }),
  output: z.object({ text: z.string(), items: z.array(z.object({ id: z.string() })) }),
  async run({ text }) {
    return { text, items: [] };
  },
});

const input = z.object({ q: z.string(), n: z.number().default(3) });
const base = pipeline({ name: "p", version: "1.0.0", input });

function thrown(fn: () => unknown): OrdoError {
  try {
    fn();
  } catch (error) {
    if (isOrdoError(error)) return error;
    throw error;
  }
  throw new Error("expected an OrdoError");
}

describe("immutability", () => {
  test("every call returns a new frozen builder and leaves earlier ones unchanged", () => {
    const a = base.step(
      "a",
      use(echo, ($) => ({ text: $.input.q })),
    );
    const b = a.step(
      "b",
      use(echo, ($) => ({ text: $.steps.a.output.text })),
    );
    const c = b.dependsOn("a").policies({ retry: retry.none() }).trigger("all_done");
    expect(Object.isFrozen(base) && Object.isFrozen(a) && Object.isFrozen(b)).toBe(true);
    expect(new Set([base, a, b, c]).size).toBe(4);
    expect(a.compile().steps.map((s) => s.id)).toEqual(["a"]);
    const bStep = b.compile().steps[1];
    expect(bStep?.trigger).toBe("all_success");
    expect(bStep?.policies).toBeUndefined();
    expect(c.compile().steps[1]).toMatchObject({
      trigger: "all_done",
      policies: { retry: { maxAttempts: 1 } },
    });
    expect(() => base.compile()).toThrow(/no steps/);
  });

  test("mutating a compiled IR does not change the builder", () => {
    const a = base.step(
      "a",
      use(echo, ($) => ({ text: $.input.q })),
    );
    const first = a.compile();
    (first.steps[0]?.inputs as Record<string, unknown>).text = "changed";
    first.steps.push(first.steps[0] as never);
    expect(a.compile().steps).toHaveLength(1);
    expect(a.compile().steps[0]?.inputs.text).toEqual({ $ref: "input.q" });
  });

  test("a branch from an earlier builder does not see later steps", () => {
    const a = base.step(
      "a",
      use(echo, ($) => ({ text: $.input.q })),
    );
    a.step(
      "b",
      use(echo, () => ({ text: "x" })),
    );
    const other = a.step(
      "b",
      use(echo, () => ({ text: "y" })),
    );
    expect(other.compile().steps[1]?.inputs).toEqual({ text: "y" });
  });
});

describe("bindings", () => {
  test("references become $ref, add dependencies, and navigate arrays by index", () => {
    const ir = base
      .step(
        "a",
        use(echo, ($) => ({ text: $.input.q })),
      )
      .step(
        "b",
        use(echo, () => ({ text: "static" })),
      )
      .step(
        "c",
        use(echo, ($) => ({ text: $.steps.a.output.items[2].id, extra: [$.steps.b.output.text] })),
      )
      .compile();
    const c = ir.steps[2];
    expect(c?.inputs).toEqual({
      text: { $ref: "steps.a.output.items.2.id" },
      extra: [{ $ref: "steps.b.output.text" }],
    });
    expect(c?.dependsOn).toEqual(["a", "b"]);
    expect(ir.steps[1]?.dependsOn).toEqual([]);
  });

  test("templates render placeholders and add the steps they read as dependencies", () => {
    const ir = base
      .step(
        "a",
        use(echo, ($) => ({ text: $.input.q })),
      )
      .step(
        "b",
        use(echo, ($) => ({ text: $.template`Q: ${$.input.q} A: ${$.steps.a.output.text} #${7}` })),
      )
      .compile();
    expect(ir.steps[1]?.inputs.text).toEqual({
      $template: "Q: {{input.q}} A: {{steps.a.output.text}} #7",
    });
    expect(ir.steps[1]?.dependsOn).toEqual(["a"]);
  });

  test("literals stay literal; objects with expression keys are escaped with $literal", () => {
    const ir = base
      .step(
        "a",
        use(echo, () => ({ text: "x", extra: { nested: [1, true, null], $ref: "not a binding" } })),
      )
      .compile();
    expect(ir.steps[0]?.inputs).toEqual({
      text: "x",
      extra: { $literal: { nested: [1, true, null], $ref: "not a binding" } },
    });
  });

  test("dependsOn adds ordering-only edges to the last step, sorted and unique", () => {
    const ir = base
      .step(
        "z",
        use(echo, () => ({ text: "1" })),
      )
      .step(
        "a",
        use(echo, () => ({ text: "2" })),
      )
      .step(
        "m",
        use(echo, ($) => ({ text: $.steps.z.output.text })),
      )
      .dependsOn("a", "z")
      .dependsOn("a")
      .compile();
    expect(ir.steps[2]?.dependsOn).toEqual(["a", "z"]);
  });

  test("output mapping compiles to value expressions", () => {
    const ir = base
      .step(
        "a",
        use(echo, ($) => ({ text: $.input.q })),
      )
      .output(($) => ({ text: $.steps.a.output.text, all: $.steps.a.output, n: $.input.n, k: "v" }))
      .compile();
    expect(ir.output).toEqual({
      text: { $ref: "steps.a.output.text" },
      all: { $ref: "steps.a.output" },
      n: { $ref: "input.n" },
      k: "v",
    });
  });
});

describe("build-time errors", () => {
  const one = base.step(
    "a",
    use(echo, ($) => ({ text: $.input.q })),
  );
  const loose = one as unknown as {
    step(id: unknown, spec: unknown): unknown;
    dependsOn(...ids: unknown[]): unknown;
  };

  test("duplicate and invalid ids", () => {
    expect(
      thrown(() =>
        loose.step(
          "a",
          use(echo, () => ({ text: "x" })),
        ),
      ).code,
    ).toBe("IR_DUPLICATE_STEP_ID");
    expect(
      thrown(() =>
        loose.step(
          "1bad",
          use(echo, () => ({ text: "x" })),
        ),
      ).code,
    ).toBe("IR_INVALID");
    expect(thrown(() => loose.step("b", echo)).message).toMatch(/expected a step spec/);
  });

  test("unknown and self dependencies", () => {
    expect(thrown(() => loose.dependsOn("nope")).code).toBe("IR_UNKNOWN_DEPENDENCY");
    expect(thrown(() => loose.dependsOn("a")).code).toBe("IR_SELF_DEPENDENCY");
  });

  test("references to steps not defined before, and refs used as strings", () => {
    const e = thrown(() =>
      base.step(
        "b",
        use(echo, ($) => ({
          text: ($.steps as Record<string, { output: { text: string } }>).later?.output.text ?? "",
        })),
      ),
    );
    expect(e.code).toBe("IR_BINDING_UNKNOWN_STEP");
    expect(e.message).toContain("step 'b' references step 'later'");
    const s = thrown(() =>
      base.step(
        "b",
        use(echo, ($) => ({ text: `${$.input.q}` as string })),
      ),
    );
    expect(s.code).toBe("IR_BINDING_INVALID");
    expect(s.message).toContain("$.template");
  });

  test("returning, spreading or enumerating a reference fails instead of yielding {}", () => {
    const whole = thrown(() =>
      base.step(
        "b",
        use(echo, ($) => $.input as unknown as { text: string }),
      ),
    );
    expect(whole.code).toBe("IR_BINDING_INVALID");
    expect(whole.message).toContain("returned a reference");
    const spread = thrown(() =>
      base.step(
        "b",
        use(echo, ($) => ({ ...$.input, text: "x" })),
      ),
    );
    expect(spread.code).toBe("IR_BINDING_INVALID");
    expect(spread.message).toContain("reference 'input' cannot be spread");
    const output = thrown(() =>
      one.output(($) => $.steps.a.output as unknown as Record<string, never>),
    );
    expect(output.message).toContain("must return an object literal");
  });

  test("non-JSON values and '{{' in template text are rejected", () => {
    expect(
      thrown(() =>
        base.step(
          "b",
          use(echo, () => ({ text: "x", extra: new Date(0) })),
        ),
      ).message,
    ).toMatch(/Date object cannot be stored/);
    expect(
      thrown(() =>
        base.step(
          "b",
          use(echo, () => ({ text: "x", extra: Number.NaN })),
        ),
      ).code,
    ).toBe("IR_INVALID");
    expect(
      thrown(() =>
        base.step(
          "b",
          use(echo, ($) => ({ text: $.template`{{x}} ${$.input.q}` })),
        ),
      ).code,
    ).toBe("IR_BINDING_INVALID");
  });

  test("invalid config and policies are reported at build time", () => {
    const e = thrown(() =>
      base.step(
        "r",
        rag.retrieve(() => ({ query: "x" }), { index: "" }),
      ),
    );
    expect(e.code).toBe("IR_INVALID");
    expect(e.message).toContain("step 'r' (ordo.rag.retrieve): invalid config at 'index'");
    const p = thrown(() =>
      one.policies({ retry: { maxAttempts: 0, strategy: "fixed", baseDelayMs: 1 } }),
    );
    expect(p.code).toBe("IR_INVALID_POLICY");
    const u = thrown(() => one.policies({ retries: 3 } as never));
    expect(u.code).toBe("IR_UNKNOWN_POLICY_FIELD");
  });

  test("inputs the plugin does not declare are rejected (zod would strip them silently)", () => {
    const extra = { text: "x", bogus: 1 } as { text: string };
    const e = thrown(() =>
      base.step(
        "b",
        use(echo, () => extra),
      ),
    );
    expect(e.code).toBe("IR_UNKNOWN_INPUT");
    expect(e.message).toBe(
      "step 'b' (test.echo): unknown input 'bogus'; declared inputs: text, extra",
    );
    const loose = defineStep({ ...echo, input: z.looseObject({ text: z.string() }) });
    expect(
      base
        .step(
          "b",
          use(loose, () => extra),
        )
        .compile().steps[0]?.inputs,
    ).toEqual({ text: "x", bogus: 1 });
  });

  test("core validation issues surface as the OrdoError of the first issue", () => {
    // The $.ref escape hatch bypasses the typed scope: core still finds the unknown field.
    const e = thrown(() =>
      one
        .step(
          "b",
          use(echo, ($) => ({ text: $.ref<string>("steps.a.output.missing") })),
        )
        .compile(),
    );
    expect(e.code).toBe("IR_BINDING_UNKNOWN_FIELD");
    expect(e.details?.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "IR_BINDING_UNKNOWN_FIELD" })]),
    );
  });
});

describe("compile", () => {
  test("records plugin identity, JSON Schemas (io-aware), metadata and policies", () => {
    const ir = pipeline({
      name: "qa",
      version: "2.0.0",
      input,
      description: "d",
      policies: { timeout: timeout({ attemptMs: 1000 }) },
      metadata: { tenant: "acme" },
    })
      .step(
        "answer",
        llm(($) => ({ prompt: $.input.q }), {
          provider: "openai",
          model: "gpt-4.1",
          temperature: 0,
        }),
      )
      .policies({ concurrency: [throttle.provider("openai", 2)] })
      .policies({ concurrency: [throttle.global(10)] })
      .compile();
    // z.number().default(3): optional for callers (io "input"), so not required in the pipeline schema.
    expect(ir.input).toMatchObject({ type: "object", required: ["q"] });
    expect(ir).toMatchObject({
      name: "qa",
      version: "2.0.0",
      description: "d",
      metadata: { tenant: "acme" },
    });
    expect(ir.policies).toEqual({ timeout: { attemptMs: 1000 } });
    const step = ir.steps[0];
    expect(step).toMatchObject({
      type: "ordo.llm",
      typeVersion: "1.0.0",
      config: { model: "gpt-4.1", temperature: 0 },
      metadata: { operation: "llm.chat", provider: "openai", model: "gpt-4.1" },
    });
    expect(step?.policies?.concurrency).toEqual([
      { scope: "provider", key: "openai", limit: 2 },
      { scope: "global", limit: 10 },
    ]);
    expect(step?.schemas.output).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["text", "usage"]),
    });
  });

  test("declarations and plugins with the same contract compile to the same step", () => {
    const declared = declareStep({
      type: echo.type,
      version: echo.version,
      input: echo.input,
      output: echo.output,
    });
    const a = base
      .step(
        "a",
        use(echo, ($) => ({ text: $.input.q })),
      )
      .compile();
    const b = base
      .step(
        "a",
        use(declared, ($) => ({ text: $.input.q })),
      )
      .compile();
    expect(b).toEqual(a);
  });

  test("isPipelineBuilder finds builders among module exports", () => {
    const mod = {
      default: base.step(
        "a",
        use(echo, () => ({ text: "x" })),
      ),
      helper: () => 1,
      name: "x",
      nil: null,
    };
    expect(Object.values(mod).filter(isPipelineBuilder)).toEqual([mod.default]);
    expect(isPipelineBuilder({ compile() {} })).toBe(false);
  });
});
