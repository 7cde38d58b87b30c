import { isOrdoError, type JsonSchema, type JsonValue } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { InputValidators, normalizeRequired, validatorFor } from "./input-schema.js";

const def = (fingerprint: string, input: JsonSchema) => ({
  fingerprint,
  ir: { name: "p", input },
});

describe("InputValidators", () => {
  const schema: JsonSchema = {
    type: "object",
    properties: { q: { type: "string" } },
    required: ["q", "n"],
  };

  it("accepts a matching input and refuses a mismatch with INPUT_INVALID and its issues", () => {
    const inputs = new InputValidators();
    expect(() => inputs.check(def("f1", schema), { q: "x", n: 1 })).not.toThrow();
    try {
      inputs.check(def("f1", schema), { q: 3 });
      expect.unreachable();
    } catch (error) {
      expect(isOrdoError(error) && error.code).toBe("INPUT_INVALID");
      expect((error as Error).message).toContain("pipeline 'p'");
      const issues = (error as { details?: { issues?: { path: string }[] } }).details?.issues;
      expect(issues?.map((i) => i.path).sort()).toEqual(["n", "q"]);
    }
  });

  it("keeps one validator per fingerprint: a second schema under a new fingerprint applies", () => {
    const inputs = new InputValidators();
    inputs.check(def("a", { type: "object" }), { q: 1 });
    expect(() => inputs.check(def("b", schema), { q: 1 })).toThrow();
    // Same fingerprint, same (cached) rule as before.
    expect(() => inputs.check(def("a", schema), { q: 1 })).not.toThrow();
  });

  it("refuses a lone surrogate in a value or key (no fingerprint could be computed) and names where", () => {
    const inputs = new InputValidators();
    const open = def("o", { type: "object" });
    expect(() => inputs.check(open, { q: "ok \uD83D\uDE00", list: ["fine"] })).not.toThrow();
    for (const [input, where] of [
      [{ q: "broken \uD83D" }, "input.q"],
      [{ list: ["a", "\uDE00b"] }, "input.list[1]"],
      [{ "k\uD800": 1 }, "input key"],
    ] satisfies [JsonValue, string][]) {
      try {
        inputs.check(open, input);
        expect.unreachable();
      } catch (error) {
        expect(isOrdoError(error) && error.code).toBe("INPUT_INVALID");
        expect((error as Error).message).toContain(where);
      }
    }
  });
});

describe("validatorFor", () => {
  it("keeps required names that properties does not list", () => {
    expect(normalizeRequired({ required: ["x"] })).toEqual({
      required: ["x"],
      properties: { x: {} },
    });
    expect(validatorFor({ type: "object", required: ["x"] }).safeParse({}).success).toBe(false);
  });
});
