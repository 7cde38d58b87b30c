import { type JsonValue, resolveValue, type StepIR, stepDependenciesOf } from "@ordo/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { makeScope, type Scope, template } from "./ref.js";
import { toValueExpr } from "./values.js";

// JSON without -0 (JSON text cannot keep it) and with keys that look like IR expressions.
const json = fc
  .jsonValue({ noUnicodeString: false })
  .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);
const trickyKey = fc.constantFrom("$ref", "$template", "$literal", "a", "b");
const trickyObject = fc.dictionary(trickyKey, json, { maxKeys: 3 });

describe("toValueExpr", () => {
  test("any JSON literal resolves back to itself (expression-like objects are escaped)", () => {
    fc.assert(
      fc.property(
        fc.oneof(json, trickyObject, fc.array(trickyObject, { maxLength: 3 })),
        (value) => {
          const { expr, stepRefs } = toValueExpr(value, "test");
          expect(stepRefs.size).toBe(0);
          expect(resolveValue(expr, { input: null, steps: {} })).toEqual(value);
        },
      ),
    );
  });

  test("references resolve against the run-time scope, and their step ids are collected", () => {
    const $ = makeScope(new Set(["a", "b"]), "test") as unknown as Scope<
      { user: { name: string } },
      { a: { items: { id: string }[] }; b: { ok: boolean } }
    >;
    const value = {
      name: $.input.user.name,
      first: $.steps.a.output.items[0].id,
      all: [$.steps.b.output],
      text: template`hi ${$.input.user.name}: ${$.steps.b.output}`,
    };
    const { expr, stepRefs } = toValueExpr(value, "test");
    expect([...stepRefs].sort()).toEqual(["a", "b"]);
    const scope = {
      input: { user: { name: "Ada" } },
      steps: { a: { items: [{ id: "x1" }] }, b: { ok: true } },
    };
    expect(resolveValue(expr, scope)).toEqual({
      name: "Ada",
      first: "x1",
      all: [{ ok: true }],
      text: 'hi Ada: {"ok":true}',
    });
    // core derives the same dependencies from the compiled expressions
    const step = { inputs: { v: expr } } as unknown as StepIR;
    expect(stepDependenciesOf(step).sort()).toEqual(["a", "b"]);
  });

  test("undefined members are dropped, undefined array items become null", () => {
    expect(toValueExpr({ a: undefined, b: [undefined, 1] }, "t").expr).toEqual({ b: [null, 1] });
  });
});
