import type { PipelineIR, StepIR } from "@ordo/core";
import { describe, expect, test } from "vitest";
import { renderGraph } from "./render-graph.js";

function step(id: string, dependsOn: string[], trigger: StepIR["trigger"] = "all_success"): StepIR {
  return {
    id,
    type: `demo.${id}`,
    typeVersion: "1.0.0",
    dependsOn,
    inputs: {},
    config: {},
    metadata: {},
    trigger,
    schemas: { input: {}, output: {} },
  };
}

const ir: PipelineIR = {
  ordo: 1,
  name: 'say "hi"',
  version: "1.0.0",
  input: {},
  steps: [step("a", []), step("b-1", ["a"]), step("join", ["a", "b-1"], "any_success")],
};

describe("renderGraph", () => {
  test("mermaid uses safe node ids and escapes quotes in labels", () => {
    const text = renderGraph(ir, "mermaid");
    expect(text).toContain("%% say #quot;hi#quot; 1.0.0");
    expect(text).toContain('  s1["<b>b-1</b><br/>demo.b-1"]');
    expect(text).toContain("  s0 --> s1\n");
    expect(text).toContain("  s1 -. any_success .-> s2\n");
    expect(text.endsWith("\n")).toBe(true);
  });

  test("dot quotes ids and escapes quotes", () => {
    const text = renderGraph(ir, "dot");
    expect(text.split("\n")[0]).toBe('digraph "say \\"hi\\"@1.0.0" {');
    expect(text).toContain('"a" -> "b-1";');
    expect(text).toContain('"b-1" -> "join" [label="any_success", style=dashed];');
    expect(text.trim().endsWith("}")).toBe(true);
  });
});
