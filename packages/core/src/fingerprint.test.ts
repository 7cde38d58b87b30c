import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definitionFingerprint, normalizePipeline } from "./fingerprint.js";
import type { PipelineIR, StepIR, TriggerRule } from "./ir.js";
import type { JsonValue } from "./json.js";

const TRIGGERS: TriggerRule[] = ["all_success", "any_success", "all_done"];

/** Random but valid-shaped pipelines: steps s0..sN, each depending on some earlier steps. */
const pipelineArb: fc.Arbitrary<PipelineIR> = fc
  .integer({ min: 1, max: 5 })
  .chain((count) =>
    fc.record({
      name: fc.string({ minLength: 1, maxLength: 8 }),
      version: fc.constantFrom("1.0.0", "2.1.0"),
      steps: fc.tuple(
        ...Array.from({ length: count }, (_, index) =>
          fc.record({
            type: fc.constantFrom("ordo.llm.chat", "ordo.rag.retrieve", "ordo.http.get"),
            deps: fc.subarray(Array.from({ length: index }, (_, d) => `s${d}`)),
            literal: fc.jsonValue({ maxDepth: 2 }),
            field: fc.constantFrom("a", "b", "items.0"),
            trigger: fc.constantFrom(...TRIGGERS),
            maxAttempts: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
            config: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), {
              maxKeys: 3,
            }),
          }),
        ),
      ),
    }),
  )
  .map(({ name, version, steps }) => ({
    ordo: 1 as const,
    name,
    version,
    input: { type: "object", properties: { q: { type: "string" } } },
    steps: steps.map(
      (step, index): StepIR => ({
        id: `s${index}`,
        type: step.type,
        typeVersion: "1.0.0",
        dependsOn: step.deps,
        inputs: {
          lit: { $literal: step.literal as JsonValue },
          ref:
            step.deps.length > 0
              ? { $ref: `steps.${step.deps[0]}.output.${step.field}` }
              : { $ref: `input.${step.field}` },
          text: { $template: "Q: {{input.q}}" },
        },
        config: step.config as Record<string, JsonValue>,
        metadata: {},
        trigger: step.trigger,
        ...(step.maxAttempts === undefined
          ? {}
          : {
              policies: {
                retry: { maxAttempts: step.maxAttempts, strategy: "fixed", baseDelayMs: 10 },
              },
            }),
        schemas: { input: { type: "object" }, output: { type: "object" } },
      }),
    ),
    output: { result: { $ref: `steps.s${steps.length - 1}.output` } },
  }));

/** Deterministically permute object keys at every depth (seeded), keeping values equal. */
function shuffleKeys(value: unknown, seed: number): unknown {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state;
  };
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== "object" || node === null) return node;
    const entries = Object.entries(node).map(([k, v]) => [k, visit(v)] as const);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [entries[i], entries[j]] = [
        entries[j] as (typeof entries)[number],
        entries[i] as (typeof entries)[number],
      ];
    }
    return Object.fromEntries(entries);
  };
  return visit(value);
}

function reparse(ir: unknown, seed: number, indent: number): PipelineIR {
  return JSON.parse(JSON.stringify(shuffleKeys(ir, seed), null, indent)) as PipelineIR;
}

/** Semantic changes: each must change the fingerprint. */
const MUTATIONS: Record<string, (ir: PipelineIR) => void> = {
  stepType: (ir) => {
    const step = ir.steps[0] as StepIR;
    (step as { type: string }).type = `${step.type}.v2`;
  },
  typeVersion: (ir) => {
    (ir.steps[0] as { typeVersion: string }).typeVersion = "2.0.0";
  },
  inputLiteral: (ir) => {
    const inputs = ir.steps[0]?.inputs as Record<string, unknown>;
    inputs.lit = { $literal: ["changed", inputs.lit] as JsonValue };
  },
  bindingPath: (ir) => {
    const inputs = ir.steps[0]?.inputs as Record<string, unknown>;
    inputs.ref = { $ref: "input.other" };
  },
  template: (ir) => {
    (ir.steps[0]?.inputs as Record<string, unknown>).text = { $template: "Q:{{input.q}}" };
  },
  policyValue: (ir) => {
    const step = ir.steps[0] as { policies?: { retry?: { maxAttempts: number } } };
    const current = step.policies?.retry?.maxAttempts;
    step.policies = {
      retry: { maxAttempts: (current ?? 1) + 1, strategy: "fixed", baseDelayMs: 10 } as never,
    };
  },
  dependsOnEdge: (ir) => {
    const last = ir.steps[ir.steps.length - 1] as { dependsOn: string[]; id: string };
    if (last.dependsOn.length > 0) last.dependsOn = last.dependsOn.slice(1);
    else
      (ir.steps as StepIR[]).push({
        ...(ir.steps[0] as StepIR),
        id: "extra",
        dependsOn: [last.id],
      });
  },
  trigger: (ir) => {
    const step = ir.steps[0] as { trigger: TriggerRule };
    step.trigger = TRIGGERS[(TRIGGERS.indexOf(step.trigger) + 1) % TRIGGERS.length] as TriggerRule;
  },
  config: (ir) => {
    (ir.steps[0]?.config as Record<string, JsonValue>)["new-key"] = 1;
  },
  outputSchema: (ir) => {
    (ir.steps[0]?.schemas as { output: unknown }).output = { type: "string" };
  },
  pipelineName: (ir) => {
    (ir as { name: string }).name = `${ir.name}!`;
  },
  outputMapping: (ir) => {
    (ir as { output: unknown }).output = { result: { $ref: "input" } };
  },
  metadata: (ir) => {
    (ir.steps[0] as { metadata: unknown }).metadata = { provider: "openai" };
  },
};

