/**
 * The README's code must be real: its TypeScript block is kept byte-identical to
 * `readme-example.ts`, which the repo typecheck compiles and this test runs.
 */
import { readFileSync } from "node:fs";
import { validatePipeline } from "@ordo/core";
import { describe, expect, it } from "vitest";
import example from "./readme-example.js";

const root = new URL("../../", import.meta.url);

describe("README", () => {
  it("shows exactly the type-checked example", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(new URL("test/docs/readme-example.ts", root), "utf8"));
  });

  it("example compiles to valid IR with the binding-implied dependency", () => {
    const ir = example.compile();
    expect(validatePipeline(ir).ok).toBe(true);
    expect(ir.steps.find((step) => step.id === "answer")?.dependsOn).toEqual(["retrieve"]);
  });
});
