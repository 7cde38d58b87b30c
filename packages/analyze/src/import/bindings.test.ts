import { describe, expect, test } from "vitest";
import {
  type BindingScope,
  literal,
  looksLikeBinding,
  splitPath,
  translateInput,
} from "./bindings.js";
import { IssueLog } from "./reader.js";

function scope(overrides: Partial<BindingScope> = {}): BindingScope {
  return {
    stepIds: new Map([
      ["fetch", "fetch"],
      ["1st step", "s1st-step"],
    ]),
    ownInputs: { mode: "fast", nested: { a: 1 } },
    ownConfig: { Limit: 3 },
    referenced: new Set<string>(),
    log: new IssueLog(),
    ...overrides,
  };
}

describe("translateInput", () => {
  test.each([
    ["state.user.name", { $ref: "input.user.name" }],
    ["DATA.items[2]", { $ref: "input.items.2" }],
    ["steps.fetch.result.data.docs[0].text", { $ref: "steps.fetch.output.docs.0.text" }],
    ["steps.fetch.result.Data.total", { $ref: "steps.fetch.output.total" }],
    ["steps.fetch.result.value", { $ref: "steps.fetch.output" }],
    ["steps.fetch.result.value[1]", { $ref: "steps.fetch.output.1" }],
    ["steps.1st step.result.value", { $ref: "steps.s1st-step.output" }],
    ["input.mode", "fast"],
    ["config.limit", 3],
    ["hello world", "hello world"],
  ])("%s", (raw, expected) => {
    expect(translateInput(raw, "$.x", scope())).toEqual(expected);
  });

  test("step references are recorded as implied dependencies", () => {
    const s = scope();
    translateInput("steps.fetch.result.data.a", "$.x", s);
    translateInput("state.b", "$.y", s);
    expect([...s.referenced]).toEqual(["fetch"]);
  });

  test("untranslatable bindings stay literal strings and are reported with their path", () => {
    const s = scope();
    for (const raw of [
      "steps.ghost.result.value",
      "steps.fetch.result.success",
      "metadata.user",
      "input.absent",
    ]) {
      expect(translateInput(raw, `$.in.${raw.length}`, s)).toBe(raw);
    }
    expect(s.log.issues.map((issue) => issue.code)).toEqual(Array(4).fill("IMPORT_UNMAPPED"));
    expect(s.referenced.size).toBe(0);
  });

  test("non-strings are literals; objects with $-keys are escaped", () => {
    expect(translateInput(42, "$.x", scope())).toBe(42);
    expect(translateInput({ a: ["state.x"] }, "$.x", scope())).toEqual({ a: ["state.x"] });
    expect(literal({ a: [{ $ref: "x" }] })).toEqual({ $literal: { a: [{ $ref: "x" }] } });
  });
});

test("splitPath and looksLikeBinding", () => {
  expect(splitPath("a.b[3].c")).toEqual(["a", "b", "3", "c"]);
  expect(splitPath("a..b")).toBeUndefined();
  expect(looksLikeBinding("steps.x.result")).toBe(true);
  expect(looksLikeBinding("Current.Config.x")).toBe(true);
  expect(looksLikeBinding("statement")).toBe(false);
});
