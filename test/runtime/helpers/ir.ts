/**
 * Small IR builders for runtime tests: steps of plugin `test.*` with permissive schemas.
 */
import type { PipelineIR, PolicySet, TriggerRule, ValueExpr } from "@ordo/core";

/** A compact step description. */
export interface TestStep {
  readonly id: string;
  readonly deps?: readonly string[];
  readonly trigger?: TriggerRule;
  readonly type?: string;
  readonly inputs?: Record<string, ValueExpr>;
  readonly policies?: PolicySet;
}

/** Builds a PipelineIR from compact steps. */
export function testIr(
  steps: readonly TestStep[],
  options: { name?: string; policies?: PolicySet; output?: Record<string, ValueExpr> } = {},
): PipelineIR {
  return {
    ordo: 1,
    name: options.name ?? "test-pipeline",
    version: "1.0.0",
    input: { type: "object" },
    steps: steps.map((s) => ({
      id: s.id,
      type: s.type ?? "test.echo",
      typeVersion: "1.0.0",
      dependsOn: [...(s.deps ?? [])].sort(),
      inputs: s.inputs ?? {},
      config: {},
      metadata: {},
      trigger: s.trigger ?? "all_success",
      schemas: { input: {}, output: {} },
      ...(s.policies ? { policies: s.policies } : {}),
    })),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.output ? { output: options.output } : {}),
  };
}

/** A layered DAG of `n` steps: each step depends on up to `fanIn` steps of the previous layer. */
export function layeredIr(
  n: number,
  width: number,
  fanIn = 2,
  type = "test.echo",
  inputs: (id: string, deps: string[]) => Record<string, ValueExpr> = () => ({}),
  policies?: PolicySet,
): PipelineIR {
  const steps: TestStep[] = [];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width);
    const deps: string[] = [];
    if (layer > 0) {
      for (let k = 0; k < fanIn; k++) {
        const j = (layer - 1) * width + ((i + k * 7) % width);
        if (j < (layer - 1) * width + width && !deps.includes(`s${j}`)) deps.push(`s${j}`);
      }
    }
    steps.push({ id: `s${i}`, deps, type, inputs: inputs(`s${i}`, deps) });
  }
  return testIr(steps, { name: `layered-${n}`, ...(policies ? { policies } : {}) });
}
