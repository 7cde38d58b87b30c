import { describe, expect, it } from "vitest";
import {
  collectRefs,
  parseRefPath,
  resolveRef,
  resolveValue,
  stepDependenciesOf,
  templatePlaceholders,
} from "./bindings.js";
import { isOrdoError } from "./errors.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOrdoError(error) ? error.code : "not-ordo";
  }
  return undefined;
}

describe("parseRefPath", () => {
  it("parses input paths, with digit segments as indices", () => {
    expect(parseRefPath("input")).toEqual({ source: "input", path: [] });
    expect(parseRefPath("input.items.0.name")).toEqual({
      source: "input",
      path: ["items", 0, "name"],
    });
    // A leading zero is not an index: "01" stays a key.
    expect(parseRefPath("input.a.01")).toEqual({ source: "input", path: ["a", "01"] });
  });

  it("parses step output paths", () => {
    expect(parseRefPath("steps.retrieve.output")).toEqual({
      source: "step",
      stepId: "retrieve",
      path: [],
    });
    expect(parseRefPath("steps.re-rank_2.output.docs.10")).toEqual({
      source: "step",
      stepId: "re-rank_2",
      path: ["docs", 10],
    });
  });

  it.each([
    "",
    "inputs.x",
    "input..x",
    "input.x.",
    "steps",
    "steps.a",
    "steps.a.result",
    "steps.1a.output",
    " input.x",
    "state.x",
  ])("rejects %j with IR_BINDING_INVALID", (path) => {
    expect(codeOf(() => parseRefPath(path))).toBe("IR_BINDING_INVALID");
  });
});

describe("collectRefs", () => {
  it("finds refs and template placeholders with their locations", () => {
    const refs = collectRefs({
      query: { $ref: "input.question" },
      messages: [
        { role: "system", content: "fixed" },
        { role: "user", content: { $template: "Q: {{ input.question }} / {{steps.a.output.x}}" } },
      ],
      raw: { $literal: { $ref: "steps.never.output" } },
    });
    expect(refs).toEqual([
      { path: "input.question", location: ["query"], kind: "ref" },
      { path: "input.question", location: ["messages", 1, "content"], kind: "template" },
      { path: "steps.a.output.x", location: ["messages", 1, "content"], kind: "template" },
    ]);
  });

  it("treats an object with more keys than $ref as a plain object", () => {
    expect(collectRefs({ $ref: "input.a", b: { $ref: "input.b" } })).toEqual([
      { path: "input.b", location: ["b"], kind: "ref" },
    ]);
  });

  it("returns nothing for literals", () => {
    expect(collectRefs("input.x")).toEqual([]);
    expect(collectRefs(3)).toEqual([]);
    expect(collectRefs(null)).toEqual([]);
  });
});

describe("templatePlaceholders", () => {
  it("trims placeholders and ignores unbalanced braces", () => {
    expect(templatePlaceholders("{{a}} {{ b.c }} {single} {{ unclosed")).toEqual(["a", "b.c"]);
  });
});

describe("stepDependenciesOf", () => {
  it("returns sorted unique step ids from refs and templates, ignoring input refs", () => {
    const inputs = {
      a: { $ref: "steps.zeta.output" },
      b: [{ $template: "{{steps.alpha.output.x}} {{input.q}}" }, { $ref: "steps.zeta.output.y" }],
      c: { $literal: { $ref: "steps.hidden.output" } },
      d: { $ref: "not a path" },
    };
    expect(stepDependenciesOf({ inputs })).toEqual(["alpha", "zeta"]);
  });
});

describe("resolveValue", () => {
  const scope = {
    input: { q: "why?", n: 3, tags: ["x", "y"], nested: { ok: true } },
    steps: { r: { docs: [{ id: "d1" }, { id: "d2" }], empty: null }, pending: undefined },
  };

  it("resolves refs, including array indices and whole outputs", () => {
    expect(resolveValue({ $ref: "steps.r.output.docs.1.id" }, scope)).toBe("d2");
    expect(resolveValue({ $ref: "input" }, scope)).toEqual(scope.input);
    expect(resolveRef("steps.r.output", scope)).toEqual(scope.steps.r);
  });

  it("resolves missing paths and unfinished steps to null", () => {
    expect(resolveValue({ $ref: "input.missing.deeper" }, scope)).toBeNull();
    expect(resolveValue({ $ref: "steps.pending.output.x" }, scope)).toBeNull();
    expect(resolveValue({ $ref: "steps.unknown.output" }, scope)).toBeNull();
    expect(resolveValue({ $ref: "input.tags.5" }, scope)).toBeNull();
    expect(resolveValue({ $ref: "input.q.length" }, scope)).toBeNull();
  });

  it("renders templates: text as is, numbers with String, objects as JSON, null as empty", () => {
    const value = resolveValue(
      {
        $template:
          "{{input.q}}|{{ input.n }}|{{input.tags}}|{{input.nested}}|{{steps.r.output.empty}}|{{input.nope}}",
      },
      scope,
    );
    expect(value).toBe('why?|3|["x","y"]|{"ok":true}||');
  });

  it("returns $literal content unchanged and evaluates nested structures", () => {
    expect(
      resolveValue(
        { a: [{ $ref: "input.n" }, "plain"], b: { $literal: { $ref: "input.q" } }, c: null },
        scope,
      ),
    ).toEqual({ a: [3, "plain"], b: { $ref: "input.q" }, c: null });
  });

  it("throws IR_BINDING_INVALID for a malformed path", () => {
    expect(codeOf(() => resolveValue({ $ref: "output.x" }, scope))).toBe("IR_BINDING_INVALID");
    expect(codeOf(() => resolveValue({ $template: "{{ bad path }}" }, scope))).toBe(
      "IR_BINDING_INVALID",
    );
  });
});