describe("definitionFingerprint", () => {
  it("is 64 lowercase hex characters and deterministic", () => {
    fc.assert(
      fc.property(pipelineArb, (ir) => {
        const fingerprint = definitionFingerprint(ir);
        expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
        expect(definitionFingerprint(structuredClone(ir))).toBe(fingerprint);
      }),
    );
  });

  it("ignores key order and whitespace", () => {
    fc.assert(
      fc.property(pipelineArb, fc.integer(), fc.integer({ min: 0, max: 4 }), (ir, seed, indent) => {
        expect(definitionFingerprint(reparse(ir, seed, indent))).toBe(definitionFingerprint(ir));
      }),
    );
  });

  it("ignores dependsOn order and duplicates, absent optionals and explicit defaults", () => {
    fc.assert(
      fc.property(pipelineArb, (ir) => {
        const variant = structuredClone(ir) as unknown as {
          steps: Record<string, unknown>[];
          description?: undefined;
        };
        variant.description = undefined;
        for (const step of variant.steps) {
          const deps = step.dependsOn as string[];
          step.dependsOn = [...deps, ...deps].reverse();
          if (step.trigger === "all_success") delete step.trigger;
          if (Object.keys(step.config as object).length === 0) delete step.config;
          delete step.metadata;
          if (step.policies === undefined) step.policies = {};
        }
        expect(definitionFingerprint(variant as never)).toBe(definitionFingerprint(ir));
      }),
    );
  });

  it("changes with any semantic change", () => {
    fc.assert(
      fc.property(pipelineArb, fc.constantFrom(...Object.keys(MUTATIONS)), (ir, mutation) => {
        const changed = structuredClone(ir);
        MUTATIONS[mutation]?.(changed);
        expect(definitionFingerprint(changed)).not.toBe(definitionFingerprint(ir));
      }),
    );
  });

  it("depends on step order (it breaks scheduling ties)", () => {
    const ir = fc.sample(
      pipelineArb.filter((p) => p.steps.length > 1),
      { seed: 1, numRuns: 1 },
    )[0];
    if (ir === undefined) throw new Error("no sample");
    const reordered = { ...ir, steps: [...ir.steps].reverse() };
    expect(definitionFingerprint(reordered)).not.toBe(definitionFingerprint(ir));
  });
});

describe("normalizePipeline", () => {
  it("sorts and dedupes dependsOn, applies defaults and drops empty policies", () => {
    const ir = normalizePipeline({
      ordo: 1,
      name: "p",
      version: "1",
      input: {},
      policies: {},
      steps: [
        {
          id: "c",
          type: "t",
          typeVersion: "1",
          dependsOn: ["b", "a", "b"],
          policies: { retry: undefined },
          schemas: { input: {}, output: {}, config: undefined },
        },
      ],
    });
    expect(ir).toEqual({
      ordo: 1,
      name: "p",
      version: "1",
      input: {},
      steps: [
        {
          id: "c",
          type: "t",
          typeVersion: "1",
          dependsOn: ["a", "b"],
          inputs: {},
          config: {},
          metadata: {},
          trigger: "all_success",
          schemas: { input: {}, output: {} },
        },
      ],
    });
    expect("policies" in ir).toBe(false);
    expect("policies" in (ir.steps[0] as object)).toBe(false);
  });

  it("does not modify its argument", () => {
    const step = {
      id: "a",
      type: "t",
      typeVersion: "1",
      dependsOn: ["z", "y"],
      schemas: { input: {}, output: {} },
    };
    normalizePipeline({ ordo: 1, name: "p", version: "1", input: {}, steps: [step] });
    expect(step.dependsOn).toEqual(["z", "y"]);
  });
});
